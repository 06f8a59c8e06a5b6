import type { FastifyReply } from 'fastify';
import { RefusalError } from '../refusal-error.ts';

const STATUS = { 'not-found': 404, invalid: 400, conflict: 409 } as const;

/**
 * Runs a registry, monitor or trigger change or lookup and answers its refusal: a {@link RefusalError}
 * (ModelRegistryError, MonitorError, TriggerError) becomes 404,
 * 400 (with `problems` naming the body field when it has one) or 409 with its message; anything else
 * goes on to the app's error handler.
 */
export async function answerRefusals<T>(reply: FastifyReply, action: () => T | Promise<T>): Promise<T | FastifyReply> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof RefusalError)) throw error;
    const body: { error: string; message: string; problems?: Array<{ in: string; path: string; message: string }> } = {
      error: error.reason === 'invalid' ? 'bad-request' : error.reason,
      message: error.message,
    };
    if (error.field !== undefined) body.problems = [{ in: 'body', path: error.field, message: error.message }];
    return reply.code(STATUS[error.reason]).send(body);
  }
}
