/**
 * Why the model registry refused a change: `not-found`, a model, version or alias that does not exist
 * (named in the URL); `invalid`, a bad value in what was asked (`field` is a JSON Pointer to it, e.g.
 * `/traffic/1/version`); `conflict`, a change the current state forbids, such as deleting a version an
 * alias points at. The HTTP routes answer 404, 400 and 409 with the message as it is.
 */
export type ModelRegistryErrorReason = 'not-found' | 'invalid' | 'conflict';

export class ModelRegistryError extends Error {
  readonly reason: ModelRegistryErrorReason;
  /** For `invalid`: where in the request the bad value is, as a JSON Pointer. */
  readonly field: string | undefined;

  constructor(reason: ModelRegistryErrorReason, message: string, field?: string) {
    super(message);
    this.name = 'ModelRegistryError';
    this.reason = reason;
    this.field = field;
  }
}
