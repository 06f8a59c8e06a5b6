import { defineNode, input, MAX_TRAFFIC_SECONDS, NodeError, output, Type } from '@loom/sdk';
import { driftOutcome, measureTableDrift, noDataReport, readMonitoredModel } from './measure-drift.ts';

/** The parameters of every version: how drift is measured and what it does to the step. */
const driftParams = {
  wasserstein_threshold: Type.Number({
    default: 0.1,
    exclusiveMinimum: 0,
    description: 'A number feature drifts at or above this normalized Wasserstein distance (large windows).',
  }),
  jensen_shannon_threshold: Type.Number({
    default: 0.1,
    exclusiveMinimum: 0,
    maximum: 1,
    description: 'A category feature drifts at or above this Jensen–Shannon distance (large windows).',
  }),
  p_value: Type.Number({
    default: 0.05,
    exclusiveMinimum: 0,
    exclusiveMaximum: 1,
    description: 'Small windows: a feature drifts when the KS or chi-squared test’s p-value is below this.',
  }),
  small_window: Type.Integer({
    default: 1000,
    minimum: 1,
    description: 'Features with at most this many values are tested (KS, chi-squared) instead of measured by distance.',
  }),
  dataset_share: Type.Number({
    default: 0.5,
    exclusiveMinimum: 0,
    maximum: 1,
    description: 'The dataset drifts when at least this share of its features drift.',
  }),
  fail_on_drift: Type.Boolean({
    default: false,
    description: 'Fail the step when the dataset drifts, so that nothing downstream (a deploy) runs.',
  }),
};

const modelInput = input('model', {
  description: 'A model from a train node: its training baseline is the reference.',
});

const driftOutputs = {
  metrics: output('metrics', {
    description:
      'rows, drift_share, drifted_features, dataset_drift, prediction_drift, and per feature drift_score:<name>, drifted:<name>, psi:<name>, null_rate:<name>, out_of_range:<name>, unseen:<name> — the names monitor rules read. A window without rows has rows 0 and nothing else: it is not a window without drift.',
  }),
  report: output('json', {
    description:
      'The full drift report: status (ok, drift or no_data), per feature method, score, quality and histograms; with an endpoint, the window read.',
  }),
};

const DESCRIPTION =
  "Measures how far current data has drifted from the data the model was trained on (its training baseline): per feature normalized Wasserstein or Jensen–Shannon distance above the small-window size, the KS or chi-squared test at or below it, PSI, data quality, and the drift of the model's predictions on the current rows. The dataset drifts when the given share of its features do.";

/**
 * 1.1.0 reads the current data from an endpoint too: connected to a `deploy.endpoint`, it measures the
 * requests the deployed version answered in the last `window_seconds` (through `ctx.models.traffic`).
 * Not cacheable: with an endpoint its result depends on when it runs, which no cache key can say, and
 * measuring a table takes milliseconds, so re-running it with a table costs next to nothing.
 */
export const monitorDrift = defineNode({
  type: 'monitor.drift',
  version: '1.1.0',
  title: 'Data drift',
  description: `${DESCRIPTION} The current data is a table, or the recent requests of an endpoint: connect exactly one.`,
  category: 'monitor',
  inputs: {
    current: input('table', {
      required: false,
      description: 'Current data with the model’s raw input columns. Connect this or endpoint.',
    }),
    endpoint: input('endpoint', {
      required: false,
      description:
        'A deployed endpoint (deploy.endpoint): the requests its version answered in the last window_seconds. Connect this or current.',
    }),
    model: modelInput,
  },
  params: Type.Object({
    ...driftParams,
    window_seconds: Type.Integer({
      default: 3600,
      minimum: 1,
      maximum: MAX_TRAFFIC_SECONDS,
      description: 'With an endpoint: how far back from now its requests are read, in seconds (at most 30 days).',
    }),
  }),
  outputs: driftOutputs,
  resources: { memoryMb: 2048 },
  cacheable: false,
  async run(ctx) {
    const { current, endpoint } = ctx.inputs;
    if ((current === undefined) === (endpoint === undefined)) {
      throw new NodeError(
        current === undefined
          ? 'connect the current data: either current (a table) or endpoint (a deploy.endpoint output)'
          : 'connect current (a table) or endpoint (a deploy.endpoint output), not both: which one would be measured?',
        { retryable: false },
      );
    }
    const monitored = await readMonitoredModel(ctx.inputs.model.path);
    if (current !== undefined) {
      const report = await measureTableDrift(
        monitored,
        current.path,
        'the current table',
        ctx.params,
        ctx.log,
        ctx.signal,
      );
      return driftOutcome(report, monitored.baseline, ctx.params, ctx);
    }
    const { model, version } = endpoint as NonNullable<typeof endpoint>;
    const traffic = await ctx.models.traffic({ model, seconds: ctx.params.window_seconds, version });
    const window = {
      endpoint: model,
      version,
      start: traffic.start,
      end: traffic.end,
      versions: traffic.versions,
    };
    const what = `the traffic of endpoint "${model}" v${version}`;
    if (traffic.rows === 0) {
      const others = Object.entries(traffic.versions).map(([v, n]) => `v${v} ${n}`);
      const reason =
        `endpoint "${model}" v${version} answered no requests from ${traffic.start} to ${traffic.end}` +
        (others.length > 0 ? ` (rows of other versions: ${others.join(', ')})` : '');
      return driftOutcome(noDataReport(monitored.baseline, reason, ctx.params), monitored.baseline, ctx.params, ctx, {
        window,
      });
    }
    if (traffic.missingInputs.length > 0)
      ctx.log.warn(`the request log has no column for ${traffic.missingInputs.join(', ')}`);
    const report = await measureTableDrift(monitored, traffic.table.path, what, ctx.params, ctx.log, ctx.signal);
    return driftOutcome(report, monitored.baseline, ctx.params, ctx, { window });
  },
});

/** The first version: a table of current data only. Kept so that documents pinned to it run as they did. */
export const monitorDriftV1 = defineNode({
  type: 'monitor.drift',
  version: '1.0.0',
  title: 'Data drift',
  description: DESCRIPTION,
  category: 'monitor',
  inputs: {
    current: input('table', { description: 'Current data with the model’s raw input columns, e.g. recent traffic.' }),
    model: modelInput,
  },
  params: Type.Object(driftParams),
  outputs: driftOutputs,
  resources: { memoryMb: 2048 },
  async run(ctx) {
    const monitored = await readMonitoredModel(ctx.inputs.model.path);
    const report = await measureTableDrift(
      monitored,
      ctx.inputs.current.path,
      'the current table',
      ctx.params,
      ctx.log,
      ctx.signal,
    );
    return driftOutcome(report, monitored.baseline, ctx.params, ctx);
  },
});
