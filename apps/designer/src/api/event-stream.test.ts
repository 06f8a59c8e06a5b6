import { describe, expect, it } from 'vitest';
import { EventStreamParser, type StreamMessage } from './event-stream.ts';

describe('EventStreamParser', () => {
  it('reads events split across chunks at any point, skipping comments and retry lines', () => {
    const messages: StreamMessage[] = [];
    const parser = new EventStreamParser((message) => messages.push(message));
    const text =
      'retry: 2000\n\n: keep-alive\n\nid: 1\nevent: run.started\ndata: {"seq":1}\n\nid: 2\r\nevent: step.log\r\ndata: a\r\ndata: b\r\n\r\n';
    for (let i = 0; i < text.length; i += 3) parser.push(text.slice(i, i + 3));
    expect(messages).toEqual([
      { id: '1', event: 'run.started', data: '{"seq":1}' },
      { id: '2', event: 'step.log', data: 'a\nb' },
    ]);
  });
});
