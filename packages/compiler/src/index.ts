export { type CompileOptions, type CompileResult, compile, compileDocument, stepIdentity } from './compile.ts';
export {
  type Connection,
  type ConnectionCheck,
  type ConnectionEnd,
  type ConnectionRefusal,
  checkConnection,
  checkPortConnection,
  type ExistingEdge,
  type PortRef,
} from './connection-rule.ts';
export { simpleCycleOrder, topologicalOrder } from './graph-order.ts';
export { sha256Hex } from './hash.ts';
export { type InputFileReference, inputFileReferences, isDownloadUrl, missingInputFile } from './input-files.ts';
export type { Plan, PlanInputRef, PlanStep } from './plan.ts';
