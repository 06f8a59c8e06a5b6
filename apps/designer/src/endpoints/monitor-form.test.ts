import { describe, expect, it } from 'vitest';
import { fieldOfPointer, type MonitorDraft, monitorRequest, newMonitorDraft } from './monitor-form.ts';

const draft = (changes: Partial<MonitorDraft> = {}): MonitorDraft => ({ ...newMonitorDraft(), ...changes });

describe('monitorRequest', () => {
  it('sends one-hour windows and the default rule for a fresh form', () => {
    expect(monitorRequest('iris', draft())).toEqual({
      ok: true,
      body: {
        model: 'iris',
        windowSeconds: 3600,
        rules: [{ metric: 'dataset_drift', op: '>=', threshold: 1, windows: 1 }],
      },
    });
  });

  it('reads the window, the rules, a retrain with typed parameters and a webhook', () => {
    const result = monitorRequest(
      'iris',
      draft({
        name: ' iris watch ',
        windowLength: '10',
        windowUnit: 'min',
        rules: [
          { metric: 'psi:petal_length', op: '>', threshold: '0.25', windows: '2' },
          { metric: ' rows ', op: '<', threshold: '1e3', windows: '1' },
        ],
        retrain: true,
        pipelineId: 'pl_1',
        parameters: { regularization: '0.5', note: 'drift', strict: 'yes', unset: ' ' },
        webhookUrl: ' https://hooks.example.com/loom ',
      }),
      { regularization: { type: 'number' }, note: { type: 'string' }, strict: { type: 'boolean' } },
    );
    expect(result).toEqual({
      ok: true,
      body: {
        model: 'iris',
        name: 'iris watch',
        windowSeconds: 600,
        rules: [
          { metric: 'psi:petal_length', op: '>', threshold: 0.25, windows: 2 },
          { metric: 'rows', op: '<', threshold: 1000, windows: 1 },
        ],
        actions: [
          { kind: 'run', pipelineId: 'pl_1', parameters: { regularization: 0.5, note: 'drift', strict: true } },
          { kind: 'webhook', url: 'https://hooks.example.com/loom' },
        ],
      },
    });
  });

  it('leaves the rules to the server’s default when the form has none', () => {
    const result = monitorRequest('iris', draft({ rules: [] }));
    expect(result.ok && result.body).toEqual({ model: 'iris', windowSeconds: 3600 });
  });

  it('names the field of what it cannot send', () => {
    const problem = (changes: Partial<MonitorDraft>, types = {}) => {
      const result = monitorRequest('iris', draft(changes), types);
      return result.ok ? undefined : result.problem.field;
    };
    expect(problem({ windowLength: '' })).toBe('/windowSeconds');
    expect(problem({ windowLength: '0.5', windowUnit: 's' })).toBe('/windowSeconds');
    expect(problem({ windowLength: '0.5', windowUnit: 'min' })).toBeUndefined();
    expect(problem({ rules: [{ metric: '', op: '>', threshold: '1', windows: '1' }] })).toBe('/rules/0/metric');
    expect(problem({ rules: [{ metric: 'rows', op: '>', threshold: 'high', windows: '1' }] })).toBe(
      '/rules/0/threshold',
    );
    expect(problem({ rules: [{ metric: 'rows', op: '>', threshold: '', windows: '1' }] })).toBe('/rules/0/threshold');
    expect(problem({ rules: [{ metric: 'rows', op: '>', threshold: '1', windows: '1.5' }] })).toBe('/rules/0/windows');
    expect(problem({ retrain: true })).toBe('/retrain/pipelineId');
    expect(
      problem({ retrain: true, pipelineId: 'pl_1', parameters: { epochs: 'many' } }, { epochs: { type: 'integer' } }),
    ).toBe('/retrain/parameters/epochs');
  });
});

describe('fieldOfPointer', () => {
  it('leads a server problem back to its field, actions by the order the form sends them in', () => {
    const both = draft({ retrain: true, pipelineId: 'pl_1', webhookUrl: 'https://x/' });
    const hookOnly = draft({ webhookUrl: 'https://x/' });
    expect(fieldOfPointer('/windowSeconds', both)).toBe('/windowSeconds');
    expect(fieldOfPointer('/name', both)).toBe('/name');
    expect(fieldOfPointer('/rules/1/metric', both)).toBe('/rules/1/metric');
    expect(fieldOfPointer('/rules/0/threshold', both)).toBe('/rules/0/threshold');
    expect(fieldOfPointer('/actions/0/pipelineId', both)).toBe('/retrain/pipelineId');
    expect(fieldOfPointer('/actions/0/parameters/lr', both)).toBe('/retrain/parameters/lr');
    expect(fieldOfPointer('/actions/1/url', both)).toBe('/webhook/url');
    expect(fieldOfPointer('/actions/0/url', hookOnly)).toBe('/webhook/url');
    expect(fieldOfPointer('/model', both)).toBe('');
    expect(fieldOfPointer('/drift/thresholds/ks', both)).toBe('');
    expect(fieldOfPointer('/actions/3', both)).toBe('');
  });
});
