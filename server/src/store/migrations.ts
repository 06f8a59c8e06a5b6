import type BetterSqlite3 from 'better-sqlite3';
import { createMonitorTables } from './monitor-migration.ts';

/**
 * One step of the store's schema history. `up` runs inside a transaction together with the bump of
 * `PRAGMA user_version`, so a crash leaves the database at the version before or after, never between.
 */
export interface Migration {
  /** Consecutive from 1: the `user_version` the database has once this migration has run. */
  version: number;
  name: string;
  up(db: BetterSqlite3.Database): void;
}

/**
 * Every migration, in order. Append only: a released migration is never edited, since databases out
 * there have already run it.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'pipelines, runs, steps, events, logs and the step cache',
    up(db) {
      db.exec(`
        CREATE TABLE pipelines (
          id TEXT PRIMARY KEY,
          -- The latest version's document name and number, kept here so listing pipelines reads no documents.
          name TEXT NOT NULL,
          latest_version INTEGER NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX pipelines_by_updated ON pipelines (updated_at);

        CREATE TABLE pipeline_versions (
          pipeline_id TEXT NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
          version INTEGER NOT NULL,
          name TEXT NOT NULL,
          document TEXT NOT NULL,
          created_at TEXT NOT NULL,
          PRIMARY KEY (pipeline_id, version)
        ) STRICT;

        -- No foreign key to pipelines: a run keeps its own document snapshot and outlives its pipeline.
        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          pipeline_id TEXT NOT NULL,
          pipeline_version INTEGER NOT NULL,
          pipeline_name TEXT NOT NULL,
          options TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
          created_at TEXT NOT NULL,
          started_at TEXT,
          finished_at TEXT,
          duration_ms REAL,
          last_seq INTEGER NOT NULL DEFAULT 0,
          resume_count INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        -- What a run runs, apart from the run row: every event updates that row, and SQLite rewrites a
        -- whole row on update, so a large plan beside it made each event cost as much as the plan.
        CREATE TABLE run_definitions (
          run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
          document TEXT NOT NULL,
          plan TEXT NOT NULL
        ) STRICT;
        -- Run ids sort by creation time, so the primary key serves "newest first"; these serve the filters.
        CREATE INDEX runs_by_pipeline ON runs (pipeline_id, id);
        CREATE INDEX runs_by_status ON runs (status, id);

        CREATE TABLE steps (
          run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          step_id TEXT NOT NULL,
          position INTEGER NOT NULL,
          type TEXT NOT NULL,
          version TEXT NOT NULL,
          title TEXT NOT NULL,
          status TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          started_at TEXT,
          finished_at TEXT,
          duration_ms REAL,
          progress TEXT,
          metrics TEXT NOT NULL DEFAULT '{}',
          outputs TEXT NOT NULL DEFAULT '{}',
          content_key TEXT,
          cached_from_run TEXT,
          failure TEXT,
          skipped_because TEXT,
          PRIMARY KEY (run_id, step_id)
        ) STRICT;

        CREATE TABLE events (
          run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          seq INTEGER NOT NULL,
          kind TEXT NOT NULL,
          step_id TEXT,
          body TEXT NOT NULL,
          at TEXT NOT NULL,
          PRIMARY KEY (run_id, seq)
        ) STRICT;

        CREATE TABLE logs (
          run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          step_id TEXT NOT NULL,
          attempt INTEGER NOT NULL,
          -- The seq of the step.log event: unique within the run, and the order of the lines.
          seq INTEGER NOT NULL,
          level TEXT NOT NULL,
          message TEXT NOT NULL,
          fields TEXT,
          at TEXT NOT NULL,
          PRIMARY KEY (run_id, seq)
        ) STRICT;
        CREATE INDEX logs_by_step ON logs (run_id, step_id, seq);

        CREATE TABLE cache (
          content_key TEXT PRIMARY KEY,
          record TEXT NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 2,
    name: 'where each run was started: the server, or `loom run`',
    up(db) {
      // Every run stored before this was the server's: `loom run` kept its records in files then.
      db.exec(`
        ALTER TABLE runs ADD COLUMN source TEXT NOT NULL DEFAULT 'server' CHECK (source IN ('server', 'cli'));
        -- What a server picks up again after a restart: its own runs that were going.
        CREATE INDEX runs_by_source_status ON runs (source, status, id);
        -- \`loom run\` files its runs under the pipeline of the document's name.
        CREATE INDEX pipelines_by_name ON pipelines (name, updated_at);
      `);
    },
  },
  {
    version: 3,
    name: 'the model registry: models, their versions, aliases, alias history and endpoints',
    up(db) {
      db.exec(`
        CREATE TABLE models (
          name TEXT PRIMARY KEY,
          description TEXT NOT NULL DEFAULT '',
          -- The highest version number ever given: a deleted version's number is never given again,
          -- so a number names one ONNX file for ever.
          last_version INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE model_versions (
          model TEXT NOT NULL REFERENCES models (name),
          version INTEGER NOT NULL CHECK (version >= 1),
          onnx_sha256 TEXT NOT NULL,
          onnx_size INTEGER NOT NULL,
          -- [{name, kind: 'number' | 'string'}]: the raw source columns the ONNX graph takes.
          input_schema TEXT NOT NULL,
          -- [{name, kind, shape}], shape with -1 for the row dimension.
          output_schema TEXT NOT NULL,
          task TEXT NOT NULL CHECK (task IN ('classification', 'regression')),
          label TEXT NOT NULL,
          label_kind TEXT NOT NULL CHECK (label_kind IN ('number', 'string')),
          classes TEXT,
          trained_by TEXT NOT NULL,
          lineage TEXT,
          metrics TEXT,
          provenance TEXT NOT NULL,
          created_at TEXT NOT NULL,
          PRIMARY KEY (model, version),
          -- Registering the same ONNX again finds this row instead of adding a version.
          UNIQUE (model, onnx_sha256)
        ) STRICT;

        -- The foreign key keeps a version that an alias points at from being deleted.
        CREATE TABLE model_aliases (
          model TEXT NOT NULL,
          alias TEXT NOT NULL,
          version INTEGER NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (model, alias),
          FOREIGN KEY (model, version) REFERENCES model_versions (model, version)
        ) STRICT;

        CREATE TABLE model_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          model TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('version.registered', 'alias.moved', 'alias.removed', 'version.deleted')),
          alias TEXT,
          from_version INTEGER,
          to_version INTEGER,
          -- On a rollback's alias.moved: the move it undid, so a second rollback goes one further back.
          rollback_of INTEGER REFERENCES model_events (id),
          at TEXT NOT NULL,
          by TEXT
        ) STRICT;
        CREATE INDEX model_events_by_model ON model_events (model, id);

        -- An endpoint serves its model's alias; a non-empty traffic split ([{version, percent}], summing
        -- to 100) overrides that while a canary runs.
        CREATE TABLE endpoints (
          model TEXT PRIMARY KEY REFERENCES models (name),
          alias TEXT NOT NULL,
          traffic TEXT NOT NULL DEFAULT '[]',
          updated_at TEXT NOT NULL,
          FOREIGN KEY (model, alias) REFERENCES model_aliases (model, alias)
        ) STRICT;
      `);
    },
  },
  {
    version: 4,
    name: 'run triggers: schedules and webhooks, each fire of theirs, and what started each run',
    up(db) {
      db.exec(`
        -- Ticks are epoch milliseconds: a claim compares them for equality, which text dates would make fragile.
        CREATE TABLE triggers (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('schedule', 'webhook')),
          pipeline_id TEXT NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
          -- NULL: the pipeline's latest version when the trigger fires.
          pipeline_version INTEGER,
          parameters TEXT NOT NULL DEFAULT '{}',
          cron TEXT,
          timezone TEXT,
          -- The webhook's HMAC key. Kept as it is: verifying a signature needs the key itself.
          secret TEXT,
          paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          -- A schedule's next tick not yet accounted for (fired or reported missed); NULL while paused.
          next_tick INTEGER,
          last_tick INTEGER,
          CHECK ((kind = 'schedule') = (cron IS NOT NULL AND timezone IS NOT NULL)),
          CHECK ((kind = 'webhook') = (secret IS NOT NULL))
        ) STRICT;
        CREATE INDEX triggers_by_pipeline ON triggers (pipeline_id, created_at);
        CREATE INDEX triggers_by_next_tick ON triggers (next_tick) WHERE next_tick IS NOT NULL;

        CREATE TABLE trigger_fires (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          trigger_id TEXT NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
          -- The tick for a schedule; when the delivery came for a webhook.
          at TEXT NOT NULL,
          recorded_at TEXT NOT NULL,
          outcome TEXT NOT NULL CHECK (outcome IN ('started', 'refused', 'missed', 'failed')),
          run_id TEXT,
          message TEXT NOT NULL DEFAULT '',
          -- {missed: {count, first, last}} or {delivery, ref, event}: what the outcome alone does not say.
          details TEXT
        ) STRICT;
        CREATE INDEX trigger_fires_by_trigger ON trigger_fires (trigger_id, id);

        -- {kind, id, name?, alertId?}; NULL for a run started by hand.
        ALTER TABLE runs ADD COLUMN trigger TEXT;
        CREATE INDEX runs_by_trigger ON runs (json_extract(trigger, '$.id'), id) WHERE trigger IS NOT NULL;
      `);
    },
  },
  {
    version: 5,
    name: 'monitoring: training baselines of model versions, endpoint monitors, their windows and alerts',
    up: createMonitorTables,
  },
];

/** The schema version this build of Loom writes: the last migration's. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings the database up to {@link SCHEMA_VERSION}, one transaction per migration, and refuses a
 * database written by a newer Loom: running old code on a newer schema could silently lose data.
 *
 * @param location shown in the error message (the database path).
 * @param migrations @default MIGRATIONS (tests pass their own).
 * @returns the versions that ran, in order.
 * @example
 * migrate(db, '.loom/loom.db');
 */
export function migrate(
  db: BetterSqlite3.Database,
  location: string,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  checkSequence(migrations);
  const known = migrations.at(-1)?.version ?? 0;
  const current = userVersion(db);
  if (current > known) {
    throw new Error(
      `the store at ${location} was written by a newer Loom (schema ${current}, this Loom knows up to ${known})`,
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    // IMMEDIATE takes the write lock before reading, so two processes opening the same fresh file
    // cannot both decide to run migration 1.
    db.transaction(() => {
      if (userVersion(db) >= migration.version) return;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
      applied.push(migration.version);
    }).immediate();
  }
  return applied;
}

/** The schema version stored in the database header (0 for a new database). */
export function userVersion(db: BetterSqlite3.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkSequence(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`);
    }
  });
}
