/**
 * A request the codec cannot turn into feeds: the HTTP layer answers 400 with its message. `path`
 * points into the request body (`inputs[1].data[7]`, `rows[3].age`); `input` names the model input
 * concerned, when there is one.
 *
 * @example
 * try { decodeInferRequest(body, metadata) } catch (error) {
 *   if (error instanceof RequestError) reply.code(400).send({ error: error.message, path: error.path });
 * }
 */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly path: string,
    message: string,
    readonly input?: string,
  ) {
    super(`${path}: ${message}`);
  }
}
