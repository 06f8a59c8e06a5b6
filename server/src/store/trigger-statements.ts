import type BetterSqlite3 from 'better-sqlite3';
import { FIRE_COLUMNS, TRIGGER_COLUMNS, type TriggerFireRow, type TriggerRow } from './trigger-rows.ts';

/** The trigger store's statements, prepared once when the store opens. */
export function prepareTriggerStatements(db: BetterSqlite3.Database) {
  return {
    insert: db.prepare<{
      id: string;
      name: string;
      kind: string;
      pipelineId: string;
      pipelineVersion: number | null;
      parameters: string;
      cron: string | null;
      timezone: string | null;
      secret: string | null;
      paused: number;
      at: string;
      nextTick: number | null;
    }>(
      `INSERT INTO triggers (id, name, kind, pipeline_id, pipeline_version, parameters, cron, timezone, secret, paused,
         created_at, updated_at, next_tick)
       VALUES (@id, @name, @kind, @pipelineId, @pipelineVersion, @parameters, @cron, @timezone, @secret, @paused,
         @at, @at, @nextTick)`,
    ),
    byId: db.prepare<[string], TriggerRow>(`SELECT ${TRIGGER_COLUMNS} FROM triggers WHERE id = ?`),
    all: db.prepare<[], TriggerRow>(`SELECT ${TRIGGER_COLUMNS} FROM triggers ORDER BY created_at, id`),
    ofPipeline: db.prepare<[string], TriggerRow>(
      `SELECT ${TRIGGER_COLUMNS} FROM triggers WHERE pipeline_id = ? ORDER BY created_at, id`,
    ),
    schedules: db.prepare<[], TriggerRow>(`SELECT ${TRIGGER_COLUMNS} FROM triggers WHERE kind = 'schedule'`),
    earliestTick: db
      .prepare<[], number | null>('SELECT min(next_tick) FROM triggers WHERE next_tick IS NOT NULL AND paused = 0')
      .pluck(),
    dueIds: db
      .prepare<[number], string>(
        'SELECT id FROM triggers WHERE next_tick IS NOT NULL AND next_tick <= ? AND paused = 0 ORDER BY next_tick',
      )
      .pluck(),
    update: db.prepare<{
      id: string;
      name: string;
      pipelineVersion: number | null;
      parameters: string;
      cron: string | null;
      timezone: string | null;
      paused: number;
      nextTick: number | null;
      at: string;
    }>(
      `UPDATE triggers SET name = @name, pipeline_version = @pipelineVersion, parameters = @parameters, cron = @cron,
         timezone = @timezone, paused = @paused, next_tick = @nextTick, updated_at = @at WHERE id = @id`,
    ),
    // The claim: whoever moves next_tick on from the tick it read owns that tick; anyone else changes nothing.
    claim: db.prepare<{ id: string; due: number; next: number; last: number }>(
      'UPDATE triggers SET next_tick = @next, last_tick = @last WHERE id = @id AND next_tick = @due AND paused = 0',
    ),
    secret: db.prepare<[string], string | null>('SELECT secret FROM triggers WHERE id = ?').pluck(),
    setSecret: db.prepare<[string, string, string]>(
      "UPDATE triggers SET secret = ?, updated_at = ? WHERE id = ? AND kind = 'webhook'",
    ),
    delete: db.prepare<[string]>('DELETE FROM triggers WHERE id = ?'),
    insertFire: db.prepare<{
      triggerId: string;
      at: string;
      recordedAt: string;
      outcome: string;
      runId: string | null;
      message: string;
      details: string | null;
    }>(
      `INSERT INTO trigger_fires (trigger_id, at, recorded_at, outcome, run_id, message, details)
       VALUES (@triggerId, @at, @recordedAt, @outcome, @runId, @message, @details)`,
    ),
    fireById: db.prepare<[number], TriggerFireRow>(`SELECT ${FIRE_COLUMNS} FROM trigger_fires WHERE id = ?`),
    lastFire: db.prepare<[string], TriggerFireRow>(
      `SELECT ${FIRE_COLUMNS} FROM trigger_fires WHERE trigger_id = ? ORDER BY id DESC LIMIT 1`,
    ),
    fires: db.prepare<[string, number], TriggerFireRow>(
      `SELECT ${FIRE_COLUMNS} FROM trigger_fires WHERE trigger_id = ? ORDER BY id DESC LIMIT ?`,
    ),
    // Keeps the newest `keep` fires of a trigger: unauthenticated deliveries are recorded too, and must not grow the file without end.
    pruneFires: db.prepare<[string, string, number]>(
      `DELETE FROM trigger_fires WHERE trigger_id = ? AND id <= coalesce(
         (SELECT id FROM trigger_fires WHERE trigger_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?), -1)`,
    ),
  };
}
