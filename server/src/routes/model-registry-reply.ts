import type { FastifyReply } from 'fastify';
import { MonitorError } from '../monitors/monitor-error.ts';
import { ModelRegistryError } from '../store/model-registry-error.ts';

const STATUS = { 'not-found': 404, invalid: 400, conflict: 409 } as const;

/**
 * Runs a registry or monitor change or lookup and answers its refusal: a {@link ModelRegistryError} or
 * {@link MonitorError} becomes 404,
 * 400 (with `problems` naming the body field when it has one) or 409 with its message; anything else
 * goes on to the app's error handler.
 */
export async function answerRefusals<T>(reply: FastifyReply, action: () => T | Promise<T>): Promise<T | FastifyReply> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof ModelRegistryError || error instanceof MonitorError)) throw error;
    const body: { error: string; message: string; problems?: Array<{ in: string; path: string; message: string }> } = {
      error: error.reason === 'invalid' ? 'bad-request' : error.reason,
      message: error.message,
    };
    if (error.field !== undefined) body.problems = [{ in: 'body', path: error.field, message: error.message }];
    return reply.code(STATUS[error.reason]).send(body);
  }
}
