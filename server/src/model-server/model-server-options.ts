import type { RequestLogSink } from './request-log-types.ts';
import type { ServePin } from './serve-pin.ts';

/** How the model server is set up (`ServerOptions.modelServer`, `loom serve`); every field has a default. */
export interface ModelServerOptions {
  /** Inference threads (each holds every served version). @default os.availableParallelism() */
  threads?: number;
  /** Requests per version waiting for a thread; one more answers 503 with `Retry-After`. @default 256 */
  maxQueue?: number;
  /** Rows one infer request may carry; more answer 400. @default 10,000 (`DEFAULT_MAX_ROWS` of @loom/serving) */
  maxRowsPerRequest?: number;
  /** Largest infer request body, in bytes; larger ones answer 413. @default the server's `bodyLimit` */
  bodyLimit?: number;
  /**
   * How often to look for registry changes made by other processes (`loom run`, another server on the
   * same home), in ms; changes through this server's own API apply at once. 0: never. @default 500
   */
  pollIntervalMs?: number;
  /**
   * Told of every answered inference. @default a `ParquetRequestLog` on the home (`<home>/request-logs/`);
   * `false`: nothing is logged.
   */
  requestLog?: RequestLogSink | false;
  /**
   * The share of requests the default request log keeps, from 0 to 1: one for every endpoint, or per
   * model with `*` for the rest (`LOOM_REQUEST_LOG_SAMPLE`, e.g. `iris=0.1,*=1`). @default 1
   */
  requestLogSampleRate?: number | Readonly<Record<string, number>>;
  /**
   * Serve one model's given versions only, whatever its alias says (`LOOM_SERVE_MODEL` and
   * `LOOM_SERVE_ROUTES`, as the pods of an endpoint on Kubernetes get them). @default every endpoint of the registry, following its alias
   */
  pin?: ServePin;
}

/**
 * The request-log settings in the environment: `LOOM_REQUEST_LOG=off` logs nothing;
 * `LOOM_REQUEST_LOG_SAMPLE` is one rate (`0.25`) or rates per model (`iris=0.1,*=1`).
 *
 * @throws naming the variable and the entry that is not understood.
 */
export function requestLogSettingsFromEnv(
  read: (name: string) => string | undefined,
): Pick<ModelServerOptions, 'requestLog' | 'requestLogSampleRate'> {
  const settings: Pick<ModelServerOptions, 'requestLog' | 'requestLogSampleRate'> = {};
  const off = read('LOOM_REQUEST_LOG');
  if (off !== undefined) {
    if (off.toLowerCase() === 'off') settings.requestLog = false;
    else if (off.toLowerCase() !== 'on') {
      throw new Error(`LOOM_REQUEST_LOG must be "on" or "off", not ${JSON.stringify(off)}`);
    }
  }
  const sample = read('LOOM_REQUEST_LOG_SAMPLE');
  if (sample !== undefined) settings.requestLogSampleRate = parseSampleRates(sample);
  return settings;
}

function parseSampleRates(text: string): number | Record<string, number> {
  const rate = (value: string, entry: string): number => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
      throw new Error(`LOOM_REQUEST_LOG_SAMPLE: "${entry}" is not a rate from 0 to 1`);
    }
    return parsed;
  };
  if (!text.includes('=')) return rate(text, text);
  const rates: Record<string, number> = {};
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const [model, value, extra] = entry.split('=');
    if (model === undefined || model.trim() === '' || value === undefined || extra !== undefined) {
      throw new Error(`LOOM_REQUEST_LOG_SAMPLE: "${entry}" is not model=rate`);
    }
    rates[model.trim()] = rate(value, entry);
  }
  return rates;
}

/** The rate {@link ModelServerOptions.requestLogSampleRate} gives one model. */
export function sampleRateOf(setting: ModelServerOptions['requestLogSampleRate'], model: string): number {
  if (setting === undefined) return 1;
  if (typeof setting === 'number') return setting;
  return setting[model] ?? setting['*'] ?? 1;
}
