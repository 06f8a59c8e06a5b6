/**
 * Why the trigger service refused a request: `not-found`, a trigger or pipeline named in the URL that
 * does not exist; `invalid`, a bad value (`field` is a JSON Pointer into the body, e.g. `/cron`);
 * `conflict`, a change the trigger's kind forbids. The routes answer 404, 400 and 409.
 */
export type TriggerErrorReason = 'not-found' | 'invalid' | 'conflict';

export class TriggerError extends Error {
  readonly reason: TriggerErrorReason;
  readonly field: string | undefined;

  constructor(reason: TriggerErrorReason, message: string, field?: string) {
    super(message);
    this.name = 'TriggerError';
    this.reason = reason;
    this.field = field;
  }
}
