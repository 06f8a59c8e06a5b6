/** One server-sent event. */
export interface StreamMessage {
  id: string | undefined;
  event: string;
  data: string;
}

export interface EventStreamHandlers {
  onOpen(): void;
  onMessage(message: StreamMessage): void;
  /** The stream ended or failed; `cause` is undefined when the server closed it. */
  onClose(cause: Error | undefined): void;
}

/**
 * Reads a server-sent event stream with `fetch`, not `EventSource`: fetch can send the API token in a
 * header (EventSource cannot), and the caller decides when and from where to reconnect.
 */
export function openEventStream(
  url: string,
  headers: Record<string, string>,
  handlers: EventStreamHandlers,
): () => void {
  const controller = new AbortController();
  void (async () => {
    try {
      const response = await fetch(url, {
        headers: { ...headers, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (!response.ok || response.body === null) throw new Error(`the event stream answered ${response.status}`);
      handlers.onOpen();
      const parser = new EventStreamParser(handlers.onMessage);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.push(value);
      }
      handlers.onClose(undefined);
    } catch (cause) {
      if (!controller.signal.aborted) handlers.onClose(cause instanceof Error ? cause : new Error(String(cause)));
    }
  })();
  return () => controller.abort();
}

/** The text/event-stream format: fields per line, a blank line ends an event, `:` lines are comments. */
export class EventStreamParser {
  #buffer = '';
  #id: string | undefined;
  #event = '';
  #data: string[] = [];

  constructor(readonly onMessage: (message: StreamMessage) => void) {}

  push(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const end = this.#buffer.search(/\r\n|\r|\n/);
      if (end === -1) return;
      const line = this.#buffer.slice(0, end);
      const breakLength = this.#buffer.startsWith('\r\n', end) ? 2 : 1;
      this.#buffer = this.#buffer.slice(end + breakLength);
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data.length > 0)
        this.onMessage({ id: this.#id, event: this.#event || 'message', data: this.#data.join('\n') });
      this.#event = '';
      this.#data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id') this.#id = value;
  }
}
