import { Type } from '@sinclair/typebox';
import { MODEL_NAME_PATTERN } from '../store/model-names.ts';
import { ErrorSchema, looseObject, ProblemSchema } from './common.ts';

const ModelName = Type.String({ pattern: MODEL_NAME_PATTERN, description: 'The model (its endpoint has its name).' });
const VersionNumber = Type.Integer({ minimum: 1, description: 'One version of the model, served or not.' });

export const InferenceModelParamsSchema = Type.Object({ name: ModelName });
export const InferenceVersionParamsSchema = Type.Object({ name: ModelName, version: VersionNumber });

export const LiveSchema = Type.Object({ live: Type.Boolean() });

export const ReadySchema = Type.Object({
  ready: Type.Boolean(),
  message: Type.Optional(Type.String({ description: 'Why not, when not ready: what is loading or failed to load.' })),
});

const LoadFailureSchema = Type.Object({
  version: Type.String(),
  message: Type.String({ description: 'Why it failed to load; it takes no traffic.' }),
});

const TensorMetadataSchema = Type.Object({
  name: Type.String(),
  datatype: Type.String({ description: '`FP32`, `FP64`, `INT64`, `BYTES`, …' }),
  shape: Type.Array(Type.Integer(), { description: '-1: any number of rows.' }),
});

export const ModelMetadataSchema = Type.Object({
  name: Type.String(),
  versions: Type.Array(Type.String(), { description: 'The versions that take requests now.' }),
  platform: Type.Literal('onnxruntime'),
  inputs: Type.Array(TensorMetadataSchema, { description: 'One `[-1, 1]` input per source column.' }),
  outputs: Type.Array(TensorMetadataSchema),
  load_failures: Type.Optional(
    Type.Array(LoadFailureSchema, {
      description: 'Versions the endpoint asks for that failed to load: the versions above serve instead.',
    }),
  ),
});

export const ModelReadySchema = Type.Object({
  name: Type.String(),
  version: Type.Optional(Type.String()),
  ready: Type.Boolean(),
  versions: Type.Array(Type.String(), { description: 'The versions that take requests now.' }),
  message: Type.Optional(Type.String({ description: 'Why not, when not ready.' })),
  load_failures: Type.Optional(Type.Array(LoadFailureSchema)),
});

export const InferRequestSchema = looseObject(
  'Open Inference Protocol v2: `{ id?, inputs: [{ name, shape, datatype, data }], outputs?: [{ name }] }`, one ' +
    '`[rows, 1]` tensor per input column (see the metadata). Or Loom’s row form: `{ id?, rows: [{ column: value }] }`, ' +
    'every row naming every input column (null for a missing value). The `id` (else the `x-request-id` header) ' +
    'picks the version of a canary split: the same id always goes to the same version.',
);

export const InferResponseSchema = looseObject(
  'Open Inference Protocol v2: `{ model_name, model_version, id?, outputs: [{ name, shape, datatype, data }] }`. ' +
    'For the row form: `{ model_name, model_version, id?, predictions: [{ label, probabilities: { class: p } } | { value }] }`.',
);

/**
 * An inference error: `error` is a stable code (`bad-request`, `not-found`, `not-ready`, `load-failed`,
 * `overloaded`, `inference-failed`), `message` says what; a 400 adds `path` into the body and the
 * `input` concerned.
 */
export const InferenceErrorSchema = Type.Object(
  {
    statusCode: Type.Optional(Type.Integer()),
    error: Type.String(),
    message: Type.String(),
    path: Type.Optional(Type.String({ description: 'Where in the body: `inputs[1].data[7]`, `rows[3].age`.' })),
    input: Type.Optional(Type.String({ description: 'The model input concerned.' })),
    problems: Type.Optional(
      Type.Array(Type.Ref(ProblemSchema), {
        description: 'When the request is not even a JSON object, or a path parameter is wrong.',
      }),
    ),
  },
  { $id: 'InferenceError' },
);

const inferenceError = (description: string) => Type.Ref(InferenceErrorSchema, { description });

/** The error replies of the inference routes, for their schemas. */
export const inferenceErrorResponses = {
  400: inferenceError('The request does not fit the model: `path` and `input` say where.'),
  401: Type.Ref(ErrorSchema, { description: 'The server needs an API token: `Authorization: Bearer <token>`.' }),
  404: inferenceError('No such model, endpoint or served version.'),
  413: Type.Ref(ErrorSchema, { description: 'The request body is larger than the limit.' }),
  500: inferenceError('onnxruntime failed to run the model.'),
  503: inferenceError('Not ready, the version failed to load, or overloaded: try again after `Retry-After` seconds.'),
};
