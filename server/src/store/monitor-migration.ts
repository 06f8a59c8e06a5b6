import type BetterSqlite3 from 'better-sqlite3';

/**
 * Schema for monitoring: the training baseline of each model version, endpoint monitors, every window
 * they evaluated, and the alerts their rules raised. Kept beside the other migrations' list, which
 * names it with its version.
 */
export function createMonitorTables(db: BetterSqlite3.Database): void {
  db.exec(`
    -- The training baseline profile (@loom/drift DataProfile) the ONNX file carried; NULL for models
    -- trained before baselines existed, which monitors report as "no baseline".
    ALTER TABLE model_versions ADD COLUMN baseline TEXT;

    CREATE TABLE monitors (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      model TEXT NOT NULL,
      window_seconds INTEGER NOT NULL CHECK (window_seconds >= 1),
      drift TEXT NOT NULL DEFAULT '{}',
      rules TEXT NOT NULL,
      actions TEXT NOT NULL DEFAULT '[]',
      -- Signs the monitor's webhook deliveries; shown once, when the monitor is created.
      webhook_secret TEXT NOT NULL,
      paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
      -- The end of the last window evaluated: the next window starts there, even after a restart.
      last_window_end TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX monitors_by_model ON monitors (model, name);

    -- One row per evaluated window; the primary key makes a window's evaluation happen once, even
    -- with two servers on one database.
    CREATE TABLE monitor_windows (
      monitor_id TEXT NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
      start_at TEXT NOT NULL,
      end_at TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('no_data', 'ok', 'drift', 'failed')),
      rows INTEGER NOT NULL,
      version INTEGER,
      versions TEXT NOT NULL,
      metrics TEXT NOT NULL,
      -- The full drift report (histograms per feature) that the designer's report view draws.
      report TEXT,
      message TEXT,
      computed_at TEXT NOT NULL,
      PRIMARY KEY (monitor_id, start_at)
    ) STRICT;

    CREATE TABLE alerts (
      id TEXT PRIMARY KEY,
      monitor_id TEXT NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
      model TEXT NOT NULL,
      rule_index INTEGER NOT NULL,
      rule TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
      value REAL NOT NULL,
      opened_at TEXT NOT NULL,
      first_window TEXT NOT NULL,
      last_window TEXT NOT NULL,
      resolved_at TEXT,
      actions TEXT NOT NULL DEFAULT '[]'
    ) STRICT;
    -- An alert is deduplicated while it stays open: one open alert per monitor rule, by the database.
    CREATE UNIQUE INDEX alerts_open_per_rule ON alerts (monitor_id, rule_index) WHERE status = 'open';
    CREATE INDEX alerts_by_monitor ON alerts (monitor_id, opened_at);
    CREATE INDEX alerts_by_status ON alerts (status, opened_at);
  `);
}
