export { canonicalJson, type JsonValue, sortStrings } from './canonical-json.ts';
export { type Diagnostic, error, formatDiagnostic, pointer, pointerSegment } from './diagnostic.ts';
export {
  CURRENT_FORMAT_VERSION,
  DOCUMENT_FORMAT,
  documentJsonSchema,
  edgeLabel,
  isParameterReference,
  type NodeUi,
  type ParameterReference,
  type PipelineDocument,
  PipelineDocumentSchema,
  type PipelineEdge,
  type PipelineNode,
  type PipelineNote,
  PipelineNoteSchema,
  type PipelineParameter,
  type PortRef,
} from './document.ts';
export { describeJsonError, parseJsonText } from './json-text.ts';
export {
  DOCUMENT_MIGRATIONS,
  type DocumentMigration,
  type MigrationResult,
  migrateDocument,
} from './migrate-document.ts';
export { parseParameterText } from './parameter-value.ts';
export { serializeDocument } from './serialize-document.ts';
export {
  forEachParameterReference,
  type LoadOptions,
  type LoadResult,
  loadDocument,
  parseDocument,
  valueMatchesParameterType,
} from './validate-document.ts';
