import { RefusalError, type RefusalReason } from '../refusal-error.ts';

/**
 * Why the trigger service refused a request: `not-found`, a trigger or pipeline named in the URL that
 * does not exist; `invalid`, a bad value (`field` is a JSON Pointer into the body, e.g. `/cron`);
 * `conflict`, a change the trigger's kind forbids. The routes answer 404, 400 and 409.
 */
export type TriggerErrorReason = RefusalReason;

export class TriggerError extends RefusalError {
  override readonly name = 'TriggerError';
}
