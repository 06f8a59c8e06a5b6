import { Type } from '@sinclair/typebox';
import { ALIAS_PATTERN, MODEL_NAME_PATTERN } from '../store/model-names.ts';

const ModelName = Type.String({
  pattern: MODEL_NAME_PATTERN,
  description: 'A model name: letters, digits, `.`, `_` and `-`, starting with a letter or digit.',
});
const Alias = Type.String({
  pattern: ALIAS_PATTERN,
  description: 'An alias such as `production`: letters, digits, `_` and `-`, starting with a letter.',
});
const VersionNumber = Type.Integer({ minimum: 1, description: 'A version of the model; the first is 1.' });
const By = Type.String({ minLength: 1, maxLength: 200, description: 'Who made the change, for the model’s history.' });
const JsonObject = (description: string) =>
  Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], { description });

export const ModelNameParamsSchema = Type.Object({ name: ModelName });
export const ModelVersionParamsSchema = Type.Object({ name: ModelName, version: VersionNumber });
export const ModelAliasParamsSchema = Type.Object({ name: ModelName, alias: Alias });
export const EndpointParamsSchema = Type.Object({ model: ModelName });

const ValueKind = Type.Union([Type.Literal('number'), Type.Literal('string')]);

export const ModelVersionSchema = Type.Object({
  model: Type.String(),
  version: Type.Integer(),
  onnxSha256: Type.String({ description: 'The ONNX file in the artifact store (`GET /api/artifacts/{sha256}`).' }),
  onnxSize: Type.Integer({ description: 'Its size in bytes.' }),
  inputs: Type.Array(Type.Object({ name: Type.String(), kind: ValueKind }), {
    description: 'The raw source columns the model takes, each an [N, 1] tensor (float, NaN for NULL; or string).',
  }),
  outputs: Type.Array(
    Type.Object({
      name: Type.String(),
      kind: ValueKind,
      shape: Type.Array(Type.Integer(), { description: '-1 for the row dimension.' }),
    }),
  ),
  task: Type.Union([Type.Literal('classification'), Type.Literal('regression')]),
  label: Type.String({ description: 'The column the model predicts.' }),
  labelKind: ValueKind,
  classes: Type.Optional(
    Type.Union([Type.Array(Type.String()), Type.Array(Type.Number())], {
      description: 'Classification: the class labels, in the order of the probabilities.',
    }),
  ),
  trainedBy: Type.String({ description: 'The node type that trained it.' }),
  lineage: JsonObject('How the inputs became the features, as the training step reported it.'),
  metrics: JsonObject('The metrics of the validation that gated this version.'),
  provenance: Type.Object({
    pipelineId: Type.Union([Type.String(), Type.Null()]),
    pipelineVersion: Type.Union([Type.Integer(), Type.Null()]),
    runId: Type.Union([Type.String(), Type.Null()]),
    stepId: Type.Union([Type.String(), Type.Null()]),
  }),
  createdAt: Type.String(),
  aliases: Type.Array(Type.String(), { description: 'The aliases pointing at this version.' }),
  hasBaseline: Type.Boolean({
    description:
      'Whether the version carries a training baseline (GET …/baseline) that monitors compare its traffic with.',
  }),
});

const ModelAliasSchema = Type.Object({ alias: Type.String(), version: Type.Integer(), updatedAt: Type.String() });

const ModelSummarySchema = Type.Object({
  name: Type.String(),
  description: Type.String(),
  createdAt: Type.String(),
  latestVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'Null when every version was deleted.' }),
  versionCount: Type.Integer(),
  aliases: Type.Array(ModelAliasSchema),
});

const TrafficShareSchema = Type.Object({
  version: VersionNumber,
  percent: Type.Integer({ minimum: 0, maximum: 100, description: 'The share of requests, in percent.' }),
});

export const EndpointSchema = Type.Object({
  model: Type.String(),
  alias: Type.String({ description: 'The alias the endpoint serves.' }),
  traffic: Type.Array(TrafficShareSchema, { description: 'The split as set; empty when it follows its alias.' }),
  routes: Type.Array(TrafficShareSchema, { description: 'Where requests go now.' }),
  updatedAt: Type.String(),
});

export const ModelListSchema = Type.Object({ models: Type.Array(ModelSummarySchema, { description: 'By name.' }) });

export const ModelDetailSchema = Type.Composite([
  ModelSummarySchema,
  Type.Object({ endpoint: Type.Union([EndpointSchema, Type.Null()]) }),
]);

export const ModelVersionListSchema = Type.Object({
  model: Type.String(),
  versions: Type.Array(ModelVersionSchema, { description: 'Newest first.' }),
});

export const RegisterVersionBodySchema = Type.Object(
  {
    onnx: Type.String({
      pattern: '^[0-9a-f]{64}$',
      description: 'The sha256 of a Loom ONNX file already in the artifact store (an `export.onnx` output).',
    }),
    description: Type.Optional(
      Type.String({ maxLength: 2000, description: 'The model’s description, when this is its first version.' }),
    ),
    lineage: Type.Optional(JsonObject('How the inputs became the features.')),
    metrics: Type.Optional(JsonObject('The metrics of the validation that gated this version.')),
    provenance: Type.Optional(
      Type.Object(
        {
          pipelineId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
          pipelineVersion: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
          runId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
          stepId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
        },
        { additionalProperties: false, description: 'The pipeline, run and step that made the ONNX file.' },
      ),
    ),
    by: Type.Optional(By),
  },
  { additionalProperties: false },
);

export const RegisteredVersionSchema = Type.Object({
  created: Type.Boolean({ description: 'False when the same ONNX was registered before: `version` is that one.' }),
  version: ModelVersionSchema,
});

export const SetAliasBodySchema = Type.Object(
  { version: VersionNumber, by: Type.Optional(By) },
  { additionalProperties: false },
);

export const ChangeBodySchema = Type.Object({ by: Type.Optional(By) }, { additionalProperties: false });

export const AliasMoveSchema = Type.Object({
  alias: Type.String(),
  version: Type.Integer(),
  previousVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'Null when the alias is new.' }),
  moved: Type.Boolean({ description: 'False when the alias already pointed at the version (nothing recorded).' }),
  updatedAt: Type.String(),
});

export const ModelEventListSchema = Type.Object({
  model: Type.String(),
  events: Type.Array(
    Type.Object({
      id: Type.Integer(),
      model: Type.String(),
      kind: Type.Union([
        Type.Literal('version.registered'),
        Type.Literal('alias.moved'),
        Type.Literal('alias.removed'),
        Type.Literal('version.deleted'),
      ]),
      alias: Type.Optional(Type.String()),
      fromVersion: Type.Optional(Type.Integer()),
      toVersion: Type.Optional(Type.Integer()),
      rollbackOf: Type.Optional(Type.Integer({ description: 'On a rollback: the event it undid.' })),
      at: Type.String(),
      by: Type.Optional(Type.String()),
    }),
    { description: 'Newest first.' },
  ),
});

export const EndpointListSchema = Type.Object({ endpoints: Type.Array(EndpointSchema, { description: 'By model.' }) });

export const EndpointBodySchema = Type.Object(
  {
    alias: Alias,
    traffic: Type.Optional(
      Type.Array(TrafficShareSchema, {
        maxItems: 100,
        description:
          'A split over versions whose percents sum to 100, e.g. a canary `[{version: 2, percent: 10}, {version: 1, percent: 90}]`. Empty or left out: every request goes to the alias’s version.',
      }),
    ),
  },
  { additionalProperties: false },
);
