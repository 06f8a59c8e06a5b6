export { describeJsonError, type JsonValue } from '@loom/graph';
export { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
export {
  COLUMN_OF_KEYWORD,
  type ColumnReference,
  columnParam,
  columnReferenceOf,
  columnsParam,
} from './column-params.ts';
export {
  type AnyNodeDefinition,
  defineNode,
  type GpuNeeds,
  type GpuResources,
  type NodeCategory,
  type NodeDefinition,
  type NodeDefinitionInput,
  type NodeResources,
  type ParameterMigration,
  type ResourceNeeds,
  type RetryPolicy,
} from './define-node.ts';
export { INPUT_FILE_KEYWORD, inputFile, isInputFileSchema } from './input-file.ts';
export {
  ALIAS_PATTERN,
  DEPLOY_TARGETS,
  type DeployRequest,
  type DeployResult,
  type DeployTarget,
  type DeployTrafficShare,
  MAX_TRAFFIC_SECONDS,
  MODEL_NAME_PATTERN,
  type ModelRegistryAccess,
  type TrafficWindow,
  type TrafficWindowRequest,
} from './model-registry-access.ts';
export {
  type CatalogInputPort,
  type CatalogNode,
  type CatalogOutputPort,
  type CatalogPortType,
  type NodeCatalog,
  nodeCatalog,
  registryFromCatalog,
} from './node-catalog.ts';
export { NodeError } from './node-error.ts';
export {
  type NodeRegistration,
  NodeRegistry,
  type PluginIdentity,
  type PluginOrigin,
  type RegisteredNode,
} from './node-registry.ts';
export { parameterJsonSchema } from './parameter-schema.ts';
export {
  type ArtifactRef,
  BUILTIN_PORT_TYPES,
  definePortType,
  type Endpoint,
  isPortTypeCompatible,
  type MetricCurve,
  type MetricMatrix,
  type Metrics,
  type MetricValue,
  type PortStorage,
  type PortTypeDefinition,
  type PortTypeName,
  type PortValue,
  type PortValueTypes,
} from './port-types.ts';
export {
  type ColumnFlow,
  type InputPort,
  type InputPortOptions,
  type InputPorts,
  type InputValue,
  type InputValues,
  input,
  type OutputPort,
  type OutputPortOptions,
  type OutputPorts,
  type OutputValues,
  output,
  type RowFlow,
} from './ports.ts';
export { compareSemver } from './semver.ts';
export type {
  ArtifactAccess,
  FingerprintContext,
  InputSource,
  LogLevel,
  StepContext,
  StepIdentity,
  StepLogger,
} from './step-context.ts';
export { typeBoxFromJsonSchema } from './typebox-from-json-schema.ts';
export {
  type AppliedMigration,
  type NodeParamsUpgrade,
  type UpgradeFailure,
  type UpgradeResult,
  upgradeNodeParams,
} from './upgrade-params.ts';
