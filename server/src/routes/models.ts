import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { environmentKubernetesEndpoints, reapplyKubernetesEndpoint } from '../models/kubernetes-deploy.ts';
import { registerOnnxArtifact } from '../models/onnx-registration.ts';
import { errorResponses } from '../schemas/common.ts';
import {
  AliasMoveSchema,
  ChangeBodySchema,
  ModelAliasParamsSchema,
  ModelDetailSchema,
  ModelEventListSchema,
  ModelListSchema,
  ModelNameParamsSchema,
  ModelVersionListSchema,
  ModelVersionParamsSchema,
  ModelVersionSchema,
  RegisteredVersionSchema,
  RegisterVersionBodySchema,
  SetAliasBodySchema,
} from '../schemas/models.ts';
import { answerRefusals } from './model-registry-reply.ts';

const noModel = (name: string) => ({ error: 'not-found', message: `no model "${name}"` });

/**
 * The model registry: models with numbered versions (each an ONNX artifact with its input schema,
 * metrics and provenance), aliases that point at versions, and the history of every change.
 */
export const modelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/models',
    {
      schema: {
        tags: ['models'],
        summary: 'Lists registered models',
        response: { 200: ModelListSchema, ...errorResponses(401) },
      },
    },
    async () => ({ models: app.store.listModels() }),
  );

  app.get(
    '/api/models/:name',
    {
      schema: {
        tags: ['models'],
        summary: 'A model: its aliases, its latest version and its endpoint',
        params: ModelNameParamsSchema,
        response: { 200: ModelDetailSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const model = app.store.getModel(name);
      if (model === undefined) return reply.code(404).send(noModel(name));
      return { ...model, endpoint: app.store.getEndpoint(name) ?? null };
    },
  );

  app.get(
    '/api/models/:name/versions',
    {
      schema: {
        tags: ['models'],
        summary: "A model's versions, newest first",
        params: ModelNameParamsSchema,
        response: { 200: ModelVersionListSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const versions = app.store.listModelVersions(name);
      if (versions === undefined) return reply.code(404).send(noModel(name));
      return { model: name, versions };
    },
  );

  app.post(
    '/api/models/:name/versions',
    {
      schema: {
        tags: ['models'],
        summary: 'Registers an ONNX artifact as the next version of a model',
        description:
          'Creates the model with its first version. The input schema, outputs, task and classes are read from the ONNX file’s Loom metadata. Registering an ONNX file the model already has answers 200 with that version and changes nothing.',
        params: ModelNameParamsSchema,
        body: RegisterVersionBodySchema,
        response: { 200: RegisteredVersionSchema, 201: RegisteredVersionSchema, ...errorResponses(400, 401, 413) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, async () => {
        const { name } = request.params;
        const registered = await registerOnnxArtifact(app.store, app.artifacts, { ...request.body, model: name });
        if (!registered.created) return reply.code(200).send(registered);
        app.modelServing?.notify();
        return reply
          .code(201)
          .header('location', `/api/models/${name}/versions/${registered.version.version}`)
          .send(registered);
      }),
  );

  app.get(
    '/api/models/:name/versions/:version',
    {
      schema: {
        tags: ['models'],
        summary: 'One version of a model',
        params: ModelVersionParamsSchema,
        response: { 200: ModelVersionSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      const found = app.store.getModelVersion(name, version);
      if (found !== undefined) return found;
      if (app.store.getModel(name) === undefined) return reply.code(404).send(noModel(name));
      return reply.code(404).send({ error: 'not-found', message: `model "${name}" has no version ${version}` });
    },
  );

  app.get(
    '/api/models/:name/versions/:version/baseline',
    {
      schema: {
        tags: ['models'],
        summary: 'The training baseline of a version',
        description:
          'The profile of the raw inputs and the predictions over the training rows (a `loom.profile`): per number column its mean, std, min/max, null count, reference quantiles and decile bins; per text column its most frequent values. 404 when the version has none (trained before baselines existed).',
        params: ModelVersionParamsSchema,
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      const baseline = app.store.getModelBaseline(name, version);
      if (baseline !== undefined) return baseline;
      if (app.store.getModel(name) === undefined) return reply.code(404).send(noModel(name));
      if (app.store.getModelVersion(name, version) === undefined) {
        return reply.code(404).send({ error: 'not-found', message: `model "${name}" has no version ${version}` });
      }
      return reply.code(404).send({
        error: 'not-found',
        message: `version ${version} of model "${name}" has no training baseline: it was trained before Loom kept baselines; retrain it to monitor drift`,
      });
    },
  );

  app.delete(
    '/api/models/:name/versions/:version',
    {
      schema: {
        tags: ['models'],
        summary: 'Deletes a version',
        description:
          'Refused (409, naming them) while an alias points at it or the endpoint sends it traffic. Its number is never given again.',
        params: ModelVersionParamsSchema,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, () => {
        app.store.deleteModelVersion(request.params.name, request.params.version);
        app.modelServing?.notify();
        return reply.code(204).send();
      }),
  );

  app.put(
    '/api/models/:name/aliases/:alias',
    {
      schema: {
        tags: ['models'],
        summary: 'Points an alias at a version',
        description: 'Creates the alias or moves it: one `alias.moved` event, none when it already points there.',
        params: ModelAliasParamsSchema,
        body: SetAliasBodySchema,
        response: { 200: AliasMoveSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, async () => {
        const { name, alias } = request.params;
        const move = app.store.setAlias(name, alias, request.body.version, request.body.by);
        // Answered once the embedded model server serves the move (or has kept the old version, when
        // the new one fails to load), so a request sent after this reply goes where the alias points.
        if (move.moved) await app.modelServing?.sync();
        return move;
      }),
  );

  app.delete(
    '/api/models/:name/aliases/:alias',
    {
      schema: {
        tags: ['models'],
        summary: 'Removes an alias',
        description: 'Refused (409) while the model’s endpoint serves the alias.',
        params: ModelAliasParamsSchema,
        response: { 204: { type: 'null', description: 'Removed.' }, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, () => {
        app.store.removeAlias(request.params.name, request.params.alias);
        app.modelServing?.notify();
        return reply.code(204).send();
      }),
  );

  app.post(
    '/api/models/:name/aliases/:alias/rollback',
    {
      schema: {
        tags: ['models'],
        summary: 'Moves an alias back to its previous version',
        description:
          'One `alias.moved` event; rolling back again goes one further back. A canary split on the endpoint serving the alias is cleared, so only the version rolled back to serves. Refused (409) when the alias has no earlier version, or it was deleted. An endpoint deployed to Kubernetes has its Deployment re-applied with the routes rolled back to, and the answer waits for its rollout (409 naming the reason when it fails; the alias stays rolled back).',
        params: ModelAliasParamsSchema,
        body: Type.Optional(ChangeBodySchema),
        response: { 200: AliasMoveSchema, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, async () => {
        const move = app.store.rollback(request.params.name, request.params.alias, request.body?.by);
        // As for a move: a request sent after this reply gets the version rolled back to.
        await app.modelServing?.sync();
        // An endpoint on Kubernetes has its pods pinned to versions: they follow only once re-applied.
        if (move.moved && app.store.getEndpoint(request.params.name)?.alias === request.params.alias) {
          const reapplied = await reapplyKubernetesEndpoint(
            app.store,
            app.config.kubernetesEndpoints ?? environmentKubernetesEndpoints,
            request.params.name,
          );
          if (reapplied !== undefined) request.log.info(`rollback of ${request.params.name}: ${reapplied}`);
        }
        return move;
      }),
  );

  app.get(
    '/api/models/:name/events',
    {
      schema: {
        tags: ['models'],
        summary: "A model's history: registrations, alias moves and removals, deletions",
        params: ModelNameParamsSchema,
        response: { 200: ModelEventListSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const events = app.store.listModelEvents(name);
      if (events === undefined) return reply.code(404).send(noModel(name));
      return { model: name, events };
    },
  );
};
