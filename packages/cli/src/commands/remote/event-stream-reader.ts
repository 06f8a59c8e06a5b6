// A run's server-sent events (`GET /api/runs/:id/events`) as a sequence of RunEvents that survives
// dropped connections: it reconnects with Last-Event-ID, so no event is lost or seen twice.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunEvent } from '@loom/runtime';
import { UserError } from '../../user-error.ts';
import { ApiError, type LoomApi, UnreachableError } from './loom-api.ts';

/** One message of a `text/event-stream`, fields as the SSE format defines them. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
  /** A `retry:` field: how long to wait before reconnecting, in ms. */
  retry?: number;
}

/**
 * Splits `text/event-stream` text into messages, however the text arrives in chunks. Comment lines
 * (the server's `: keep-alive`) are dropped; a block without fields yields nothing.
 *
 * @example
 * const parser = new SseParser();
 * parser.push('id: 1\nevent: step.started\nda'); // []
 * parser.push('ta: {}\n\n'); // [{ id: '1', event: 'step.started', data: '{}' }]
 */
export class SseParser {
  #buffer = '';

  push(text: string): SseMessage[] {
    this.#buffer += text;
    const blocks = this.#buffer.split(/\r\n\r\n|\n\n|\r\r/);
    this.#buffer = blocks.pop() ?? '';
    return blocks.flatMap((block) => {
      const message = parseBlock(block);
      return message === undefined ? [] : [message];
    });
  }
}

function parseBlock(block: string): SseMessage | undefined {
  const data: string[] = [];
  const message: Omit<SseMessage, 'data'> = {};
  let fields = 0;
  for (const line of block.split(/\r\n|\n|\r/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const raw = colon === -1 ? '' : line.slice(colon + 1);
    const value = raw.startsWith(' ') ? raw.slice(1) : raw;
    fields += 1;
    if (field === 'data') data.push(value);
    else if (field === 'id') message.id = value;
    else if (field === 'event') message.event = value;
    else if (field === 'retry' && /^\d+$/.test(value)) message.retry = Number(value);
  }
  return fields === 0 ? undefined : { ...message, data: data.join('\n') };
}

/** How {@link runEvents} waits and gives up; the defaults suit a CI job watching a long run. */
export interface RunEventsOptions {
  /**
   * No bytes for this long (the server sends a heartbeat every 15 s) and the connection counts as
   * dropped, even if the socket never says so (a proxy that went away). @default 45_000
   */
  stallMs?: number;
  /** Reconnecting fails for this long in a row, and it gives up. @default 120_000 */
  giveUpAfterMs?: number;
  /** Waited between reconnects unless the server's `retry:` says otherwise. @default 2_000 */
  retryMs?: number;
  /** Told each time the stream dropped and is about to be opened again. */
  onReconnect?(reason: string): void;
  signal?: AbortSignal;
}

/**
 * Yields the run's events in order, from the first, reconnecting after a drop with the last event's
 * id. The server never ends the stream itself: stop iterating (at `run.finished`) to hang up.
 *
 * @throws {UserError} (exit 2) when the run does not exist, or the stream stays down for `giveUpAfterMs`.
 */
export async function* runEvents(
  api: LoomApi,
  runId: string,
  options: RunEventsOptions = {},
): AsyncGenerator<RunEvent> {
  const stallMs = options.stallMs ?? 45_000;
  const giveUpAfterMs = options.giveUpAfterMs ?? 120_000;
  let retryMs = options.retryMs ?? 2_000;
  let lastEventId = 0;
  let downSince: number | undefined;
  for (;;) {
    const connection = new AbortController();
    const stopConnection = () => connection.abort(new Error('stopped'));
    options.signal?.addEventListener('abort', stopConnection, { once: true });
    let watchdog: NodeJS.Timeout | undefined;
    const feedWatchdog = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => connection.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
    };
    let reason: string;
    try {
      feedWatchdog();
      const response = await api.fetch(`/api/runs/${encodeURIComponent(runId)}/events`, {
        headers: { accept: 'text/event-stream', 'last-event-id': String(lastEventId) },
        signal: connection.signal,
      });
      if (response.status === 404) {
        await response.body?.cancel();
        throw new UserError(`the Loom server at ${api.base} has no run "${runId}"`, 2);
      }
      if (!response.ok || response.body === null) {
        const text = await response.text();
        throw new ApiError(response.status, {}, `the event stream answered ${response.status}: ${text.slice(0, 200)}`);
      }
      downSince = undefined;
      const parser = new SseParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          feedWatchdog();
          for (const message of parser.push(value)) {
            if (message.retry !== undefined) retryMs = message.retry;
            if (message.id === undefined || message.data === '') continue;
            const event = JSON.parse(message.data) as RunEvent;
            lastEventId = Number(message.id);
            yield event;
          }
        }
      } finally {
        // Reached by a consumer that stopped iterating too: hang up rather than leave the socket open.
        await reader.cancel().catch(() => {});
      }
      reason = 'the server closed the event stream';
    } catch (cause) {
      if (options.signal?.aborted) return;
      // A refused token or an unknown run stays so however often it is asked; a server that is down may come back.
      if (cause instanceof UserError && !(cause instanceof UnreachableError)) throw cause;
      reason = connection.signal.aborted
        ? String((connection.signal.reason as Error).message)
        : cause instanceof Error
          ? cause.message
          : String(cause);
    } finally {
      clearTimeout(watchdog);
      options.signal?.removeEventListener('abort', stopConnection);
      connection.abort(new Error('done'));
    }
    if (options.signal?.aborted) return;
    downSince ??= Date.now();
    if (Date.now() - downSince > giveUpAfterMs) {
      throw new UserError(
        `lost the event stream of run ${runId} at ${api.base} for ${Math.round(giveUpAfterMs / 1000)} s (${reason}); the run itself goes on there`,
        2,
      );
    }
    options.onReconnect?.(reason);
    await sleep(retryMs, undefined, options.signal === undefined ? {} : { signal: options.signal }).catch(() => {});
  }
}
