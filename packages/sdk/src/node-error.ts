/**
 * An error a node throws for a problem the user can fix (a missing file, a bad column name). Its
 * message is shown as it is, without a stack trace; `retryable: false` skips the step's retries,
 * since trying again cannot help.
 *
 * @example
 * throw new NodeError(`file not found: ${path}`, { retryable: false });
 */
export class NodeError extends Error {
  /** Whether trying the step again could help; false skips its remaining retries. @default true */
  readonly retryable: boolean;

  /** `cause` becomes the error's standard `cause`; the user sees `message`. */
  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NodeError';
    this.retryable = options.retryable ?? true;
  }
}
