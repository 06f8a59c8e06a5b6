import type { KubeConfig } from '@kubernetes/client-node';
import { sleep } from '@loom/runtime';
import fetch from 'node-fetch';
import { apiMessage, type Backoff, backoffDelay } from './api-errors.ts';

export interface FollowPodLogOptions {
  namespace: string;
  pod: string;
  container: string;
  /** Called with each line, in order, without its timestamp; never twice for the same line. */
  onLine(line: string): void;
  /** Whether the container has ended: when the stream ends then, following is done; otherwise it resumes. */
  ended(): boolean;
  /** Only lines written after this moment (a worker re-attaching to a pod another worker followed). */
  since?: Date;
  signal: AbortSignal;
  backoff?: Backoff;
  /** Told why the stream broke each time it is resumed. */
  onInterrupted?(reason: string): void;
}

/** A kubelet timestamp (RFC 3339 with up to nine fractional digits) as seconds and nanoseconds, comparable. */
interface Stamp {
  seconds: number;
  nanos: number;
}

/**
 * Follows a container's log (`GET …/pods/{pod}/log?follow=true&timestamps=true`) until the container
 * ends, resuming after a broken stream (the API server or kubelet restarting) from the last line's
 * timestamp, and skipping the lines it had already passed on. Client-node's `Log` pipes the response
 * into a stream and drops a broken connection on the floor, so this asks the API itself, with the
 * kubeconfig's credentials.
 */
export async function followPodLog(kubeConfig: KubeConfig, options: FollowPodLogOptions): Promise<void> {
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new Error('the kubeconfig has no current cluster');
  let last: Stamp | undefined;
  /** Lines passed on that carry exactly `last`'s timestamp: a resumed stream repeats them first. */
  let passedAtLast = 0;
  let failures = 0;
  const since = options.since;
  while (!options.signal.aborted) {
    const url = new URL(
      `${cluster.server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(options.namespace)}/pods/${encodeURIComponent(options.pod)}/log`,
    );
    url.searchParams.set('container', options.container);
    url.searchParams.set('follow', 'true');
    url.searchParams.set('timestamps', 'true');
    // sinceTime is read to the second: what this stream repeats of that second is skipped below.
    const from = last !== undefined ? new Date(last.seconds * 1000) : since;
    if (from !== undefined) url.searchParams.set('sinceTime', `${from.toISOString().slice(0, 19)}Z`);
    let duplicatesLeft = passedAtLast;
    const take = (line: string) => {
      const space = line.indexOf(' ');
      const stamp = space > 0 ? parseStamp(line.slice(0, space)) : undefined;
      const text = stamp === undefined ? line : line.slice(space + 1);
      if (stamp !== undefined) {
        if (last === undefined) {
          if (since !== undefined && stamp.seconds * 1000 + stamp.nanos / 1e6 < since.getTime()) return;
          last = stamp;
          passedAtLast = 1;
        } else {
          const order = compareStamps(stamp, last);
          if (order < 0) return;
          if (order === 0) {
            if (duplicatesLeft > 0) {
              duplicatesLeft--;
              return;
            }
            passedAtLast++;
          } else {
            last = stamp;
            passedAtLast = 1;
            duplicatesLeft = 0;
          }
        }
      }
      options.onLine(text);
    };
    let complete = false;
    try {
      // The kubeconfig's credentials and TLS settings, as client-node's own requests carry them.
      const init = await kubeConfig.applyToFetchOptions({});
      // node-fetch types its own AbortSignal; Node's is the one it takes at run time.
      const signal = options.signal as unknown as NonNullable<Parameters<typeof fetch>[1]>['signal'];
      const response = await fetch(url.toString(), { ...init, method: 'GET', signal });
      if (response.status !== 200 || response.body === null) {
        // 400 while the container is still being created; 404 once the pod is gone.
        const text = await response.text().catch(() => '');
        if (response.status === 404) return;
        throw new Error(`${statusMessage(text)} (HTTP ${response.status})`);
      }
      let buffered = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        buffered += decoder.decode(chunk as Buffer, { stream: true });
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          take(buffered.slice(0, newline));
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf('\n');
        }
      }
      if (buffered !== '') take(buffered);
      complete = true;
      failures = 0;
    } catch (cause) {
      if (options.signal.aborted) return;
      if (!options.ended()) options.onInterrupted?.(apiMessage(cause));
    }
    // A stream that ended with its container is done; one cut short (or that ended a moment before the
    // container's end was seen) is asked again, and repeats nothing already passed on.
    if (complete && options.ended()) return;
    if (!complete && options.ended() && failures >= 3) return;
    await sleep(complete ? 200 : backoffDelay(++failures, options.backoff), options.signal);
  }
}

function statusMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  } catch {
    // Not a Status body.
  }
  return text.slice(0, 300) || 'no log';
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

function parseStamp(text: string): Stamp | undefined {
  const match = STAMP.exec(text);
  if (match === null) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return { seconds, nanos: Number((match[2] ?? '').padEnd(9, '0')) };
}

function compareStamps(a: Stamp, b: Stamp): number {
  return a.seconds - b.seconds || a.nanos - b.nanos;
}
