/**
 * Why the server refused a request, in the three ways the API answers: `not-found` (404, something
 * named in the URL or body does not exist), `invalid` (400; `field` is a JSON Pointer into the body,
 * e.g. `/rules/0/threshold`), `conflict` (409, a change the current state forbids). The registry,
 * monitors and triggers each throw a subclass; `answerRefusals` turns any of them into the reply.
 */
export type RefusalReason = 'not-found' | 'invalid' | 'conflict';

export class RefusalError extends Error {
  readonly reason: RefusalReason;
  /** For `invalid`: where in the request the bad value is, as a JSON Pointer. */
  readonly field: string | undefined;

  constructor(reason: RefusalReason, message: string, field?: string) {
    super(message);
    this.reason = reason;
    this.field = field;
  }
}
