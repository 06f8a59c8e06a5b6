import { RefusalError } from '../refusal-error.ts';

/**
 * Why a monitor request was refused: `not-found` (a monitor, alert or model named in the URL or body),
 * `invalid` (a bad value; `field` is a JSON Pointer to it, e.g. `/rules/0/threshold`), `conflict`.
 * The routes answer 404, 400 and 409 with the message as it is.
 */
export class MonitorError extends RefusalError {
  override readonly name = 'MonitorError';
}
