import { Type } from '@sinclair/typebox';
import { ALIAS_PATTERN } from '../store/model-names.ts';

export const DeploymentBodySchema = Type.Object(
  {
    onnx: Type.String({
      pattern: '^[0-9a-f]{64}$',
      description: 'The sha256 of a Loom ONNX file already in the artifact store (an `export.onnx` output).',
    }),
    alias: Type.String({
      pattern: ALIAS_PATTERN,
      description: 'The alias the model’s endpoint serves, e.g. `production`.',
    }),
    trafficPercent: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        description:
          'The share of the endpoint’s requests the version gets (default 100). 100 moves the alias to it; less, while the alias points at another version, starts a canary: the alias stays and the endpoint splits its requests between the two.',
      }),
    ),
    metrics: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: 'The validation that gated the version.' }),
    ),
    description: Type.Optional(
      Type.String({ maxLength: 2000, description: 'The model’s description, when this is its first version.' }),
    ),
    provenance: Type.Optional(
      Type.Object(
        {
          runId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          stepId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        },
        {
          additionalProperties: false,
          description: 'The run and step that made the ONNX file; the run’s pipeline and version are looked up.',
        },
      ),
    ),
    by: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Who deployed, for the model’s history.' }),
    ),
    target: Type.Optional(
      Type.Union([Type.Literal('local'), Type.Literal('kubernetes')], {
        description:
          'Where the endpoint runs (default `local`, this server’s model server). `kubernetes`: the server applies a Deployment, Service and HPA for it to its cluster (LOOM_KUBERNETES_ENDPOINT_*) and answers once the rollout completes; a failed rollout moves the alias back and answers 409 (workers do not retry it); a server without Kubernetes configuration answers 400.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const DeploymentSchema = Type.Object({
  model: Type.String(),
  version: Type.Integer({ description: 'The version that holds the ONNX file.' }),
  created: Type.Boolean({ description: 'False when the model held this ONNX file already.' }),
  alias: Type.String(),
  previousVersion: Type.Optional(
    Type.Integer({ description: 'The version the alias pointed at before, when it was another one.' }),
  ),
  traffic: Type.Array(Type.Object({ version: Type.Integer(), percent: Type.Integer() }), {
    description: 'Where the endpoint’s requests go now.',
  }),
  url: Type.String({ description: 'The endpoint on the model server: `<address>/v2/models/<model>`.' }),
});
