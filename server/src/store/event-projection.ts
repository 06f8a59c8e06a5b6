import type { RunEvent } from '@loom/runtime';
import type BetterSqlite3 from 'better-sqlite3';

type Db = BetterSqlite3.Database;

/**
 * Folds run events into the `runs`, `steps` and `logs` rows. The events table is the record; these rows
 * are a projection of it, kept so that reading a run does not replay its history. `apply` must run
 * inside the transaction that stored the event, once per newly stored event (never for a replay).
 *
 * An event about a step the run does not have (a plan replaced under it) changes nothing: the event is
 * still stored, and losing it would be worse than a projection that ignores it.
 */
export class EventProjection {
  readonly #runStarted;
  readonly #runResumed;
  readonly #resetSteps;
  readonly #runFinished;
  readonly #stepQueued;
  readonly #stepStarted;
  readonly #stepProgress;
  readonly #stepMetrics;
  readonly #setStepMetrics;
  readonly #stepLog;
  readonly #stepSucceeded;
  readonly #stepCached;
  readonly #stepFailed;
  readonly #stepSkipped;
  readonly #stepCancelled;

  constructor(db: Db) {
    const step = (set: string) => `UPDATE steps SET ${set} WHERE run_id = @runId AND step_id = @stepId`;
    this.#runStarted = db.prepare<{ runId: string; at: string }>(
      `UPDATE runs SET status = 'running', started_at = @at WHERE id = @runId`,
    );
    this.#runResumed = db.prepare<{ runId: string }>(
      `UPDATE runs SET status = 'running', finished_at = NULL, duration_ms = NULL, resume_count = resume_count + 1
       WHERE id = @runId`,
    );
    // Attempts are kept: attempt numbers go on counting across a resume, so logs of each stay apart.
    this.#resetSteps = db.prepare<{ runId: string; stepIds: string }>(
      `UPDATE steps SET status = 'pending', failure = NULL, skipped_because = NULL, outputs = '{}',
         content_key = NULL, cached_from_run = NULL, started_at = NULL, finished_at = NULL, duration_ms = NULL,
         progress = NULL, metrics = '{}'
       WHERE run_id = @runId AND step_id IN (SELECT value FROM json_each(@stepIds))`,
    );
    this.#runFinished = db.prepare<{ runId: string; status: string; durationMs: number; at: string }>(
      `UPDATE runs SET status = @status, duration_ms = @durationMs, finished_at = @at WHERE id = @runId`,
    );
    this.#stepQueued = db.prepare<{ runId: string; stepId: string; attempt: number }>(
      step(`status = 'queued', attempts = @attempt, progress = NULL`),
    );
    this.#stepStarted = db.prepare<{ runId: string; stepId: string; at: string }>(
      step(`status = 'running', started_at = @at`),
    );
    this.#stepProgress = db.prepare<{ runId: string; stepId: string; progress: string }>(step('progress = @progress'));
    this.#stepMetrics = db
      .prepare<{ runId: string; stepId: string }, string>(
        'SELECT metrics FROM steps WHERE run_id = @runId AND step_id = @stepId',
      )
      .pluck();
    this.#setStepMetrics = db.prepare<{ runId: string; stepId: string; metrics: string }>(step('metrics = @metrics'));
    this.#stepLog = db.prepare<{
      runId: string;
      stepId: string;
      attempt: number;
      seq: number;
      level: string;
      message: string;
      fields: string | null;
      at: string;
    }>(
      `INSERT OR IGNORE INTO logs (run_id, step_id, attempt, seq, level, message, fields, at)
       VALUES (@runId, @stepId, @attempt, @seq, @level, @message, @fields, @at)`,
    );
    this.#stepSucceeded = db.prepare<{
      runId: string;
      stepId: string;
      durationMs: number;
      outputs: string;
      metrics: string;
      contentKey: string;
      at: string;
    }>(
      step(`status = 'succeeded', duration_ms = @durationMs, outputs = @outputs, metrics = @metrics,
        content_key = @contentKey, finished_at = @at`),
    );
    this.#stepCached = db.prepare<{
      runId: string;
      stepId: string;
      outputs: string;
      metrics: string;
      contentKey: string;
      fromRunId: string;
      at: string;
    }>(
      step(`status = 'cached', outputs = @outputs, metrics = @metrics, content_key = @contentKey,
        cached_from_run = @fromRunId, finished_at = @at`),
    );
    this.#stepFailed = db.prepare<{ runId: string; stepId: string; failure: string; durationMs: number; at: string }>(
      step(`status = 'failed', failure = @failure, duration_ms = @durationMs, finished_at = @at`),
    );
    this.#stepSkipped = db.prepare<{ runId: string; stepId: string; because: string }>(
      step(`status = 'skipped', skipped_because = @because`),
    );
    this.#stepCancelled = db.prepare<{ runId: string; stepId: string; at: string }>(
      step(`status = 'cancelled', finished_at = @at`),
    );
  }

  /** Applies one newly stored event to the projection. */
  apply(event: RunEvent): void {
    const { runId, at } = event;
    switch (event.kind) {
      case 'run.started':
        this.#runStarted.run({ runId, at });
        return;
      case 'run.resumed':
        this.#runResumed.run({ runId });
        if (event.reset.length > 0) this.#resetSteps.run({ runId, stepIds: JSON.stringify(event.reset) });
        return;
      case 'run.finished':
        this.#runFinished.run({ runId, status: event.status, durationMs: event.durationMs, at });
        return;
      case 'step.queued':
        this.#stepQueued.run({ runId, stepId: event.stepId, attempt: event.attempt });
        return;
      case 'step.started':
        this.#stepStarted.run({ runId, stepId: event.stepId, at });
        return;
      case 'step.progress': {
        const progress =
          event.message === undefined
            ? { fraction: event.fraction }
            : { fraction: event.fraction, message: event.message };
        this.#stepProgress.run({ runId, stepId: event.stepId, progress: JSON.stringify(progress) });
        return;
      }
      case 'step.metric': {
        // Read, change and write in JS rather than with json_set: SQLite would re-render the number and
        // could round it, and a metric name may hold characters a JSON path cannot.
        const stored = this.#stepMetrics.get({ runId, stepId: event.stepId });
        if (stored === undefined) return;
        const metrics = { ...(JSON.parse(stored) as Record<string, number>), [event.name]: event.value };
        this.#setStepMetrics.run({ runId, stepId: event.stepId, metrics: JSON.stringify(metrics) });
        return;
      }
      case 'step.log':
        this.#stepLog.run({
          runId,
          stepId: event.stepId,
          attempt: event.attempt,
          seq: event.seq,
          level: event.level,
          message: event.message,
          fields: event.fields === undefined ? null : JSON.stringify(event.fields),
          at,
        });
        return;
      case 'step.retrying':
        // The failure of the attempt lives in the event; the step stays as it is until queued again.
        return;
      case 'step.succeeded':
        this.#stepSucceeded.run({
          runId,
          stepId: event.stepId,
          durationMs: event.durationMs,
          outputs: JSON.stringify(event.outputs),
          metrics: JSON.stringify(event.metrics),
          contentKey: event.contentKey,
          at,
        });
        return;
      case 'step.cached':
        this.#stepCached.run({
          runId,
          stepId: event.stepId,
          outputs: JSON.stringify(event.outputs),
          metrics: JSON.stringify(event.metrics),
          contentKey: event.contentKey,
          fromRunId: event.fromRunId,
          at,
        });
        return;
      case 'step.failed':
        this.#stepFailed.run({
          runId,
          stepId: event.stepId,
          failure: JSON.stringify(event.failure),
          durationMs: event.durationMs,
          at,
        });
        return;
      case 'step.skipped':
        this.#stepSkipped.run({ runId, stepId: event.stepId, because: event.because });
        return;
      case 'step.cancelled':
        this.#stepCancelled.run({ runId, stepId: event.stepId, at });
        return;
      default: {
        // A new event kind fails the build here until the projection knows what it means.
        const unknown: never = event;
        throw new Error(`unknown run event kind: ${(unknown as { kind: string }).kind}`);
      }
    }
  }
}
