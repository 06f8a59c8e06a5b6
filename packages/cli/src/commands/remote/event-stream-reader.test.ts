import { describe, expect, it } from 'vitest';
import { SseParser } from './event-stream-reader.ts';

describe('SseParser', () => {
  it('yields a message only once its block is complete, however the text is cut', () => {
    const parser = new SseParser();
    const text = 'id: 7\nevent: step.started\ndata: {"kind":"step.started"}\n\nid: 8\ndata: {}\n\n';
    const messages = [...text].flatMap((character) => parser.push(character));
    expect(messages).toEqual([
      { id: '7', event: 'step.started', data: '{"kind":"step.started"}' },
      { id: '8', data: '{}' },
    ]);
  });

  it('reads retry, joins data lines, accepts CRLF, and drops comments and empty blocks', () => {
    const parser = new SseParser();
    expect(parser.push('retry: 2000\n\n: keep-alive\n\n')).toEqual([{ data: '', retry: 2000 }]);
    expect(parser.push('id: 1\r\ndata: first\r\ndata:second\r\n\r\n')).toEqual([{ id: '1', data: 'first\nsecond' }]);
    expect(parser.push('\n\n')).toEqual([]);
  });
});
