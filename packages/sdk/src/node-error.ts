/**
 * An error a node throws for a problem the user can fix (a missing file, a bad column name). Its
 * message is shown as it is, without a stack trace; `retryable: false` skips the step's retries,
 * since trying again cannot help.
 *
 * @example
 * throw new NodeError(`file not found: ${path}`, { retryable: false });
 */
export class NodeError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NodeError';
    this.retryable = options.retryable ?? true;
  }
}
