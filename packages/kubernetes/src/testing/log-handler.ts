/**
 * `GET .../pods/{name}/log`: the container's output as the kubelet recorded it, with `follow`,
 * `sinceTime`, `sinceSeconds`, `tailLines`, `limitBytes` and `timestamps`; the real 400 errors for a
 * container that has not started or does not exist.
 */
import type { ServerResponse } from 'node:http';
import type { IPod } from 'kubernetes-models/v1';
import { badRequest } from './api-status.ts';
import { type LogLine, logTimestamp } from './container-log.ts';
import type { Kubelet } from './kubelet.ts';

function waitingMessage(reason: string): string {
  return reason === 'ErrImagePull' || reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
}

export function serveLog(kubelet: Kubelet, pod: IPod, query: URLSearchParams, response: ServerResponse): void {
  const podName = pod.metadata?.name ?? '';
  const names = (pod.spec?.containers ?? []).map((container) => container.name);
  const container = query.get('container') ?? (names.length === 1 ? names[0] : undefined);
  if (container === undefined || container === '') {
    throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`);
  }
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${podName}`);
  const status = pod.status?.containerStatuses?.find((candidate) => candidate.name === container);
  const log = kubelet.containerLog(pod.metadata?.uid ?? '', container);
  const waiting = status?.state?.waiting;
  if (log === undefined || status === undefined || (waiting !== undefined && log.lines.length === 0)) {
    const reason = waiting?.reason ?? 'ContainerCreating';
    throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${waitingMessage(reason)}`);
  }

  const timestamps = query.get('timestamps') === 'true';
  const sinceTime = query.get('sinceTime');
  const sinceSeconds = query.get('sinceSeconds');
  const since =
    sinceTime !== null
      ? Date.parse(sinceTime)
      : sinceSeconds !== null
        ? Date.now() - Number(sinceSeconds) * 1000
        : Number.NEGATIVE_INFINITY;
  const tailLines = query.get('tailLines');
  const limitBytes = query.get('limitBytes') === null ? Number.POSITIVE_INFINITY : Number(query.get('limitBytes'));
  let written = 0;
  const format = (line: LogLine) => (timestamps ? `${logTimestamp(line.time)} ${line.text}` : line.text);
  const emit = (line: LogLine): boolean => {
    if (line.time.getTime() < since) return true;
    const text = Buffer.from(format(line));
    const room = limitBytes - written;
    if (room <= 0) return false;
    response.write(text.subarray(0, room));
    written += Math.min(room, text.length);
    return written < limitBytes;
  };

  response.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  response.flushHeaders();
  let lines = log.lines.filter((line) => line.time.getTime() >= since);
  if (tailLines !== null) lines = lines.slice(Math.max(0, lines.length - Number(tailLines)));
  let open = true;
  for (const line of lines) {
    if (!emit(line)) {
      open = false;
      break;
    }
  }
  if (!open || query.get('follow') !== 'true') {
    response.end();
    return;
  }
  const stop = log.follow(
    (line) => {
      if (!emit(line)) response.end();
    },
    () => response.end(),
  );
  response.on('close', stop);
}
