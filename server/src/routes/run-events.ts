import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RunEvent } from '@loom/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { RunIdParams } from '../runs/run-schemas.ts';
import { errorResponses } from '../schemas/common.ts';
import { openEventStream } from './event-stream.ts';

/** Stored events are replayed in pages of this many, so a long run does not sit in memory at once. */
const REPLAY_PAGE = 1000;
/** How often the stream of a run that `loom run` drives looks in the store for its new events. */
const CLI_RUN_POLL_MS = 200;

/**
 * `GET /api/runs/:id/events`: server-sent events of every run and step event, `id` = the event's
 * `seq`, `event` = its `kind`, `data` = the event as JSON. A client that reconnects with
 * `Last-Event-ID` (or `?lastEventId=`) gets exactly the events after that one, then the live ones.
 */
export const runEventRoutes: FastifyPluginAsync = async (plain) => {
  const fastify = plain.withTypeProvider<TypeBoxTypeProvider>();

  fastify.get(
    '/api/runs/:id/events',
    {
      schema: {
        summary: 'Stream a run’s events (server-sent events, resumable with Last-Event-ID)',
        tags: ['runs'],
        params: RunIdParams,
        querystring: Type.Object({ lastEventId: Type.Optional(Type.Integer({ minimum: 0 })) }),
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^\\d*$' })) }),
        response: {
          200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...errorResponses(404),
        },
      },
    },
    async (request, reply) => {
      const runId = request.params.id;
      if (fastify.store.getRunSummary(runId) === undefined) {
        return reply.code(404).send({ error: 'not-found', message: `no run with id "${runId}"` });
      }
      const header = request.headers['last-event-id'];
      let lastSent = Number(header !== undefined && header !== '' ? header : (request.query.lastEventId ?? 0));

      let unsubscribe = () => {};
      let closed = false;
      const write = openEventStream(request, reply, () => {
        closed = true;
        unsubscribe();
      });
      // Listen first, then replay what is stored: an event emitted in between is in one or the other,
      // and the seq check drops the copy.
      const live: RunEvent[] = [];
      let replaying = true;
      const send = (event: RunEvent) => {
        if (event.seq <= lastSent) return;
        lastSent = event.seq;
        write(`id: ${event.seq}\nevent: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`);
      };
      unsubscribe = fastify.runs.subscribe(runId, (event) => {
        if (replaying) live.push(event);
        else send(event);
      });

      fastify.runs.flushEvents();
      const replayStored = () => {
        for (;;) {
          const page = fastify.store.eventsAfter(runId, lastSent, REPLAY_PAGE);
          for (const event of page) send(event);
          if (page.length < REPLAY_PAGE) return;
        }
      };
      replayStored();
      replaying = false;
      for (const event of live) send(event);
      live.length = 0;

      // A `loom run` writes its events from a process of its own, so nothing here hears them: read the
      // store for new ones until the run ends (or the server resumes it, and its events come live).
      const run = fastify.store.getRunSummary(runId);
      if (
        !closed &&
        run?.source === 'cli' &&
        run.resumeCount === 0 &&
        (run.status === 'queued' || run.status === 'running')
      ) {
        const poll = setInterval(() => {
          try {
            replayStored();
            const now = fastify.store.getRunSummary(runId);
            if (now === undefined || now.resumeCount > 0 || (now.status !== 'queued' && now.status !== 'running')) {
              replayStored();
              clearInterval(poll);
            }
          } catch {
            // The store closed under the stream: the server is stopping.
            clearInterval(poll);
          }
        }, CLI_RUN_POLL_MS);
        const stopListening = unsubscribe;
        unsubscribe = () => {
          clearInterval(poll);
          stopListening();
        };
      }
    },
  );
};
