/**
 * The blocks of a server-sent event stream (the text between blank lines), as they arrive; ends with
 * the stream. Tests read `id:`, `event:` and `data:` lines out of each, and `:` comments.
 */
export async function* eventBlocks(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      yield buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
  }
}
