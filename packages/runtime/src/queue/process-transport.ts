import type { AttemptHooks, AttemptOutcome, AttemptRequest } from '../execute-attempt.ts';
import type { StepTransport } from '../inline-transport.ts';
import { StepRunnerPool, type StepRunnerPoolOptions } from './step-runner-pool.ts';

/**
 * Runs attempts on this machine, each in a step-runner process of its own (see {@link StepRunnerPool}):
 * the embedded server's transport, so a node that crashes, leaks or hangs fails its step and the server
 * keeps serving.
 */
export class ProcessTransport implements StepTransport {
  readonly pool: StepRunnerPool;

  constructor(options: StepRunnerPoolOptions) {
    this.pool = new StepRunnerPool(options);
  }

  run(request: AttemptRequest, hooks: AttemptHooks): Promise<AttemptOutcome> {
    return this.pool.run(request, hooks);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
