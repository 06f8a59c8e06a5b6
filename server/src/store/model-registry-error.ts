import { RefusalError, type RefusalReason } from '../refusal-error.ts';

/**
 * Why the model registry refused a change: `not-found`, a model, version or alias that does not exist
 * (named in the URL); `invalid`, a bad value in what was asked (`field` is a JSON Pointer to it, e.g.
 * `/traffic/1/version`); `conflict`, a change the current state forbids, such as deleting a version an
 * alias points at. The HTTP routes answer 404, 400 and 409 with the message as it is.
 */
export type ModelRegistryErrorReason = RefusalReason;

export class ModelRegistryError extends RefusalError {
  override readonly name = 'ModelRegistryError';
}
