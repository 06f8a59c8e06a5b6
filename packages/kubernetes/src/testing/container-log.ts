/**
 * A container's log as the kubelet keeps it: timestamped lines in the order they were written, with
 * stdout and stderr interleaved, and subscribers for `follow=true` readers.
 */

export interface LogLine {
  time: Date;
  /** The line including its trailing newline (the last line of a stream may lack one). */
  text: string;
}

type LogSubscriber = { line: (line: LogLine) => void; end: () => void };

export class ContainerLog {
  readonly lines: LogLine[] = [];
  private readonly partial = new Map<string, string>();
  private readonly subscribers = new Set<LogSubscriber>();
  private ended = false;

  get isEnded(): boolean {
    return this.ended;
  }

  /** Adds output from one stream; a line is logged once its newline arrives, as the CRI does. */
  write(stream: 'stdout' | 'stderr', chunk: string): void {
    const text = (this.partial.get(stream) ?? '') + chunk;
    const pieces = text.split('\n');
    this.partial.set(stream, pieces.pop() ?? '');
    for (const piece of pieces) this.push(`${piece}\n`);
  }

  /** Flushes unterminated lines and tells followers the container is done. */
  end(): void {
    if (this.ended) return;
    for (const rest of this.partial.values()) if (rest !== '') this.push(rest);
    this.partial.clear();
    this.ended = true;
    for (const subscriber of this.subscribers) subscriber.end();
    this.subscribers.clear();
  }

  /** Follows new lines until the container ends; returns the unsubscribe function. */
  follow(line: (line: LogLine) => void, end: () => void): () => void {
    if (this.ended) {
      end();
      return () => {};
    }
    const subscriber = { line, end };
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /** The whole log as text. */
  text(): string {
    return this.lines.map((line) => line.text).join('');
  }

  private push(text: string): void {
    const line = { time: new Date(), text };
    this.lines.push(line);
    for (const subscriber of this.subscribers) subscriber.line(line);
  }
}

/** RFC 3339 with nanoseconds, as `timestamps=true` prefixes each line. */
export function logTimestamp(time: Date): string {
  return time.toISOString().replace('Z', '000000Z');
}
