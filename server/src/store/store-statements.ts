import type BetterSqlite3 from 'better-sqlite3';
import {
  type EventRow,
  type LogRow,
  type PipelineRow,
  type PipelineVersionRow,
  RUN_COLUMNS,
  type RunRow,
  STEP_COLUMNS,
  type StepRow,
} from './store-rows.ts';

type Counts = { status: string; count: number };

/** The store's statements, prepared once when it opens (preparing is the costly part of a query). */
export function prepareStatements(db: BetterSqlite3.Database) {
  const versionColumns = 'pipeline_id, version, name, document, created_at';
  return {
    latestVersion: db.prepare<[string], number>('SELECT latest_version FROM pipelines WHERE id = ?').pluck(),
    insertPipeline: db.prepare<[string, string, string, string]>(
      'INSERT INTO pipelines (id, name, latest_version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)',
    ),
    touchPipeline: db.prepare<[string, number, string, string]>(
      'UPDATE pipelines SET name = ?, latest_version = ?, updated_at = ? WHERE id = ?',
    ),
    insertVersion: db.prepare<[string, number, string, string, string]>(
      'INSERT INTO pipeline_versions (pipeline_id, version, name, document, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    latestPipeline: db.prepare<[string], PipelineVersionRow>(
      `SELECT ${versionColumns} FROM pipeline_versions WHERE pipeline_id = ? ORDER BY version DESC LIMIT 1`,
    ),
    pipelineAt: db.prepare<[string, number], PipelineVersionRow>(
      `SELECT ${versionColumns} FROM pipeline_versions WHERE pipeline_id = ? AND version = ?`,
    ),
    listPipelines: db.prepare<[], PipelineRow>(
      'SELECT id, name, latest_version, created_at, updated_at FROM pipelines ORDER BY updated_at DESC, id',
    ),
    listVersions: db.prepare<[string], Omit<PipelineVersionRow, 'document'>>(
      'SELECT pipeline_id, version, name, created_at FROM pipeline_versions WHERE pipeline_id = ? ORDER BY version DESC',
    ),
    deletePipeline: db.prepare<[string]>('DELETE FROM pipelines WHERE id = ?'),
    runExists: db.prepare<[string], number>('SELECT 1 FROM runs WHERE id = ?').pluck(),
    insertRun: db.prepare<{
      id: string;
      pipelineId: string;
      pipelineVersion: number;
      pipelineName: string;
      options: string;
      createdAt: string;
      source: string;
      trigger: string | null;
    }>(
      `INSERT INTO runs (id, pipeline_id, pipeline_version, pipeline_name, options, status, created_at, source, trigger)
       VALUES (@id, @pipelineId, @pipelineVersion, @pipelineName, @options, 'queued', @createdAt, @source, @trigger)`,
    ),
    insertRunDefinition: db.prepare<{ id: string; document: string; plan: string }>(
      'INSERT INTO run_definitions (run_id, document, plan) VALUES (@id, @document, @plan)',
    ),
    upsertStep: db.prepare<[string, string, number, string, string, string]>(
      `INSERT INTO steps (run_id, step_id, position, type, version, title, status) VALUES (?, ?, ?, ?, ?, ?, 'pending')
       ON CONFLICT (run_id, step_id) DO UPDATE SET
         position = excluded.position, type = excluded.type, version = excluded.version, title = excluded.title`,
    ),
    deleteStepsNotIn: db.prepare<[string, string]>(
      'DELETE FROM steps WHERE run_id = ? AND step_id NOT IN (SELECT value FROM json_each(?))',
    ),
    replacePlan: db.prepare<[number, string, string]>(
      'UPDATE runs SET pipeline_version = ?, pipeline_name = ? WHERE id = ?',
    ),
    replaceDefinition: db.prepare<[string, string, string]>(
      'UPDATE run_definitions SET document = ?, plan = ? WHERE run_id = ?',
    ),
    runById: db.prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`),
    stepsOfRun: db.prepare<[string], StepRow>(`SELECT ${STEP_COLUMNS} FROM steps WHERE run_id = ? ORDER BY position`),
    runDefinition: db.prepare<[string], { document: string; plan: string; options: string; pipeline_version: number }>(
      `SELECT d.document, d.plan, r.options, r.pipeline_version
       FROM runs r JOIN run_definitions d ON d.run_id = r.id WHERE r.id = ?`,
    ),
    stepCountsOfRuns: db.prepare<[string], Counts & { run_id: string }>(
      `SELECT run_id, status, count(*) AS count FROM steps
       WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id, status`,
    ),
    // A `loom run` never resumes, so a run from the CLI with a resume behind it was resumed by a server.
    serverRunIdsWithStatus: db
      .prepare<[string], string>(
        `SELECT id FROM runs WHERE (source = 'server' OR resume_count > 0)
         AND status IN (SELECT value FROM json_each(?)) ORDER BY id`,
      )
      .pluck(),
    latestPipelineNamed: db
      .prepare<[string], string>('SELECT id FROM pipelines WHERE name = ? ORDER BY updated_at DESC, id LIMIT 1')
      .pluck(),
    bumpLastSeq: db.prepare<[number, string]>('UPDATE runs SET last_seq = max(last_seq, ?) WHERE id = ?'),
    insertEvent: db.prepare<[string, number, string, string | null, string, string]>(
      'INSERT OR IGNORE INTO events (run_id, seq, kind, step_id, body, at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    eventsAfter: db.prepare<[string, number, number], EventRow>(
      'SELECT run_id, seq, body, at FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    stepCurveEvents: db.prepare<[string, string], EventRow>(
      `SELECT run_id, seq, body, at FROM events WHERE run_id = ? AND step_id = ? AND kind IN ('step.queued', 'step.metric')
       ORDER BY seq`,
    ),
    stepLogs: db.prepare<[string, string], LogRow>(
      'SELECT seq, attempt, level, message, fields, at FROM logs WHERE run_id = ? AND step_id = ? ORDER BY seq',
    ),
    stepLogsOfAttempt: db.prepare<[string, string, number], LogRow>(
      `SELECT seq, attempt, level, message, fields, at FROM logs WHERE run_id = ? AND step_id = ? AND attempt = ?
       ORDER BY seq`,
    ),
    runCounts: db.prepare<[], Counts>('SELECT status, count(*) AS count FROM runs GROUP BY status'),
    stepCounts: db.prepare<[], Counts>('SELECT status, count(*) AS count FROM steps GROUP BY status'),
  };
}
