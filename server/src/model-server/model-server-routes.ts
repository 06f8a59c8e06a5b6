import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DEFAULT_MAX_ROWS,
  decodeInferRequest,
  decodeRowsRequest,
  encodeInferResponse,
  encodeRowsResponse,
  InferenceError,
  InferenceThreadError,
  ModelNotLoadedError,
  OverloadedError,
  RequestError,
  type Tensors,
} from '@loom/serving';
import type { FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
import {
  InferenceErrorSchema,
  InferenceModelParamsSchema,
  InferenceVersionParamsSchema,
  InferRequestSchema,
  InferResponseSchema,
  inferenceErrorResponses,
  LiveSchema,
  ModelMetadataSchema,
  ModelReadySchema,
  ReadySchema,
} from '../schemas/inference.ts';
import { loggedInputs, loggedRowPredictions, loggedTensorPredictions } from './inference-log.ts';
import type { InferenceLogEntry, RequestLogSink } from './request-log-types.ts';
import type { InferenceFacts, ServingMetrics } from './serving-metrics.ts';
import type { EndpointServing, Refusal, ServedVersion, ServingTable } from './serving-table.ts';

/** Options of {@link modelServerRoutes}. */
export interface ModelServerRoutesOptions {
  table: ServingTable;
  /** Rows one infer request may carry. @default DEFAULT_MAX_ROWS of @loom/serving (10,000) */
  maxRowsPerRequest?: number;
  /** Largest infer request body, in bytes. @default the app's `bodyLimit` */
  bodyLimit?: number;
  /** Told of every answered inference, synchronously; never awaited. */
  requestLog?: RequestLogSink;
  /** Counts every infer request: by status, latency, rows and in flight. */
  metrics?: ServingMetrics;
}

/** Seconds a client should wait before trying again, on a 503 that will pass. */
const RETRY_AFTER_SECONDS = '1';

/**
 * The Open Inference Protocol v2 routes (as KServe, Triton and MLServer serve them) for the endpoints
 * of a {@link ServingTable}: health, model metadata and readiness, and inference in the protocol's
 * tensor form or Loom's row form. Each request picks its version by the endpoint's routes (a canary
 * by the hash of its id) unless the path names one. Errors: 404 naming the unknown model or version,
 * 400 naming the input (`path`, `input`), 503 with `Retry-After` while not ready or overloaded, 500
 * when onnxruntime fails.
 */
export const modelServerRoutes: FastifyPluginAsyncTypebox<ModelServerRoutesOptions> = async (app, options) => {
  const { table, requestLog, metrics } = options;
  const maxRows = options.maxRowsPerRequest ?? DEFAULT_MAX_ROWS;
  if (!Number.isInteger(maxRows) || maxRows < 1) {
    throw new Error(`maxRowsPerRequest must be a positive whole number, not ${options.maxRowsPerRequest}`);
  }
  app.addSchema(InferenceErrorSchema);
  // Null on every request of this context; the infer handler sets it once a version is chosen.
  app.decorateRequest('loomInference', null);
  const counted: { onResponse?: onResponseHookHandler } = {};
  if (metrics !== undefined) {
    counted.onResponse = (request, reply, done) => {
      const facts = request.loomInference;
      const { name } = request.params as { name: string };
      // Only names with an endpoint become label values: any text can be sent as a model name.
      const model = facts?.model ?? (table.endpoint(name) === undefined ? '' : name);
      metrics.answered(model, facts, reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
  }
  const inferLimit = { ...counted, ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }) };

  app.get(
    '/v2/health/live',
    {
      schema: {
        tags: ['inference'],
        summary: 'Whether the model server answers',
        security: [],
        response: { 200: LiveSchema },
      },
    },
    async () => ({ live: true }),
  );

  app.get(
    '/v2/health/ready',
    {
      schema: {
        tags: ['inference'],
        summary: 'Whether every endpoint has a version serving',
        description:
          '503 (with `Retry-After`) until the first sync with the registry is done, and while an endpoint has no version that loaded.',
        security: [],
        response: { 200: ReadySchema, 503: ReadySchema },
      },
    },
    async (_request, reply) => {
      const readiness = table.readiness();
      if (readiness.ready) return { ready: true };
      return reply.code(503).header('retry-after', RETRY_AFTER_SECONDS).send(readiness);
    },
  );

  app.get(
    '/v2/models/:name',
    {
      schema: {
        tags: ['inference'],
        summary: "A model's metadata: the versions serving, its inputs and outputs",
        params: InferenceModelParamsSchema,
        response: { 200: ModelMetadataSchema, ...inferenceErrorResponses },
      },
    },
    async (request, reply) => {
      const found = table.lookup(request.params.name);
      if (!found.ok) return refuse(reply, found);
      const { endpoint, primary } = found;
      return withFailures({ ...primary.metadata, versions: servingVersions(endpoint) }, endpoint);
    },
  );

  app.get(
    '/v2/models/:name/versions/:version',
    {
      schema: {
        tags: ['inference'],
        summary: "One served version's metadata",
        params: InferenceVersionParamsSchema,
        response: { 200: ModelMetadataSchema, ...inferenceErrorResponses },
      },
    },
    async (request, reply) => {
      const found = table.resolve(request.params.name, request.params.version, undefined);
      if (!found.ok) return refuse(reply, found);
      return found.served.metadata;
    },
  );

  app.get(
    '/v2/models/:name/ready',
    {
      schema: {
        tags: ['inference'],
        summary: 'Whether a model has a version serving',
        params: InferenceModelParamsSchema,
        response: {
          200: ModelReadySchema,
          503: ModelReadySchema,
          401: inferenceErrorResponses[401],
          404: inferenceErrorResponses[404],
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const found = table.lookup(name);
      if (found.ok)
        return withFailures({ name, ready: true, versions: servingVersions(found.endpoint) }, found.endpoint);
      if (found.status === 404) return refuse(reply, found);
      const endpoint = table.endpoint(name);
      const body = { name, ready: false, versions: [], message: found.message };
      return reply
        .code(503)
        .header('retry-after', RETRY_AFTER_SECONDS)
        .send(endpoint === undefined ? body : withFailures(body, endpoint));
    },
  );

  app.get(
    '/v2/models/:name/versions/:version/ready',
    {
      schema: {
        tags: ['inference'],
        summary: 'Whether one version of a model is loaded and answers',
        params: InferenceVersionParamsSchema,
        response: {
          200: ModelReadySchema,
          503: ModelReadySchema,
          401: inferenceErrorResponses[401],
          404: inferenceErrorResponses[404],
        },
      },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      const found = table.resolve(name, version, undefined);
      const versionText = String(version);
      if (found.ok) return { name, version: versionText, ready: true, versions: [versionText] };
      if (found.status === 404) return refuse(reply, found);
      return reply
        .code(503)
        .header('retry-after', RETRY_AFTER_SECONDS)
        .send({ name, version: versionText, ready: false, versions: [], message: found.message });
    },
  );

  const inferSchema = {
    tags: ['inference'],
    body: InferRequestSchema,
    response: { 200: InferResponseSchema, ...inferenceErrorResponses },
  };

  app.post(
    '/v2/models/:name/infer',
    {
      ...inferLimit,
      schema: {
        ...inferSchema,
        summary: 'Predicts with the version the endpoint routes the request to',
        description:
          'The version is chosen by the endpoint’s routes: during a canary, by the hash of the request `id` (else the `x-request-id` header), so the same id always gets the same version; without an id, at random. The reply names it in `model_version` and the `x-loom-model-version` header.',
        params: InferenceModelParamsSchema,
      },
    },
    async (request, reply) => infer(request, reply, request.params.name, undefined),
  );

  app.post(
    '/v2/models/:name/versions/:version/infer',
    {
      ...inferLimit,
      schema: {
        ...inferSchema,
        summary: 'Predicts with one version, which must be loaded',
        params: InferenceVersionParamsSchema,
      },
    },
    async (request, reply) => infer(request, reply, request.params.name, request.params.version),
  );

  async function infer(
    request: FastifyRequest,
    reply: FastifyReply,
    model: string,
    version: number | undefined,
  ): Promise<FastifyReply | Record<string, unknown>> {
    const body = request.body as Record<string, unknown>;
    const requestId = idOf(body, request.headers['x-request-id']);
    // Echoed on errors too, so a client can match a refusal to what it sent.
    if (requestId !== undefined) reply.header('x-request-id', requestId);
    // From choosing the version to queueing the inference nothing awaits, so a sync cannot unload
    // the chosen version in between.
    const where = table.resolve(model, version, requestId);
    if (!where.ok) return refuse(reply, where);
    const { served } = where;
    const facts: InferenceFacts = {
      model,
      version: served.version,
      key: served.key,
      rows: 0,
      timing: { queueMs: Number.NaN, inferenceMs: Number.NaN },
    };
    request.loomInference = facts;
    const flight = metrics?.inFlight(model);
    if (flight !== undefined) flight.inFlight++;
    try {
      return await answer(request, reply, served, body, requestId, facts);
    } finally {
      if (flight !== undefined) flight.inFlight--;
    }
  }

  /** Decodes, infers, logs and encodes a request whose version is chosen (`facts`). */
  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    served: ServedVersion,
    body: Record<string, unknown>,
    requestId: string | undefined,
    facts: InferenceFacts,
  ): Promise<FastifyReply | Record<string, unknown>> {
    const { model } = facts;
    const rowForm = 'rows' in body;
    let decoded: { feeds: Tensors; rows: number; outputs?: string[] };
    try {
      decoded = rowForm
        ? decodeRowsRequest(body, served.metadata, { maxRows })
        : decodeInferRequest(body, served.metadata, { maxRows });
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      const refused: Record<string, unknown> = { statusCode: 400, error: 'bad-request', message: error.message };
      refused.path = error.path;
      if (error.input !== undefined) refused.input = error.input;
      return reply.code(400).send(refused);
    }
    facts.rows = decoded.rows;
    let outputs: Tensors;
    try {
      outputs = await table.infer(
        served,
        decoded.feeds,
        decoded.outputs ? { outputs: decoded.outputs, timing: facts.timing } : { timing: facts.timing },
      );
    } catch (error) {
      return answerInferenceFailure(reply, error);
    }
    const header = { modelName: model, modelVersion: String(served.version), id: requestId };
    const response = rowForm ? encodeRowsResponse(header, outputs, served.info) : encodeInferResponse(header, outputs);
    reply.header('x-loom-model-version', header.modelVersion);
    if (requestLog !== undefined) {
      try {
        const entry: InferenceLogEntry = {
          model,
          version: served.version,
          at: new Date(),
          // From the request arriving, as the duration metric counts it.
          latencyMs: reply.elapsedTime,
          inputs: loggedInputs(body, rowForm, served.metadata),
          predictions:
            'predictions' in response
              ? loggedRowPredictions(response.predictions)
              : loggedTensorPredictions(outputs, served.info, decoded.rows),
        };
        if (requestId !== undefined) entry.requestId = requestId;
        requestLog.record(entry);
      } catch (error) {
        // The log is for monitoring: a sink that throws must not fail the prediction it was told of.
        request.log.error({ err: error }, 'the request log refused an inference');
      }
    }
    return response as unknown as Record<string, unknown>;
  }
};

/** The request's id: the body's `id` when it is a string, else the `x-request-id` header. */
function idOf(body: Record<string, unknown>, header: string | string[] | undefined): string | undefined {
  if (typeof body.id === 'string') return body.id;
  const value = Array.isArray(header) ? header[0] : header;
  return value === undefined || value === '' ? undefined : value;
}

function refuse(reply: FastifyReply, refusal: Refusal) {
  if (refusal.error === 'not-ready') reply.header('retry-after', RETRY_AFTER_SECONDS);
  return reply
    .code(refusal.status)
    .send({ statusCode: refusal.status, error: refusal.error, message: refusal.message });
}

function answerInferenceFailure(reply: FastifyReply, error: unknown) {
  if (error instanceof OverloadedError) {
    return reply
      .code(503)
      .header('retry-after', RETRY_AFTER_SECONDS)
      .send({ statusCode: 503, error: 'overloaded', message: error.message });
  }
  if (error instanceof ModelNotLoadedError) {
    return reply
      .code(503)
      .header('retry-after', RETRY_AFTER_SECONDS)
      .send({ statusCode: 503, error: 'not-ready', message: error.message });
  }
  if (error instanceof InferenceError || error instanceof InferenceThreadError) {
    return reply.code(500).send({ statusCode: 500, error: 'inference-failed', message: error.message });
  }
  throw error;
}

function servingVersions(endpoint: EndpointServing): string[] {
  return endpoint.routes.map((share) => String(share.version));
}

function withFailures<T extends object>(body: T, endpoint: EndpointServing): T {
  if (endpoint.failures.length === 0) return body;
  const load_failures = endpoint.failures.map((failure) => ({
    version: String(failure.version),
    message: failure.message,
  }));
  return { ...body, load_failures };
}
