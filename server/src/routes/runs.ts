import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { thinMetricPoints } from '../runs/metric-points.ts';
import type { SubmitResult } from '../runs/run-manager.ts';
import {
  MetricPointSchema,
  RunDefinitionSchema,
  RunIdParams,
  RunRequestSchema,
  RunSummarySchema,
  StepLogSchema,
  StoredRunSchema,
} from '../runs/run-schemas.ts';
import { errorResponses } from '../schemas/common.ts';

/** Points of each curve a reply holds at most unless `maxPoints` says otherwise. */
const DEFAULT_MAX_POINTS = 2000;

/** Run routes: start, list, inspect, cancel and resume runs, and read a step's logs and curve points. */
export const runRoutes: FastifyPluginAsync = async (plain) => {
  const fastify = plain.withTypeProvider<TypeBoxTypeProvider>();

  fastify.post(
    '/api/pipelines/:id/runs',
    {
      schema: {
        summary: 'Start a run of a pipeline',
        description:
          'Compiles the pipeline (its latest version unless `version` is given) and starts a run; the reply is the run without its steps (their counts instead: GET /api/runs/{id} has them). A document that does not compile gets 400 with the compiler’s diagnostics, and nothing is queued.',
        tags: ['runs'],
        params: RunIdParams,
        body: Type.Optional(RunRequestSchema),
        response: { 201: RunSummarySchema, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { version, ...options } = request.body ?? {};
      const result = await fastify.runs.submit(request.params.id, options, version);
      return sendSubmitResult(reply, result, 201);
    },
  );

  fastify.get(
    '/api/runs',
    {
      schema: {
        summary: 'List runs, newest first',
        tags: ['runs'],
        querystring: Type.Object({
          pipelineId: Type.Optional(Type.String()),
          status: Type.Optional(
            Type.Union(['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          before: Type.Optional(Type.String({ description: 'A run id: list the runs created before it (paging).' })),
          trigger: Type.Optional(
            Type.String({ description: 'A trigger id (or a monitor id): only the runs it started.', maxLength: 200 }),
          ),
        }),
        response: { 200: Type.Object({ runs: Type.Array(RunSummarySchema) }) },
      },
    },
    async (request) => {
      const { pipelineId, status, limit, before, trigger } = request.query;
      const runs = fastify.store.listRuns({
        ...(pipelineId === undefined ? {} : { pipelineId }),
        ...(status === undefined ? {} : { status: status as 'queued' }),
        ...(limit === undefined ? {} : { limit }),
        ...(before === undefined ? {} : { before }),
        ...(trigger === undefined ? {} : { trigger }),
      });
      return { runs };
    },
  );

  fastify.get(
    '/api/runs/:id',
    {
      schema: {
        summary: 'A run: status, and per step its state, attempts, timings, metrics and outputs',
        tags: ['runs'],
        params: RunIdParams,
        response: { 200: StoredRunSchema, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const run = fastify.store.getRun(request.params.id);
      if (run === undefined) return notFound(reply, `no run with id "${request.params.id}"`);
      return run;
    },
  );

  fastify.get(
    '/api/runs/:id/definition',
    {
      schema: {
        summary: 'What a run was started from: the pipeline document and the compiled plan, as they were then',
        tags: ['runs'],
        params: RunIdParams,
        response: { 200: RunDefinitionSchema, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const definition = fastify.store.getRunDefinition(request.params.id);
      if (definition === undefined) return notFound(reply, `no run with id "${request.params.id}"`);
      return { pipelineVersion: definition.pipelineVersion, document: definition.document, plan: definition.plan };
    },
  );

  fastify.post(
    '/api/runs/:id/cancel',
    {
      schema: {
        summary: 'Cancel a run',
        description:
          'Queued steps are dropped and running steps get their abort signal, on whichever worker runs them.',
        tags: ['runs'],
        params: RunIdParams,
        response: { 202: RunSummarySchema, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const run = fastify.store.getRunSummary(request.params.id);
      if (run === undefined) return notFound(reply, `no run with id "${request.params.id}"`);
      if (!fastify.runs.cancel(run.id)) {
        if (run.source === 'cli' && (run.status === 'running' || run.status === 'queued')) {
          return reply.code(409).send({
            error: 'conflict',
            message: `run "${run.id}" is driven by \`loom run\` in a process of its own: stop it there (Ctrl-C)`,
          });
        }
        return reply
          .code(409)
          .send({ error: 'conflict', message: `run "${run.id}" is not going (it is ${run.status})` });
      }
      return reply.code(202).send(fastify.store.getRunSummary(run.id) ?? run);
    },
  );

  fastify.post(
    '/api/runs/:id/resume',
    {
      schema: {
        summary: 'Resume a failed or cancelled run',
        description:
          'Runs the failed, cancelled and skipped steps again against the pipeline’s latest version; steps whose cache key is unchanged keep their results.',
        tags: ['runs'],
        params: RunIdParams,
        response: { 202: RunSummarySchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => sendSubmitResult(reply, await fastify.runs.resume(request.params.id), 202),
  );

  fastify.get(
    '/api/runs/:id/steps/:step/logs',
    {
      schema: {
        summary: 'The log lines of one step, every attempt unless `attempt` or `latest` says which',
        tags: ['runs'],
        params: Type.Object({ id: Type.String({ maxLength: 200 }), step: Type.String({ maxLength: 200 }) }),
        querystring: Type.Object({ attempt: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: Type.Object({ logs: Type.Array(StepLogSchema) }), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const { id, step } = request.params;
      const run = fastify.store.getRun(id);
      if (run === undefined) return notFound(reply, `no run with id "${id}"`);
      if (!run.steps.some((s) => s.id === step)) return notFound(reply, `run "${id}" has no step "${step}"`);
      fastify.runs.flushEvents();
      return { logs: fastify.store.stepLogs(id, step, request.query.attempt) };
    },
  );

  fastify.get(
    '/api/runs/:id/steps/:step/metric-points',
    {
      schema: {
        summary:
          'The curve points a step reported as it ran (each iteration’s loss, say), every attempt unless `attempt` or `latest` says which',
        description:
          'The step.metric events that carried a step (iteration or epoch), in order. A curve with more than `maxPoints` points is thinned to that many, evenly spaced, with its first and last; `thinned` says whether any was.',
        tags: ['runs'],
        params: Type.Object({ id: Type.String({ maxLength: 200 }), step: Type.String({ maxLength: 200 }) }),
        querystring: Type.Object({
          attempt: Type.Optional(Type.Integer({ minimum: 1 })),
          latest: Type.Optional(
            Type.Boolean({
              description: 'Only the latest attempt’s points (after a resume, attempt numbers start again at 1).',
            }),
          ),
          maxPoints: Type.Optional(Type.Integer({ minimum: 2, maximum: 100_000, default: DEFAULT_MAX_POINTS })),
        }),
        response: {
          200: Type.Object({ points: Type.Array(MetricPointSchema), thinned: Type.Boolean() }),
          ...errorResponses(404),
        },
      },
    },
    async (request, reply) => {
      const { id, step } = request.params;
      const run = fastify.store.getRun(id);
      if (run === undefined) return notFound(reply, `no run with id "${id}"`);
      if (!run.steps.some((s) => s.id === step)) return notFound(reply, `run "${id}" has no step "${step}"`);
      fastify.runs.flushEvents();
      const { attempt, latest } = request.query;
      const all = fastify.store.stepMetricPoints(id, step, {
        ...(attempt === undefined ? {} : { attempt }),
        ...(latest === undefined ? {} : { latest }),
      });
      const points = thinMetricPoints(all, request.query.maxPoints ?? DEFAULT_MAX_POINTS);
      return { points, thinned: points.length < all.length };
    },
  );
};

function notFound(reply: FastifyReply, message: string) {
  return reply.code(404).send({ error: 'not-found', message });
}

/** Answers a run submission: the run with `okCode`, or 404, 400 (with diagnostics) or 409. */
export function sendSubmitResult(reply: FastifyReply, result: SubmitResult, okCode: 201 | 202) {
  switch (result.kind) {
    case 'started':
      return reply.code(okCode).send(result.run);
    case 'not-found':
      return notFound(reply, result.message);
    case 'invalid':
      return reply
        .code(400)
        .send({ error: 'invalid-pipeline', message: result.message, diagnostics: result.diagnostics });
    case 'conflict':
      return reply.code(409).send({ error: 'conflict', message: result.message });
  }
}
