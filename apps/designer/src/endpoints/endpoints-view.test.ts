import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/loom-api.ts';
import { irisEndpoint, irisEvent, irisVersion } from '../test-fixtures/model-registry.ts';
import { AliasControls } from './AliasControls.tsx';
import { pickModel } from './endpoints-data.ts';
import { endpointState, ModelList } from './ModelList.tsx';
import { EndpointSummary } from './ModelPanel.tsx';
import { formatLatency, refusal, TryItAnswer } from './TryIt.tsx';
import { VersionsTable } from './VersionsTable.tsx';

/** The text of an element rendered with `data-testid="<id>"` (tags stripped), or undefined when absent. */
function textOf(html: string, id: string): string | undefined {
  const start = html.indexOf(`data-testid="${id}"`);
  if (start < 0) return undefined;
  const open = html.lastIndexOf('<', start);
  const tag = /^<([a-z0-9]+)/.exec(html.slice(open))?.[1] ?? '';
  let depth = 0;
  const pattern = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'g');
  pattern.lastIndex = open;
  for (let match = pattern.exec(html); match !== null; match = pattern.exec(html)) {
    depth += match[1] === '/' ? -1 : 1;
    if (depth === 0) return html.slice(open, match.index + match[0].length).replace(/<[^>]+>/g, '');
  }
  return undefined;
}

const fields = [
  { name: 'age', kind: 'number' as const, value: '41' },
  { name: 'city', kind: 'string' as const, value: '' },
];

describe('TryItAnswer', () => {
  it('shows the label, each class’s probability as a bar (the label’s marked), the version and the latency', () => {
    const html = renderToStaticMarkup(
      createElement(TryItAnswer, {
        outcome: {
          kind: 'answer',
          result: {
            reply: {
              model_name: 'iris',
              model_version: '2',
              predictions: [{ label: 'setosa', probabilities: { setosa: 0.9, versicolor: 0.075, virginica: 0.025 } }],
            },
            version: '2',
            latencyMs: 4.26,
          },
        },
      }),
    );
    expect(textOf(html, 'try-it-label')).toBe('setosa');
    expect(textOf(html, 'try-it-version')).toBe('v2');
    expect(textOf(html, 'try-it-latency')).toBe('4.3 ms');
    expect(textOf(html, 'try-it-probability-setosa')).toBe('setosa90.0%');
    expect(textOf(html, 'try-it-probability-virginica')).toBe('virginica2.5%');
    expect(html).toContain('<li class="is-chosen" data-testid="try-it-probability-setosa">');
    expect(html).toContain('style="width:90%"');
    expect(html.indexOf('try-it-probability-versicolor')).toBeLessThan(html.indexOf('try-it-probability-virginica'));
  });

  it('shows a regressor’s value', () => {
    const html = renderToStaticMarkup(
      createElement(TryItAnswer, {
        outcome: {
          kind: 'answer',
          result: {
            reply: { model_name: 'd', model_version: '1', predictions: [{ value: 151.23456789 }] },
            version: '1',
            latencyMs: 12.4,
          },
        },
      }),
    );
    expect(textOf(html, 'try-it-value')).toBe('151.235');
    expect(textOf(html, 'try-it-latency')).toBe('12 ms');
    expect(textOf(html, 'try-it-label')).toBeUndefined();
  });

  it('shows a refusal with its hint', () => {
    const html = renderToStaticMarkup(
      createElement(TryItAnswer, {
        outcome: { kind: 'refusal', message: 'the model server is overloaded', hint: 'try again in 1 s' },
      }),
    );
    expect(textOf(html, 'try-it-error')).toBe('the model server is overloaded' + 'try again in 1 s');
  });
});

describe('refusal', () => {
  it('ties a 400 to the field its path names', () => {
    const error = new ApiError(400, 'Bad Request', 'rows[0].city: expected a string, got 3', [], {
      path: '/rows/0/city',
    });
    expect(refusal(error, fields)).toEqual({
      kind: 'refusal',
      message: 'rows[0].city: expected a string, got 3',
      field: 'city',
    });
  });

  it('says when to try again after a 503, and what a server without /v2 lacks', () => {
    expect(
      refusal(new ApiError(503, 'overloaded', 'iris@2 is overloaded', [], { retryAfterSeconds: 1 }), fields),
    ).toEqual({
      kind: 'refusal',
      message: 'iris@2 is overloaded',
      hint: 'The model server asks to try again in 1 s.',
    });
    expect(refusal(new ApiError(404, 'not-found', 'no route POST /v2/models/iris/infer'), fields)).toMatchObject({
      hint: expect.stringContaining('LOOM_MODEL_SERVER=off'),
    });
    expect(refusal(new ApiError(404, 'not-found', 'no model "iris"'), fields)).toEqual({
      kind: 'refusal',
      message: 'no model "iris"',
    });
    expect(refusal(new ApiError(0, 'network', 'cannot reach the Loom server (offline)'), fields)).toEqual({
      kind: 'refusal',
      message: 'cannot reach the Loom server (offline)',
    });
  });

  it('formats latency for people', () => {
    expect(formatLatency(0.42)).toBe('0.4 ms');
    expect(formatLatency(250.6)).toBe('251 ms');
    expect(formatLatency(1520)).toBe('1.52 s');
  });
});

describe('VersionsTable', () => {
  const endpoint = irisEndpoint(
    [
      { version: 2, percent: 10 },
      { version: 1, percent: 90 },
    ],
    [
      { version: 2, percent: 10 },
      { version: 1, percent: 90 },
    ],
  );
  const versions = [
    irisVersion(3, {
      provenance: { pipelineId: null, pipelineVersion: null, runId: null, stepId: null },
      metrics: null,
    }),
    irisVersion(2),
    irisVersion(1, { aliases: ['production', 'stable'] }),
  ];

  it('shows each version’s aliases, traffic share, headline metrics and the run that trained it', () => {
    const html = renderToStaticMarkup(createElement(VersionsTable, { versions, endpoint, onOpenRun: () => {} }));
    expect(textOf(html, 'version-row-1')).toContain('v1');
    expect(html.match(/data-testid="version-aliases"/g)).toHaveLength(3);
    expect(textOf(html, 'provenance-1')).toBe('run run-1 · onnx');
    expect(textOf(html, 'provenance-3')).toBeUndefined();
    expect(textOf(html, 'version-row-3')).toContain('registered by hand');
    const row1 = textOf(html, 'version-row-1') ?? '';
    expect(row1).toContain('productionstable');
    expect(row1).toContain('90%');
    expect(row1).toContain('accuracy 0.967 · f1_macro 0.967 · log_loss 0.123');
    expect(textOf(html, 'version-row-2')).toContain('10%');
    expect(textOf(html, 'version-row-3')).toContain('—');
  });
});

describe('AliasControls', () => {
  const model = {
    name: 'iris',
    description: '',
    createdAt: '2026-12-07T10:00:00.000Z',
    latestVersion: 2,
    versionCount: 2,
    aliases: [
      { alias: 'production', version: 2, updatedAt: '2026-12-07T10:00:00.000Z' },
      { alias: 'staging', version: 1, updatedAt: '2026-12-07T10:00:00.000Z' },
    ],
  };
  const events = [
    irisEvent({ kind: 'alias.moved', alias: 'production', toVersion: 1 }),
    irisEvent({ kind: 'alias.moved', alias: 'staging', toVersion: 1 }),
    irisEvent({ kind: 'alias.moved', alias: 'production', fromVersion: 1, toVersion: 2 }),
  ].reverse();

  it('offers a rollback to the version an alias came from, and none to an alias that never moved', () => {
    const html = renderToStaticMarkup(
      createElement(AliasControls, {
        model,
        versions: [irisVersion(2, { aliases: ['production'] }), irisVersion(1, { aliases: ['staging'] })],
        events,
        endpoint: irisEndpoint([{ version: 2, percent: 100 }]),
        busy: false,
        onRollback: () => {},
        onSetAlias: () => {},
      }),
    );
    expect(textOf(html, 'rollback-production')).toBe('↶ Roll back to v1');
    expect(textOf(html, 'rollback-staging')).toBe('↶ Roll back');
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*data-testid="rollback-staging"/);
    expect(html).not.toMatch(/<button[^>]*disabled=""[^>]*data-testid="rollback-production"/);
    expect(textOf(html, 'alias-production')).toContain('endpoint');
    expect(textOf(html, 'alias-staging')).not.toContain('endpoint');
    // The set-alias form offers the first alias and the newest version, each version with its aliases.
    expect(html).toContain('value="production"');
    expect(textOf(html, 'set-alias-version')).toBe('v2 (production)v1 (staging)');
  });
});

describe('ModelList and EndpointSummary', () => {
  const summary = (name: string) => ({
    name,
    description: '',
    createdAt: '2026-12-07T10:00:00.000Z',
    latestVersion: 1,
    versionCount: 1,
    aliases: [],
  });

  it('says what each model’s endpoint serves', () => {
    expect(endpointState(undefined)).toBe('no endpoint');
    expect(endpointState(irisEndpoint([]))).toBe('production: nothing serves');
    expect(endpointState(irisEndpoint([{ version: 2, percent: 100 }]))).toBe('serving v2 (production)');
    expect(
      endpointState(
        irisEndpoint([
          { version: 3, percent: 10 },
          { version: 2, percent: 90 },
        ]),
      ),
    ).toBe('canary: v2 90%, v3 10%');
    const overview = {
      models: [summary('churn'), summary('iris')],
      endpoints: new Map([['iris', irisEndpoint([{ version: 1, percent: 100 }])]]),
    };
    const html = renderToStaticMarkup(createElement(ModelList, { overview, selected: 'iris', onSelect: () => {} }));
    expect(textOf(html, 'model-item-churn')).toBe('churn1 version · latest v1no endpoint');
    expect(html).toContain('class="model-item is-active" aria-current="true" data-testid="model-item-iris"');
  });

  it('shows the first model that serves unless another is asked for', () => {
    const overview = {
      models: [summary('churn'), summary('iris')],
      endpoints: new Map([['iris', irisEndpoint([{ version: 1, percent: 100 }])]]),
    };
    expect(pickModel(overview, undefined)).toBe('iris');
    expect(pickModel(overview, 'churn')).toBe('churn');
    expect(pickModel(overview, 'gone')).toBe('iris');
    expect(pickModel({ models: [], endpoints: new Map() }, undefined)).toBeUndefined();
  });

  it('shows the endpoint’s address, alias and split, or how to make one', () => {
    const api = { inferUrl: (model: string) => `/v2/models/${model}/infer` };
    const detail = { name: 'iris', versions: [], events: [] };
    const serving = renderToStaticMarkup(
      createElement(EndpointSummary, {
        api,
        detail: {
          ...detail,
          endpoint: irisEndpoint(
            [
              { version: 3, percent: 10 },
              { version: 2, percent: 90 },
            ],
            [
              { version: 3, percent: 10 },
              { version: 2, percent: 90 },
            ],
          ),
        },
      }),
    );
    expect(serving).toContain('POST /v2/models/iris/infer');
    expect(textOf(serving, 'traffic-v2')).toBe('v2 · 90%');
    expect(textOf(serving, 'traffic-v3')).toBe('v3 · 10%canary');
    expect(serving.indexOf('traffic-v2')).toBeLessThan(serving.indexOf('traffic-v3'));
    expect(serving).toContain('with a traffic split');
    const none = renderToStaticMarkup(
      createElement(EndpointSummary, { api, detail: { ...detail, endpoint: undefined } }),
    );
    expect(textOf(none, 'endpoint-summary')).toContain('No endpoint serves this model');
  });
});
