import {
  ALIAS_PATTERN,
  type ArtifactRef,
  type DeployRequest,
  defineNode,
  input,
  type Metrics,
  MODEL_NAME_PATTERN,
  NodeError,
  output,
  type StepContext,
  Type,
} from '@loom/sdk';

const MetricRule = Type.Object(
  {
    metric: Type.String({ minLength: 1, description: 'A metric of the connected metrics, e.g. `accuracy`.' }),
    min: Type.Optional(Type.Number({ description: 'The lowest value that may deploy (inclusive).' })),
    max: Type.Optional(Type.Number({ description: 'The highest value that may deploy (inclusive).' })),
  },
  { additionalProperties: false },
);

const DESCRIPTION =
  "Registers the ONNX model as the next version of a named model and points the model's endpoint (`/v2/models/{model}` on the model server) at it: all of its traffic, or a canary share beside the version the alias serves now. Deploying the same model again changes nothing.";

const inputs = {
  onnx: input('onnx', { description: 'The model to serve, from export.onnx.' }),
  metrics: input('metrics', {
    required: false,
    description:
      'The validation that gated it (validate.model): kept with the version, and checked by require_metrics.',
  }),
};

const outputs = {
  endpoint: output('endpoint', { description: 'Where the deployed version answers, its number and its alias.' }),
};

/** The parameters of 1.0.0, which 1.1.0 keeps as they were. */
const deployParams = {
  model: Type.String({
    pattern: MODEL_NAME_PATTERN,
    description:
      'The model’s name in the registry, which is also its endpoint’s: letters, digits, `.`, `_` and `-`, starting with a letter or digit.',
  }),
  alias: Type.String({
    pattern: ALIAS_PATTERN,
    default: 'production',
    description: 'The alias the endpoint serves, e.g. `production` or `staging`.',
  }),
  traffic_percent: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 100,
    description:
      'The share of the endpoint’s requests the new version gets. 100 moves the alias to it; less, while the alias serves another version, starts a canary: the alias stays and the endpoint splits its requests between the two.',
  }),
  require_metrics: Type.Array(MetricRule, {
    default: [],
    description:
      'Bounds the connected metrics must meet for the model to deploy, like core.metrics_gate’s rules. Any rule needs the metrics input connected.',
  }),
};

/**
 * 1.1.0 adds `target`: `kubernetes` has the Loom server apply the endpoint as a Deployment, Service and
 * HPA of its own in its cluster and wait for the rollout (a failed one moves the alias back and fails
 * the step). The node still only calls `ctx.models.deploy`: the server owns the registry, the alias and
 * the cluster credentials. A 1.0.0 document upgrades unchanged, `target` taking its default `local`.
 */
export const deployEndpoint = defineNode({
  type: 'deploy.endpoint',
  version: '1.1.0',
  title: 'Deploy endpoint',
  description: `${DESCRIPTION} With target kubernetes the endpoint runs as a Deployment of its own in the Loom server’s cluster.`,
  category: 'deploy',
  inputs,
  params: Type.Object({
    ...deployParams,
    target: Type.Union([Type.Literal('local'), Type.Literal('kubernetes')], {
      default: 'local',
      description:
        'Where the endpoint runs: `local`, the Loom server’s model server; `kubernetes`, a Deployment, Service and autoscaler of its own that the Loom server applies to its cluster (the server must be configured for it) and waits for; a rollout that fails moves the alias back.',
    }),
  }),
  outputs,
  async run(ctx) {
    return deploy(ctx, ctx.params, ctx.params.target);
  },
});

/** The first version: always the local model server. Kept so that documents pinned to it run as they did. */
export const deployEndpointV1 = defineNode({
  type: 'deploy.endpoint',
  version: '1.0.0',
  title: 'Deploy endpoint',
  description: DESCRIPTION,
  category: 'deploy',
  inputs,
  params: Type.Object(deployParams),
  outputs,
  async run(ctx) {
    return deploy(ctx, ctx.params, undefined);
  },
});

type DeployParams = { model: string; alias: string; traffic_percent: number; require_metrics: Rule[] };
type DeployContext = Pick<
  StepContext<unknown, { onnx: ArtifactRef; metrics?: Metrics | undefined }>,
  'inputs' | 'metric' | 'models' | 'log'
>;

async function deploy(ctx: DeployContext, params: DeployParams, target: DeployRequest['target']) {
  const { model, alias, traffic_percent: trafficPercent, require_metrics: rules } = params;
  const metrics = ctx.inputs.metrics;
  checkRules(rules, metrics, (name, value) => ctx.metric(name, value));
  const deployed = await ctx.models.deploy({
    model,
    alias,
    onnx: ctx.inputs.onnx,
    trafficPercent,
    ...(metrics === undefined ? {} : { metrics }),
    ...(target === undefined ? {} : { target }),
  });
  const split = deployed.traffic.map((share) => `v${share.version} ${share.percent}%`).join(', ');
  ctx.log.info(
    deployed.created
      ? `registered ${model} version ${deployed.version}; ${alias} serves ${split} at ${deployed.url}`
      : `${model} already held this model as version ${deployed.version}; ${alias} serves ${split} at ${deployed.url}`,
    { model, version: deployed.version, created: deployed.created, traffic: deployed.traffic },
  );
  ctx.metric('version', deployed.version);
  return { endpoint: { url: deployed.url, model, version: deployed.version, alias } };
}

type Rule = { metric: string; min?: number; max?: number };

/** Refuses (not retryable: the same metrics fail again) when a rule fails or there are no metrics to check. */
function checkRules(
  rules: readonly Rule[],
  metrics: Metrics | undefined,
  report: (name: string, value: number) => void,
) {
  if (rules.length === 0) return;
  if (metrics === undefined) {
    throw new NodeError(
      `require_metrics checks ${rules.map((r) => `"${r.metric}"`).join(', ')}, but no metrics are connected: connect validate.model's metrics to the metrics input`,
      { retryable: false },
    );
  }
  const problems: string[] = [];
  for (const rule of rules) {
    const found = metrics[rule.metric];
    if (typeof found !== 'number') {
      problems.push(`metric "${rule.metric}" is ${found === undefined ? 'missing' : 'not a number'}`);
      continue;
    }
    report(rule.metric, found);
    if (rule.min === undefined && rule.max === undefined)
      problems.push(`rule for "${rule.metric}" sets neither min nor max`);
    if (rule.min !== undefined && found < rule.min)
      problems.push(`${rule.metric} = ${found} is below the minimum ${rule.min}`);
    if (rule.max !== undefined && found > rule.max)
      problems.push(`${rule.metric} = ${found} is above the maximum ${rule.max}`);
  }
  if (problems.length > 0) throw new NodeError(`not deployed: ${problems.join('; ')}`, { retryable: false });
}
