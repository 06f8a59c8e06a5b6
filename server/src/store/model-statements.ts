import type BetterSqlite3 from 'better-sqlite3';
import {
  type EndpointRow,
  MODEL_VERSION_COLUMNS,
  MODEL_VERSION_SELECT,
  type ModelAliasRow,
  type ModelEventRow,
  type ModelRow,
  type ModelSummaryRow,
  type ModelVersionRow,
} from './model-rows.ts';

/** The model registry's statements, prepared once when the store opens. */
export function prepareModelStatements(db: BetterSqlite3.Database) {
  const summaryColumns = `m.name, m.description, m.last_version, m.created_at,
    (SELECT max(version) FROM model_versions v WHERE v.model = m.name) AS latest_version,
    (SELECT count(*) FROM model_versions v WHERE v.model = m.name) AS version_count`;
  const endpointColumns = `e.model, e.alias, e.traffic, e.updated_at, a.version AS alias_version
    FROM endpoints e JOIN model_aliases a ON a.model = e.model AND a.alias = e.alias`;
  return {
    model: db.prepare<[string], ModelRow>(
      'SELECT name, description, last_version, created_at FROM models WHERE name = ?',
    ),
    modelSummary: db.prepare<[string], ModelSummaryRow>(`SELECT ${summaryColumns} FROM models m WHERE m.name = ?`),
    listModels: db.prepare<[], ModelSummaryRow>(`SELECT ${summaryColumns} FROM models m ORDER BY m.name`),
    insertModel: db.prepare<[string, string, string]>(
      'INSERT INTO models (name, description, last_version, created_at) VALUES (?, ?, 0, ?)',
    ),
    bumpLastVersion: db.prepare<[number, string]>('UPDATE models SET last_version = ? WHERE name = ?'),
    versionBySha: db.prepare<[string, string], ModelVersionRow>(
      `SELECT ${MODEL_VERSION_SELECT} FROM model_versions WHERE model = ? AND onnx_sha256 = ?`,
    ),
    version: db.prepare<[string, number], ModelVersionRow>(
      `SELECT ${MODEL_VERSION_SELECT} FROM model_versions WHERE model = ? AND version = ?`,
    ),
    versionExists: db
      .prepare<[string, number], number>('SELECT 1 FROM model_versions WHERE model = ? AND version = ?')
      .pluck(),
    listVersions: db.prepare<[string], ModelVersionRow>(
      `SELECT ${MODEL_VERSION_SELECT} FROM model_versions WHERE model = ? ORDER BY version DESC`,
    ),
    insertVersion: db.prepare<{
      model: string;
      version: number;
      onnxSha256: string;
      onnxSize: number;
      inputs: string;
      outputs: string;
      task: string;
      label: string;
      labelKind: string;
      classes: string | null;
      trainedBy: string;
      lineage: string | null;
      metrics: string | null;
      provenance: string;
      createdAt: string;
    }>(
      `INSERT INTO model_versions (${MODEL_VERSION_COLUMNS}) VALUES (@model, @version, @onnxSha256, @onnxSize,
       @inputs, @outputs, @task, @label, @labelKind, @classes, @trainedBy, @lineage, @metrics, @provenance, @createdAt)`,
    ),
    setBaseline: db.prepare<[string, string, number]>(
      'UPDATE model_versions SET baseline = ? WHERE model = ? AND version = ?',
    ),
    baseline: db
      .prepare<[string, number], string | null>('SELECT baseline FROM model_versions WHERE model = ? AND version = ?')
      .pluck(),
    deleteVersion: db.prepare<[string, number]>('DELETE FROM model_versions WHERE model = ? AND version = ?'),
    aliasesOfModel: db.prepare<[string], ModelAliasRow>(
      'SELECT model, alias, version, updated_at FROM model_aliases WHERE model = ? ORDER BY alias',
    ),
    alias: db.prepare<[string, string], ModelAliasRow>(
      'SELECT model, alias, version, updated_at FROM model_aliases WHERE model = ? AND alias = ?',
    ),
    upsertAlias: db.prepare<[string, string, number, string]>(
      `INSERT INTO model_aliases (model, alias, version, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
    ),
    deleteAlias: db.prepare<[string, string]>('DELETE FROM model_aliases WHERE model = ? AND alias = ?'),
    insertEvent: db.prepare<{
      model: string;
      kind: string;
      alias: string | null;
      fromVersion: number | null;
      toVersion: number | null;
      rollbackOf: number | null;
      at: string;
      by: string | null;
    }>(
      `INSERT INTO model_events (model, kind, alias, from_version, to_version, rollback_of, at, by)
       VALUES (@model, @kind, @alias, @fromVersion, @toVersion, @rollbackOf, @at, @by)`,
    ),
    eventsOfModel: db.prepare<[string], ModelEventRow>(
      `SELECT id, model, kind, alias, from_version, to_version, rollback_of, at, by FROM model_events
       WHERE model = ? ORDER BY id DESC`,
    ),
    aliasHistory: db.prepare<[string, string], ModelEventRow>(
      `SELECT id, model, kind, alias, from_version, to_version, rollback_of, at, by FROM model_events
       WHERE model = ? AND alias = ? AND kind IN ('alias.moved', 'alias.removed') ORDER BY id`,
    ),
    endpoint: db.prepare<[string], EndpointRow>(`SELECT ${endpointColumns} WHERE e.model = ?`),
    listEndpoints: db.prepare<[], EndpointRow>(`SELECT ${endpointColumns} ORDER BY e.model`),
    upsertEndpoint: db.prepare<[string, string, string, string]>(
      `INSERT INTO endpoints (model, alias, traffic, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (model) DO UPDATE SET alias = excluded.alias, traffic = excluded.traffic, updated_at = excluded.updated_at`,
    ),
    setEndpointTraffic: db.prepare<[string, string, string]>(
      'UPDATE endpoints SET traffic = ?, updated_at = ? WHERE model = ?',
    ),
    deleteEndpoint: db.prepare<[string]>('DELETE FROM endpoints WHERE model = ?'),
    // Every alias move, removal and version change records an event; endpoint changes do not, so their
    // rows themselves (few) are part of the revision.
    servingRevision: db
      .prepare<[], string>(
        `SELECT (SELECT coalesce(max(id), 0) FROM model_events) || '|' || coalesce((SELECT group_concat(
           model || ' ' || alias || ' ' || traffic || ' ' || updated_at, ';') FROM (SELECT * FROM endpoints ORDER BY model)), '')`,
      )
      .pluck(),
  };
}
