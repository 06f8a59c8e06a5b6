import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../schemas/common.ts';
import {
  CreatedTriggerSchema,
  CreateTriggerBody,
  PatchTriggerBody,
  RotateSecretBody,
  SecretSchema,
  TriggerFireListSchema,
  TriggerIdParams,
  TriggerListSchema,
  TriggerSchema,
} from '../schemas/triggers.ts';
import type { Trigger } from '../store/trigger-types.ts';
import { hookPath } from '../triggers/hook-path.ts';
import { answerRefusals } from './model-registry-reply.ts';

/**
 * Triggers: schedules (cron in a time zone) and webhooks that start runs of a pipeline. Listed,
 * created, edited (paused, resumed), deleted; each with its fires. A webhook's secret is answered on
 * create and on rotation only.
 */
export const triggerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/triggers',
    {
      schema: {
        tags: ['triggers'],
        summary: 'Lists triggers, oldest first: all, or a pipeline’s',
        querystring: Type.Object({ pipelineId: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: TriggerListSchema, ...errorResponses(401) },
      },
    },
    async (request) => ({ triggers: app.triggers.list(request.query.pipelineId).map(withHookPath) }),
  );

  app.post(
    '/api/triggers',
    {
      schema: {
        tags: ['triggers'],
        summary: 'Creates a schedule or a webhook',
        description:
          'A schedule needs `cron` (and a `timezone`, default UTC); a webhook gets a secret (given, or random) that is answered this once. A bad cron expression, an unknown time zone, an unknown pipeline or a parameter the pipeline lacks: 400 naming it.',
        body: CreateTriggerBody,
        response: { 201: CreatedTriggerSchema, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, async () => {
        const { trigger, secret } = await app.triggers.create(request.body);
        return reply.code(201).send({ trigger: withHookPath(trigger), ...(secret === undefined ? {} : { secret }) });
      }),
  );

  app.get(
    '/api/triggers/:id',
    {
      schema: {
        tags: ['triggers'],
        summary: 'A trigger, with its next tick and last fire',
        params: TriggerIdParams,
        response: { 200: TriggerSchema, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const trigger = app.triggers.get(request.params.id);
      if (trigger === undefined) return reply.code(404).send(noTrigger(request.params.id));
      return withHookPath(trigger);
    },
  );

  app.patch(
    '/api/triggers/:id',
    {
      schema: {
        tags: ['triggers'],
        summary: 'Edits a trigger: name, parameters, pipeline version, cron, time zone, paused',
        description:
          'A new cron expression or time zone, or a resume, schedules the next tick from now; ticks that fell while a schedule was paused are not run.',
        params: TriggerIdParams,
        body: PatchTriggerBody,
        response: { 200: TriggerSchema, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, async () => withHookPath(await app.triggers.update(request.params.id, request.body))),
  );

  app.delete(
    '/api/triggers/:id',
    {
      schema: {
        tags: ['triggers'],
        summary: 'Deletes a trigger and its fires (the runs it started stay)',
        params: TriggerIdParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      if (!(await app.triggers.remove(request.params.id))) return reply.code(404).send(noTrigger(request.params.id));
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/triggers/:id/secret',
    {
      schema: {
        tags: ['triggers'],
        summary: 'Gives a webhook a new secret, answered this once',
        description: 'Deliveries signed with the old secret are refused from now on.',
        params: TriggerIdParams,
        body: Type.Optional(RotateSecretBody),
        response: { 200: SecretSchema, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, () => ({ secret: app.triggers.rotateSecret(request.params.id, request.body?.secret) })),
  );

  app.get(
    '/api/triggers/:id/fires',
    {
      schema: {
        tags: ['triggers'],
        summary: 'A trigger’s fires, newest first: runs started, deliveries refused, ticks missed',
        params: TriggerIdParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) }),
        response: { 200: TriggerFireListSchema, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const fires = app.triggers.fires(request.params.id, request.query.limit);
      if (fires === undefined) return reply.code(404).send(noTrigger(request.params.id));
      return { fires };
    },
  );
};

function withHookPath(trigger: Trigger): Trigger & { hookPath?: string } {
  return trigger.kind === 'webhook' ? { ...trigger, hookPath: hookPath(trigger.id) } : trigger;
}

const noTrigger = (id: string) => ({ error: 'not-found', message: `no trigger "${id}"` });
