import { type Static, Type } from '@sinclair/typebox';
import { looseObject } from './common.ts';

const Operator = Type.Union([Type.Literal('>'), Type.Literal('>='), Type.Literal('<'), Type.Literal('<=')]);

export const MonitorRuleSchema = Type.Object(
  {
    metric: Type.String({
      minLength: 1,
      maxLength: 300,
      description:
        'A window metric (rows, drift_share, drifted_features, dataset_drift, prediction_drift, prediction_drifted, latency_p50_ms, latency_p99_ms) or a feature metric <drift_score|drifted|psi|null_rate|out_of_range|unseen>:<feature>.',
    }),
    op: Operator,
    threshold: Type.Number(),
    windows: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'Windows in a row the rule must hold. Default 1.' }),
    ),
  },
  { additionalProperties: false },
);

const ParameterValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

export const MonitorActionSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('run'),
      pipelineId: Type.String({ minLength: 1, maxLength: 200, description: 'The pipeline to run: the retrain.' }),
      version: Type.Optional(Type.Integer({ minimum: 1, description: 'Its version; default the latest at the time.' })),
      parameters: Type.Optional(Type.Record(Type.String(), ParameterValue)),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('webhook'),
      url: Type.String({
        maxLength: 2000,
        description: 'POSTed a JSON body signed with X-Loom-Signature; must start with a prefix in LOOM_WEBHOOK_ALLOW.',
      }),
    },
    { additionalProperties: false },
  ),
]);

const editable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  windowSeconds: Type.Integer({ minimum: 1, maximum: 30 * 86_400, description: 'Window length; default one hour.' }),
  drift: looseObject(
    'Drift options overriding the defaults: thresholds {wasserstein, jensenShannon, ks, chiSquared}, smallWindow, psi {warn, alert}, datasetShare, histogramBins, features {<name>: {method, thresholds, psi}}, prediction.',
  ),
  rules: Type.Array(MonitorRuleSchema, { maxItems: 50 }),
  actions: Type.Array(MonitorActionSchema, { maxItems: 20 }),
  paused: Type.Boolean(),
};

export const MonitorCreateSchema = Type.Object(
  {
    ...editable,
    name: Type.Optional(editable.name),
    model: Type.String({ minLength: 1, maxLength: 200, description: 'The model whose endpoint is watched.' }),
    windowSeconds: Type.Optional(editable.windowSeconds),
    drift: Type.Optional(editable.drift),
    rules: Type.Optional(editable.rules),
    actions: Type.Optional(editable.actions),
    paused: Type.Optional(editable.paused),
  },
  { additionalProperties: false },
);
export type MonitorCreateBody = Static<typeof MonitorCreateSchema>;

export const MonitorPatchSchema = Type.Partial(Type.Object(editable, { additionalProperties: false }));
export type MonitorPatchBody = Static<typeof MonitorPatchSchema>;

export const MonitorSchema = Type.Object({
  id: Type.String(),
  ...editable,
  model: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastWindowEnd: Type.Union([Type.String(), Type.Null()]),
});

export const MonitorCreatedSchema = Type.Object({
  monitor: MonitorSchema,
  webhookSecret: Type.String({ description: 'Signs this monitor’s webhook deliveries. Shown this once.' }),
});

export const MonitorListSchema = Type.Object({ monitors: Type.Array(MonitorSchema) });

export const MonitorWindowSchema = Type.Object({
  monitorId: Type.String(),
  start: Type.String(),
  end: Type.String(),
  status: Type.Union([Type.Literal('no_data'), Type.Literal('ok'), Type.Literal('drift'), Type.Literal('failed')]),
  rows: Type.Integer(),
  version: Type.Union([Type.Integer(), Type.Null()]),
  versions: Type.Record(Type.String(), Type.Integer()),
  metrics: Type.Record(Type.String(), Type.Number()),
  message: Type.Union([Type.String(), Type.Null()]),
  computedAt: Type.String(),
});

export const MonitorWindowListSchema = Type.Object({ windows: Type.Array(MonitorWindowSchema) });

const AlertActionResultSchema = Type.Object({
  kind: Type.Union([Type.Literal('run'), Type.Literal('webhook')]),
  target: Type.String(),
  ok: Type.Boolean(),
  runId: Type.Optional(Type.String()),
  status: Type.Optional(Type.Integer()),
  message: Type.Optional(Type.String()),
  at: Type.String(),
});

export const AlertSchema = Type.Object({
  id: Type.String(),
  monitorId: Type.String(),
  model: Type.String(),
  ruleIndex: Type.Integer(),
  rule: MonitorRuleSchema,
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  value: Type.Number(),
  openedAt: Type.String(),
  firstWindow: Type.String(),
  lastWindow: Type.String(),
  resolvedAt: Type.Union([Type.String(), Type.Null()]),
  actions: Type.Array(AlertActionResultSchema),
});

export const AlertListSchema = Type.Object({ alerts: Type.Array(AlertSchema) });

export const MonitorParamsSchema = Type.Object({ id: Type.String({ maxLength: 100 }) });
export const WindowParamsSchema = Type.Object({
  id: Type.String({ maxLength: 100 }),
  start: Type.String({ maxLength: 40 }),
});
