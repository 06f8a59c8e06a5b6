import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type {
  Alert,
  AlertActionResult,
  AlertStatus,
  Monitor,
  MonitorDefinition,
  MonitorRule,
  MonitorWindow,
} from './monitor-types.ts';

interface MonitorRow {
  id: string;
  name: string;
  model: string;
  window_seconds: number;
  drift: string;
  rules: string;
  actions: string;
  paused: number;
  last_window_end: string | null;
  created_at: string;
  updated_at: string;
}

interface WindowRow {
  monitor_id: string;
  start_at: string;
  end_at: string;
  status: MonitorWindow['status'];
  rows: number;
  version: number | null;
  versions: string;
  metrics: string;
  message: string | null;
  computed_at: string;
}

interface AlertRow {
  id: string;
  monitor_id: string;
  model: string;
  rule_index: number;
  rule: string;
  status: AlertStatus;
  value: number;
  opened_at: string;
  first_window: string;
  last_window: string;
  resolved_at: string | null;
  actions: string;
}

const MONITOR_COLUMNS =
  'id, name, model, window_seconds, drift, rules, actions, paused, last_window_end, created_at, updated_at';
const WINDOW_COLUMNS = 'monitor_id, start_at, end_at, status, rows, version, versions, metrics, message, computed_at';
const ALERT_COLUMNS =
  'id, monitor_id, model, rule_index, rule, status, value, opened_at, first_window, last_window, resolved_at, actions';

function toMonitor(row: MonitorRow): Monitor {
  return {
    id: row.id,
    name: row.name,
    model: row.model,
    windowSeconds: row.window_seconds,
    drift: JSON.parse(row.drift),
    rules: JSON.parse(row.rules),
    actions: JSON.parse(row.actions),
    paused: row.paused === 1,
    lastWindowEnd: row.last_window_end,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toWindow(row: WindowRow): MonitorWindow {
  return {
    monitorId: row.monitor_id,
    start: row.start_at,
    end: row.end_at,
    status: row.status,
    rows: row.rows,
    version: row.version,
    versions: JSON.parse(row.versions),
    metrics: JSON.parse(row.metrics),
    message: row.message,
    computedAt: row.computed_at,
  };
}

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    monitorId: row.monitor_id,
    model: row.model,
    ruleIndex: row.rule_index,
    rule: JSON.parse(row.rule),
    status: row.status,
    value: row.value,
    openedAt: row.opened_at,
    firstWindow: row.first_window,
    lastWindow: row.last_window,
    resolvedAt: row.resolved_at,
    actions: JSON.parse(row.actions),
  };
}

/** `mon_` or `alr_` and 16 base32 characters: unguessable, short enough for a URL. */
function newId(prefix: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return `${prefix}_${Array.from(randomBytes(16), (byte) => alphabet[byte % 32]).join('')}`;
}

/**
 * Monitors, their windows and their alerts, in the Loom store. A window is stored once (its primary key),
 * and a monitor's rule has at most one open alert (a partial unique index), so two servers evaluating
 * the same window, or a restart in the middle of one, never double an alert or its actions.
 */
export class MonitorStore {
  readonly #db: Database.Database;
  readonly #now: () => Date;
  readonly #sql;
  readonly #alertQueries = new Map<string, Database.Statement<unknown[], AlertRow>>();

  constructor(db: Database.Database, now: () => Date) {
    this.#db = db;
    this.#now = now;
    this.#sql = {
      insertMonitor: db.prepare(
        `INSERT INTO monitors (${MONITOR_COLUMNS}, webhook_secret) VALUES (@id, @name, @model, @window_seconds, @drift, @rules, @actions, @paused, NULL, @at, @at, @secret)`,
      ),
      monitor: db.prepare<[string], MonitorRow>(`SELECT ${MONITOR_COLUMNS} FROM monitors WHERE id = ?`),
      monitors: db.prepare<[], MonitorRow>(`SELECT ${MONITOR_COLUMNS} FROM monitors ORDER BY model, name, id`),
      monitorsOf: db.prepare<[string], MonitorRow>(
        `SELECT ${MONITOR_COLUMNS} FROM monitors WHERE model = ? ORDER BY name, id`,
      ),
      updateMonitor: db.prepare(
        'UPDATE monitors SET name = @name, window_seconds = @window_seconds, drift = @drift, rules = @rules, actions = @actions, paused = @paused, updated_at = @at WHERE id = @id',
      ),
      deleteMonitor: db.prepare<[string]>('DELETE FROM monitors WHERE id = ?'),
      secret: db.prepare<[string], string>('SELECT webhook_secret FROM monitors WHERE id = ?').pluck(),
      advance: db.prepare<[string, string, string]>(
        'UPDATE monitors SET last_window_end = ? WHERE id = ? AND (last_window_end IS NULL OR last_window_end < ?)',
      ),
      insertWindow: db.prepare(
        `INSERT INTO monitor_windows (${WINDOW_COLUMNS}, report) VALUES (@monitor_id, @start_at, @end_at, @status, @rows, @version, @versions, @metrics, @message, @computed_at, @report) ON CONFLICT DO NOTHING`,
      ),
      windows: db.prepare<[string, string, number], WindowRow>(
        `SELECT ${WINDOW_COLUMNS} FROM monitor_windows WHERE monitor_id = ? AND start_at < ? ORDER BY start_at DESC LIMIT ?`,
      ),
      windowReport: db
        .prepare<[string, string], string | null>(
          'SELECT report FROM monitor_windows WHERE monitor_id = ? AND start_at = ?',
        )
        .pluck(),
      window: db.prepare<[string, string], WindowRow>(
        `SELECT ${WINDOW_COLUMNS} FROM monitor_windows WHERE monitor_id = ? AND start_at = ?`,
      ),
      insertAlert: db.prepare(
        `INSERT INTO alerts (${ALERT_COLUMNS}) VALUES (@id, @monitor_id, @model, @rule_index, @rule, 'open', @value, @at, @window, @window, NULL, '[]') ON CONFLICT DO NOTHING`,
      ),
      openAlert: db.prepare<[string, number], AlertRow>(
        `SELECT ${ALERT_COLUMNS} FROM alerts WHERE monitor_id = ? AND rule_index = ? AND status = 'open'`,
      ),
      alert: db.prepare<[string], AlertRow>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`),
      touchAlert: db.prepare<[number, string, string]>(
        "UPDATE alerts SET value = ?, last_window = ? WHERE id = ? AND status = 'open'",
      ),
      resolveAlert: db.prepare<[string, string]>(
        "UPDATE alerts SET status = 'resolved', resolved_at = ? WHERE id = ? AND status = 'open'",
      ),
      resolveAlertsOf: db.prepare<[string, string]>(
        "UPDATE alerts SET status = 'resolved', resolved_at = ? WHERE monitor_id = ? AND status = 'open'",
      ),
      alertActions: db.prepare<[string], string>('SELECT actions FROM alerts WHERE id = ?').pluck(),
      setAlertActions: db.prepare<[string, string]>('UPDATE alerts SET actions = ? WHERE id = ?'),
    };
  }

  /** Creates a monitor with a fresh webhook secret; the secret is returned this once. */
  createMonitor(definition: MonitorDefinition): { monitor: Monitor; webhookSecret: string } {
    const id = newId('mon');
    const secret = randomBytes(32).toString('hex');
    this.#sql.insertMonitor.run({
      ...this.#definitionRow(definition),
      id,
      model: definition.model,
      secret,
      at: this.#at(),
    });
    return { monitor: this.getMonitor(id) as Monitor, webhookSecret: secret };
  }

  getMonitor(id: string): Monitor | undefined {
    const row = this.#sql.monitor.get(id);
    return row === undefined ? undefined : toMonitor(row);
  }

  /** Every monitor, or those of one model, by model and name. */
  listMonitors(model?: string): Monitor[] {
    const rows = model === undefined ? this.#sql.monitors.all() : this.#sql.monitorsOf.all(model);
    return rows.map(toMonitor);
  }

  /**
   * Replaces what can be edited (everything but the model). Changed rules resolve the monitor's open
   * alerts: they were raised by rules that no longer hold as written.
   */
  updateMonitor(id: string, definition: Omit<MonitorDefinition, 'model'>): Monitor | undefined {
    return this.#db
      .transaction(() => {
        const before = this.getMonitor(id);
        if (before === undefined) return undefined;
        const at = this.#at();
        this.#sql.updateMonitor.run({ ...this.#definitionRow(definition), id, at });
        if (JSON.stringify(before.rules) !== JSON.stringify(definition.rules)) this.#sql.resolveAlertsOf.run(at, id);
        return this.getMonitor(id);
      })
      .immediate();
  }

  /** Deletes a monitor with its windows and alerts; false when there was none. */
  deleteMonitor(id: string): boolean {
    return this.#sql.deleteMonitor.run(id).changes > 0;
  }

  webhookSecret(id: string): string | undefined {
    return this.#sql.secret.get(id);
  }

  /**
   * Stores an evaluated window and moves the monitor's `lastWindowEnd` forward to its end, in one
   * transaction. False when that window was stored already (another server, or before a restart).
   */
  recordWindow(window: MonitorWindow, report: unknown): boolean {
    return this.#db
      .transaction(() => {
        const inserted =
          this.#sql.insertWindow.run({
            monitor_id: window.monitorId,
            start_at: window.start,
            end_at: window.end,
            status: window.status,
            rows: window.rows,
            version: window.version,
            versions: JSON.stringify(window.versions),
            metrics: JSON.stringify(window.metrics),
            message: window.message,
            computed_at: window.computedAt,
            report: report === undefined ? null : JSON.stringify(report),
          }).changes > 0;
        this.#sql.advance.run(window.end, window.monitorId, window.end);
        return inserted;
      })
      .immediate();
  }

  /** A monitor's windows, newest first, that started before `before` (default: all), at most `limit`. */
  listWindows(monitorId: string, options: { limit?: number; before?: string } = {}): MonitorWindow[] {
    return this.#sql.windows.all(monitorId, options.before ?? '9999', options.limit ?? 200).map(toWindow);
  }

  getWindow(monitorId: string, start: string): MonitorWindow | undefined {
    const row = this.#sql.window.get(monitorId, start);
    return row === undefined ? undefined : toWindow(row);
  }

  /** The drift report stored with a window; undefined when there is no such window or it has none. */
  getWindowReport(monitorId: string, start: string): unknown {
    const text = this.#sql.windowReport.get(monitorId, start);
    return text === undefined || text === null ? undefined : JSON.parse(text);
  }

  /** The open alert of a monitor's rule, if any. */
  openAlertOf(monitorId: string, ruleIndex: number): Alert | undefined {
    const row = this.#sql.openAlert.get(monitorId, ruleIndex);
    return row === undefined ? undefined : toAlert(row);
  }

  /**
   * Opens an alert for a monitor's rule, or, while one is open, updates its value and last window.
   * `opened` is true only for the call that opened it: the one that runs its actions.
   */
  raiseAlert(
    monitor: Pick<Monitor, 'id' | 'model'>,
    ruleIndex: number,
    rule: MonitorRule,
    value: number,
    windowStart: string,
  ): { alert: Alert; opened: boolean } {
    return this.#db
      .transaction(() => {
        const open = this.#sql.openAlert.get(monitor.id, ruleIndex);
        if (open !== undefined) {
          this.#sql.touchAlert.run(value, windowStart, open.id);
          return { alert: toAlert(this.#sql.alert.get(open.id) as AlertRow), opened: false };
        }
        const id = newId('alr');
        this.#sql.insertAlert.run({
          id,
          monitor_id: monitor.id,
          model: monitor.model,
          rule_index: ruleIndex,
          rule: JSON.stringify(rule),
          value,
          at: this.#at(),
          window: windowStart,
        });
        return { alert: toAlert(this.#sql.alert.get(id) as AlertRow), opened: true };
      })
      .immediate();
  }

  /** Resolves an open alert; false when it was not open. */
  resolveAlert(id: string): boolean {
    return this.#sql.resolveAlert.run(this.#at(), id).changes > 0;
  }

  getAlert(id: string): Alert | undefined {
    const row = this.#sql.alert.get(id);
    return row === undefined ? undefined : toAlert(row);
  }

  /** Alerts, newest first, filtered by monitor, model and status. */
  listAlerts(filter: { monitorId?: string; model?: string; status?: AlertStatus; limit?: number } = {}): Alert[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.monitorId !== undefined) {
      where.push('monitor_id = ?');
      values.push(filter.monitorId);
    }
    if (filter.model !== undefined) {
      where.push('model = ?');
      values.push(filter.model);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      values.push(filter.status);
    }
    // One statement per combination of filters (eight at most), each using its index, prepared once.
    const key = where.join(' AND ');
    let statement = this.#alertQueries.get(key);
    if (statement === undefined) {
      statement = this.#db.prepare<unknown[], AlertRow>(
        `SELECT ${ALERT_COLUMNS} FROM alerts ${key === '' ? '' : `WHERE ${key}`} ORDER BY opened_at DESC, id LIMIT ?`,
      );
      this.#alertQueries.set(key, statement);
    }
    return statement.all(...values, filter.limit ?? 200).map(toAlert);
  }

  /** Appends what an action did to the alert's record. */
  recordAlertAction(id: string, result: AlertActionResult): void {
    this.#db
      .transaction(() => {
        const current = this.#sql.alertActions.get(id);
        if (current === undefined) return;
        this.#sql.setAlertActions.run(JSON.stringify([...JSON.parse(current), result]), id);
      })
      .immediate();
  }

  #definitionRow(definition: Omit<MonitorDefinition, 'model'>) {
    return {
      name: definition.name,
      window_seconds: definition.windowSeconds,
      drift: JSON.stringify(definition.drift),
      rules: JSON.stringify(definition.rules),
      actions: JSON.stringify(definition.actions),
      paused: definition.paused ? 1 : 0,
    };
  }

  #at(): string {
    return this.#now().toISOString();
  }
}
