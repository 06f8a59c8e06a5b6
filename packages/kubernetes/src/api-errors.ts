import { ApiException } from '@kubernetes/client-node';
import { sleep } from '@loom/runtime';

/** The HTTP status of a failed API call, or undefined when no answer came (the server unreachable). */
export function apiStatus(cause: unknown): number | undefined {
  return cause instanceof ApiException ? cause.code : undefined;
}

/**
 * Whether trying the same call again later can help: no answer at all, the server busy or failing
 * (429, 5xx). A refusal (401, 403, 404, 409, 422) says the same thing every time.
 */
export function isTransient(cause: unknown): boolean {
  const status = apiStatus(cause);
  return status === undefined || status === 429 || status >= 500;
}

/** What the API server said: the `message` of its Status body, else the error itself. */
export function apiMessage(cause: unknown): string {
  if (cause instanceof ApiException) {
    const body: unknown = cause.body;
    const parsed = typeof body === 'string' ? parseJson(body) : body;
    const message = (parsed as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string' && message !== '') return `${message} (HTTP ${cause.code})`;
    return `HTTP ${cause.code}`;
  }
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: { code?: string; message?: string } }).cause;
    if (inner?.code !== undefined) return `${cause.message} (${inner.code})`;
    return cause.message || cause.name;
  }
  return String(cause);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 500) };
  }
}

export interface Backoff {
  /** First wait after a failure. @default 250 */
  initialMs?: number;
  /** Longest wait between tries. @default 10000 */
  maxMs?: number;
}

/** The wait before try `n + 1` (n ≥ 1): doubling from `initialMs` up to `maxMs`, with ±20 % jitter. */
export function backoffDelay(n: number, backoff: Backoff = {}): number {
  const initial = backoff.initialMs ?? 250;
  const max = backoff.maxMs ?? 10_000;
  const base = Math.min(max, initial * 2 ** Math.min(30, n - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Calls `call` until it answers or refuses: transient failures (the API server restarting, a network
 * blip) are retried with backoff for as long as `signal` allows, each reported to `onRetry`. A step
 * must neither be lost nor run twice because the API server was away for a minute.
 */
export async function retrying<T>(
  call: () => Promise<T>,
  options: { signal?: AbortSignal; backoff?: Backoff; onRetry?: (cause: unknown, delayMs: number) => void } = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await call();
    } catch (cause) {
      if (!isTransient(cause) || options.signal?.aborted) throw cause;
      const delay = backoffDelay(n, options.backoff);
      options.onRetry?.(cause, delay);
      await sleep(delay, options.signal);
      if (options.signal?.aborted) throw cause;
    }
  }
}
