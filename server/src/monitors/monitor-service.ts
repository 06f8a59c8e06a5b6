import { type DataProfile, type DriftOptionsInput, type DriftReport, datasetDrift, parseProfile } from '@loom/drift';
import type { TableColumn } from '@loom/tables';
import type { LoomStore } from '../store/loom-store.ts';
import type { Alert, AlertActionResult, Monitor, MonitorAction, MonitorWindow } from '../store/monitor-types.ts';
import { ruleVerdict } from './monitor-rules.ts';
import { deliverWebhook, type WebhookDeliveryOptions } from './webhook-delivery.ts';
import { readWindow } from './window-data.ts';
import { windowMetrics } from './window-metrics.ts';

export type RunAction = Extract<MonitorAction, { kind: 'run' }>;

/** Starts an alert's retrain run; the server passes one that records the alert as the run's trigger. */
export type AlertRunStarter = (
  action: RunAction,
  cause: { monitor: Monitor; alert: Alert },
) => Promise<{ ok: true; runId: string } | { ok: false; message: string }>;

export interface MonitorLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface MonitorServiceOptions {
  store: LoomStore;
  /** The Loom home whose `request-logs/` the windows are read from. */
  home: string;
  startRun: AlertRunStarter;
  logger: MonitorLogger;
  /** @default () => new Date() */
  now?: () => Date;
  /** How often due windows are looked for. @default 15_000 */
  tickMs?: number;
  /**
   * How long after a window ends it is evaluated: the request log writes what it buffered at least
   * once a second, so a few seconds see every row. @default 5_000
   */
  graceMs?: number;
  /** After a long stop, the most windows evaluated to catch up (the newest ones). @default 168 */
  maxCatchUpWindows?: number;
  webhook?: WebhookDeliveryOptions;
}

const HISTORY_WINDOWS = 200;

/**
 * Runs every monitor on its model's request log, window after window: reads the window's rows, measures
 * drift against the served version's training baseline, stores the window (once, even with two servers
 * on one store), and applies the monitor's rules: an alert opens when a rule holds for its windows in a
 * row (running the monitor's actions once), stays open (deduplicated) while it holds, and resolves when
 * the metric recovers. Windows resume from the last one stored, so a restart loses none.
 */
export class MonitorService {
  readonly #options: MonitorServiceOptions;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  /** One evaluation at a time: windows of one monitor must be evaluated in order. */
  #chain: Promise<unknown> = Promise.resolve();
  readonly #actions = new Set<Promise<void>>();
  #closed = false;

  constructor(options: MonitorServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => {
      void this.evaluateDue().catch((error: unknown) =>
        this.#options.logger.error({ err: error }, 'monitor evaluation failed'),
      );
    }, this.#options.tickMs ?? 15_000);
    this.#timer.unref();
  }

  /** Stops looking for windows and waits for the evaluation and alert actions under way. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#chain.catch(() => undefined);
    await Promise.allSettled([...this.#actions]);
  }

  /** Waits for the alert actions under way (tests, and `close`). */
  async settled(): Promise<void> {
    await this.#chain.catch(() => undefined);
    await Promise.allSettled([...this.#actions]);
  }

  /**
   * Evaluates every window that is due, of every monitor that is not paused (or of one monitor, paused
   * or not, when `monitorId` is given), oldest first.
   *
   * @returns the windows this call stored.
   */
  evaluateDue(monitorId?: string): Promise<MonitorWindow[]> {
    const run = this.#chain.then(async () => {
      const stored: MonitorWindow[] = [];
      const { store } = this.#options;
      const monitors =
        monitorId === undefined
          ? store.monitors.listMonitors().filter((monitor) => !monitor.paused)
          : [store.monitors.getMonitor(monitorId)].filter((monitor) => monitor !== undefined);
      for (const monitor of monitors) {
        for (const window of this.dueWindows(monitor)) {
          if (this.#closed) return stored;
          const evaluated = await this.#evaluate(monitor, window.start, window.end);
          if (evaluated !== undefined) stored.push(evaluated);
        }
      }
      return stored;
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /**
   * The windows of `monitor` that have ended (plus the grace) and were not evaluated: from the end of
   * the last one stored, or the window the monitor was created in; windows are aligned to multiples of
   * their length since the epoch. After a long stop only the newest `maxCatchUpWindows` are kept.
   */
  dueWindows(monitor: Monitor): Array<{ start: Date; end: Date }> {
    const length = monitor.windowSeconds * 1000;
    const latestEnd = this.#now().getTime() - (this.#options.graceMs ?? 5_000);
    let start =
      monitor.lastWindowEnd === null
        ? Math.floor(new Date(monitor.createdAt).getTime() / length) * length
        : new Date(monitor.lastWindowEnd).getTime();
    const catchUp = this.#options.maxCatchUpWindows ?? 168;
    const due = Math.floor((latestEnd - start) / length);
    if (due > catchUp) {
      this.#options.logger.warn(
        { monitor: monitor.id, skipped: due - catchUp },
        `monitor "${monitor.name}" skips ${due - catchUp} old windows and evaluates the newest ${catchUp}`,
      );
      start += (due - catchUp) * length;
    }
    const windows: Array<{ start: Date; end: Date }> = [];
    for (let end = start + length; end <= latestEnd; start = end, end += length) {
      windows.push({ start: new Date(start), end: new Date(end) });
    }
    return windows;
  }

  async #evaluate(monitor: Monitor, start: Date, end: Date): Promise<MonitorWindow | undefined> {
    const { store } = this.#options;
    const baselines = new Map<number, DataProfile | undefined>();
    const baselineOf = (version: number): DataProfile | undefined => {
      if (!baselines.has(version)) baselines.set(version, parseProfile(store.getModelBaseline(monitor.model, version)));
      return baselines.get(version);
    };
    const base = { monitorId: monitor.id, start: start.toISOString(), end: end.toISOString() };
    let window: MonitorWindow;
    let report: DriftReport | undefined;
    try {
      const data = await readWindow(this.#options.home, monitor.model, { start, end }, (version) => {
        const baseline = baselineOf(version);
        return baseline === undefined ? [] : Object.keys(baseline.features);
      });
      const common = { ...base, rows: data.rows, version: data.version, versions: data.versions };
      const baseline = data.version === null ? undefined : baselineOf(data.version);
      if (data.version === null) {
        window = {
          ...common,
          status: 'no_data',
          metrics: { rows: 0 },
          message: 'no requests in the window',
          computedAt: this.#at(),
        };
      } else if (baseline === undefined) {
        window = {
          ...common,
          status: 'failed',
          metrics: { rows: data.rows },
          message: `version ${data.version} of model "${monitor.model}" has no training baseline (it was trained before Loom kept baselines): retrain it to monitor drift`,
          computedAt: this.#at(),
        };
      } else {
        const current: Record<string, TableColumn['values']> = {};
        for (const [name, column] of data.inputs) current[name] = column.values;
        report = datasetDrift(baseline, current, data.predictions?.values, monitor.drift as DriftOptionsInput);
        window = {
          ...common,
          status: report.status,
          metrics: windowMetrics(report, data.rows, data.latencyMs),
          message:
            report.status === 'no_data'
              ? report.reason
              : data.missingInputs.length > 0
                ? `the log has no column for ${data.missingInputs.join(', ')}`
                : null,
          computedAt: this.#at(),
        };
      }
    } catch (error) {
      this.#options.logger.error(
        { err: error, monitor: monitor.id },
        `monitor "${monitor.name}" could not read its window`,
      );
      window = {
        ...base,
        status: 'failed',
        rows: 0,
        version: null,
        versions: {},
        metrics: {},
        message: `could not evaluate the window: ${(error as Error).message}`,
        computedAt: this.#at(),
      };
    }
    if (!store.monitors.recordWindow(window, report)) return undefined;
    this.#options.logger.info(
      { monitor: monitor.id, window: window.start, status: window.status, rows: window.rows },
      `monitor "${monitor.name}": window ${window.start} ${window.status}`,
    );
    this.#applyRules(monitor, window);
    return window;
  }

  #applyRules(monitor: Monitor, window: MonitorWindow): void {
    const { store } = this.#options;
    const history = store.monitors.listWindows(monitor.id, { limit: HISTORY_WINDOWS });
    monitor.rules.forEach((rule, ruleIndex) => {
      const verdict = ruleVerdict(rule, history);
      if (verdict === 'breach') {
        const value = window.metrics[rule.metric] as number;
        const { alert, opened } = store.monitors.raiseAlert(monitor, ruleIndex, rule, value, window.start);
        if (!opened) return;
        this.#options.logger.warn(
          { monitor: monitor.id, alert: alert.id, metric: rule.metric, value },
          `alert ${alert.id}: ${rule.metric} ${rule.op} ${rule.threshold} on model "${monitor.model}" (${value})`,
        );
        this.#track(this.#runActions(monitor, alert, window, 'alert.opened'));
      } else if (verdict === 'recovered') {
        const open = store.monitors.openAlertOf(monitor.id, ruleIndex);
        if (open === undefined || !store.monitors.resolveAlert(open.id)) return;
        this.#options.logger.info({ monitor: monitor.id, alert: open.id }, `alert ${open.id} resolved`);
        const resolved = store.monitors.getAlert(open.id) as Alert;
        this.#track(this.#runActions(monitor, resolved, window, 'alert.resolved'));
      }
    });
  }

  /** Opening runs every action; resolving only tells the webhooks. */
  async #runActions(monitor: Monitor, alert: Alert, window: MonitorWindow, event: string): Promise<void> {
    const { store } = this.#options;
    for (const action of monitor.actions) {
      let result: AlertActionResult;
      if (action.kind === 'run') {
        if (event !== 'alert.opened') continue;
        const started = await this.#options
          .startRun(action, { monitor, alert })
          .catch((error: unknown) => ({ ok: false as const, message: (error as Error).message }));
        result = started.ok
          ? { kind: 'run', target: action.pipelineId, ok: true, runId: started.runId, at: this.#at() }
          : { kind: 'run', target: action.pipelineId, ok: false, message: started.message, at: this.#at() };
      } else {
        const secret = store.monitors.webhookSecret(monitor.id) ?? '';
        const payload = {
          event,
          alert,
          monitor: { id: monitor.id, name: monitor.name, model: monitor.model },
          window: { start: window.start, end: window.end, status: window.status, metrics: window.metrics },
        };
        const delivery = await deliverWebhook(action.url, secret, event, payload, this.#options.webhook);
        result = {
          kind: 'webhook',
          target: action.url,
          ok: delivery.ok,
          ...(delivery.status === undefined ? {} : { status: delivery.status }),
          ...(delivery.message === undefined ? {} : { message: delivery.message }),
          at: this.#at(),
        };
      }
      store.monitors.recordAlertAction(alert.id, result);
      const log = result.ok ? this.#options.logger.info : this.#options.logger.warn;
      log.call(
        this.#options.logger,
        { alert: alert.id, action: result },
        `alert ${alert.id}: ${action.kind} action ${result.ok ? 'done' : `failed: ${result.message}`}`,
      );
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) =>
      this.#options.logger.error({ err: error }, 'an alert action failed unexpectedly'),
    );
    this.#actions.add(tracked);
    void tracked.finally(() => this.#actions.delete(tracked));
  }

  #at(): string {
    return this.#now().toISOString();
  }
}
