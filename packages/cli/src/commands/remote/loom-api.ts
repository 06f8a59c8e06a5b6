// The Loom server's HTTP API as the `loom remote` commands call it: global fetch and the API's reply
// types, nothing of the server's code, so these commands work against any Loom server they can reach.
import type { ApiError as ApiErrorBody } from '@loom/server/api-types';
import { UserError } from '../../user-error.ts';

/** Where `loom start` listens unless told otherwise. */
export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** How long an ordinary request may take before the server counts as unreachable. */
const REQUEST_TIMEOUT_MS = 60_000;

/** A reply other than 2xx, 401 or a connection failure: the caller decides what it means (a 404, a 400 with diagnostics). */
export class ApiError extends Error {
  readonly status: number;
  readonly body: Partial<ApiErrorBody> & { diagnostics?: unknown[] };

  constructor(status: number, body: Partial<ApiErrorBody> & { diagnostics?: unknown[] }, fallback: string) {
    super(body.message ?? fallback);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** The server could not be reached at all (refused, unresolvable, silent): worth retrying while a run is watched. */
export class UnreachableError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UnreachableError';
  }
}

/**
 * The server address: `--server`, else `$LOOM_SERVER`, else {@link DEFAULT_SERVER}; without a trailing
 * slash, so a server behind a path prefix (`https://ci.example.com/loom`) works too.
 *
 * @throws {UserError} (exit 2) when it is not an http(s) URL.
 */
export function resolveServer(option: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const given = option ?? nonEmpty(env.LOOM_SERVER) ?? DEFAULT_SERVER;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UserError(`--server ${given}: expected the server's address, e.g. ${DEFAULT_SERVER}`, 2);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`--server ${given}: expected an http:// or https:// address`, 2);
  }
  url.hash = '';
  url.search = '';
  return url.toString().replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * A client of one Loom server. Connection failures and refused tokens become {@link UserError}s with
 * exit code 2 that name the server (and what to set), since no command can go on past them.
 *
 * @example
 * const api = LoomApi.fromEnv('https://loom.example.com', process.env);
 * const { runs } = await api.get<{ runs: RunSummary[] }>('/api/runs?limit=5');
 */
export class LoomApi {
  readonly base: string;
  readonly #token: string | undefined;

  constructor(base: string, token: string | undefined) {
    this.base = base;
    this.#token = token;
  }

  /**
   * The server from `--server` / `$LOOM_SERVER`, and the bearer token from `$LOOM_TOKEN`. Only that
   * variable: a server's own `LOOM_API_TOKEN` on this machine is not sent to whatever `--server` names.
   */
  static fromEnv(serverOption: string | undefined, env: Readonly<Record<string, string | undefined>>): LoomApi {
    return new LoomApi(resolveServer(serverOption, env), nonEmpty(env.LOOM_TOKEN));
  }

  /** The designer's page of a run: it opens the pipeline with that run shown. */
  runPage(pipelineId: string, runId: string): string {
    return `${this.base}/#/pipelines/${encodeURIComponent(pipelineId)}/runs/${encodeURIComponent(runId)}`;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  /** Sends a JSON request and reads a JSON reply. @throws {ApiError} on any status but 2xx and 401. */
  async request<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    const response = await this.fetch(path, {
      method,
      // The server refuses a POST or PUT without a JSON content type, body or not (a CSRF guard).
      ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
      headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new UserError(
        `${this.base}${path} answered ${response.status} with something other than JSON (${snippet(text)}): is ${this.base} a Loom server?`,
        2,
      );
    }
    if (!response.ok) {
      const error = (parsed ?? {}) as ApiError['body'];
      throw new ApiError(response.status, error, `${method} ${path} answered ${response.status}`);
    }
    return parsed as T;
  }

  /**
   * A raw request with the token, for the event stream. Failures to connect and 401 are thrown as
   * {@link UserError}s; every other status is the caller's.
   */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#token !== undefined) headers.set('authorization', `Bearer ${this.#token}`);
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { ...init, headers });
    } catch (cause) {
      // Stopped on purpose (the event stream's stall watchdog, Ctrl-C): not the server's fault.
      const reason: unknown = init.signal?.aborted ? init.signal.reason : undefined;
      if (reason !== undefined && !(reason instanceof Error && reason.name === 'TimeoutError')) throw cause;
      throw new UnreachableError(`cannot reach the Loom server at ${this.base}: ${connectionProblem(cause)}`);
    }
    if (response.status === 401) {
      await response.body?.cancel();
      throw new UserError(
        this.#token === undefined
          ? `the Loom server at ${this.base} needs an API token: set LOOM_TOKEN to its token (the LOOM_API_TOKEN it was started with)`
          : `the Loom server at ${this.base} refused the token in LOOM_TOKEN (401): set it to the server's API token`,
        2,
      );
    }
    return response;
  }
}

/**
 * Runs `work`, turning an {@link ApiError} that it did not handle into a user error (exit 2) that names
 * the server and quotes its message: the command could not do its job, and the server says why.
 */
export async function explainingApiErrors<T>(api: LoomApi, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    if (cause instanceof ApiError) {
      throw new UserError(`the Loom server at ${api.base} answered ${cause.status}: ${cause.message}`, 2);
    }
    throw cause;
  }
}

/** `connection refused (ECONNREFUSED)`, `no answer within 60 s`: why fetch failed, in words. */
function connectionProblem(cause: unknown): string {
  if (cause instanceof Error && cause.name === 'TimeoutError') {
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  }
  const inner = cause instanceof Error ? (cause.cause as NodeJS.ErrnoException | undefined) : undefined;
  const code = inner?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused; is it running? (set --server or LOOM_SERVER)',
    ENOTFOUND: 'no such host',
    EAI_AGAIN: 'the host name did not resolve',
    ECONNRESET: 'the connection was reset',
    ETIMEDOUT: 'the connection timed out',
    EHOSTUNREACH: 'the host is unreachable',
  };
  if (code !== undefined) return `${words[code] ?? inner?.message ?? 'failed'} (${code})`;
  return inner?.message ?? (cause instanceof Error ? cause.message : String(cause));
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat || 'an empty body';
}
