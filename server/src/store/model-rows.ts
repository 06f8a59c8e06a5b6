import type {
  Endpoint,
  ModelAlias,
  ModelEvent,
  ModelEventKind,
  ModelProvenance,
  ModelVersion,
  TrafficShare,
} from './store-types.ts';

/* Model registry rows as better-sqlite3 returns them, and their mapping to the stored types. */

export interface ModelRow {
  name: string;
  description: string;
  last_version: number;
  created_at: string;
}

export interface ModelSummaryRow extends ModelRow {
  latest_version: number | null;
  version_count: number;
}

export interface ModelVersionRow {
  model: string;
  version: number;
  onnx_sha256: string;
  onnx_size: number;
  input_schema: string;
  output_schema: string;
  task: string;
  label: string;
  label_kind: string;
  classes: string | null;
  trained_by: string;
  lineage: string | null;
  metrics: string | null;
  provenance: string;
  created_at: string;
  has_baseline: number;
}

export const MODEL_VERSION_COLUMNS =
  'model, version, onnx_sha256, onnx_size, input_schema, output_schema, task, label, label_kind, classes, trained_by, lineage, metrics, provenance, created_at';

/** What a version read gives: the stored columns, and whether it has a baseline (not the baseline itself: it is large). */
export const MODEL_VERSION_SELECT = `${MODEL_VERSION_COLUMNS}, baseline IS NOT NULL AS has_baseline`;

export interface ModelAliasRow {
  model: string;
  alias: string;
  version: number;
  updated_at: string;
}

export interface ModelEventRow {
  id: number;
  model: string;
  kind: string;
  alias: string | null;
  from_version: number | null;
  to_version: number | null;
  rollback_of: number | null;
  at: string;
  by: string | null;
}

export interface EndpointRow {
  model: string;
  alias: string;
  traffic: string;
  updated_at: string;
  /** The alias's version, joined in. */
  alias_version: number;
}

export function toModelVersion(row: ModelVersionRow, aliases: string[]): ModelVersion {
  const version: ModelVersion = {
    model: row.model,
    version: row.version,
    onnxSha256: row.onnx_sha256,
    onnxSize: row.onnx_size,
    inputs: JSON.parse(row.input_schema),
    outputs: JSON.parse(row.output_schema),
    task: row.task as ModelVersion['task'],
    label: row.label,
    labelKind: row.label_kind as ModelVersion['labelKind'],
    trainedBy: row.trained_by,
    lineage: row.lineage === null ? null : JSON.parse(row.lineage),
    metrics: row.metrics === null ? null : JSON.parse(row.metrics),
    provenance: JSON.parse(row.provenance) as ModelProvenance,
    createdAt: row.created_at,
    aliases,
    hasBaseline: row.has_baseline === 1,
  };
  if (row.classes !== null) version.classes = JSON.parse(row.classes);
  return version;
}

export function toModelAlias(row: ModelAliasRow): ModelAlias {
  return { alias: row.alias, version: row.version, updatedAt: row.updated_at };
}

export function toModelEvent(row: ModelEventRow): ModelEvent {
  const event: ModelEvent = { id: row.id, model: row.model, kind: row.kind as ModelEventKind, at: row.at };
  if (row.alias !== null) event.alias = row.alias;
  if (row.from_version !== null) event.fromVersion = row.from_version;
  if (row.to_version !== null) event.toVersion = row.to_version;
  if (row.rollback_of !== null) event.rollbackOf = row.rollback_of;
  if (row.by !== null) event.by = row.by;
  return event;
}

export function toEndpoint(row: EndpointRow): Endpoint {
  const traffic = JSON.parse(row.traffic) as TrafficShare[];
  return {
    model: row.model,
    alias: row.alias,
    traffic,
    routes: traffic.length > 0 ? traffic : [{ version: row.alias_version, percent: 100 }],
    updatedAt: row.updated_at,
  };
}
