import type { Endpoint, ModelVersion } from '@loom/server/api-types';
import type { ModelEvent } from '../endpoints/model-facts.ts';

/** A version of an iris classifier as `GET /api/models/iris/versions` gives it; `fields` override. */
export function irisVersion(version: number, fields: Partial<ModelVersion> = {}): ModelVersion {
  return {
    model: 'iris',
    version,
    onnxSha256: String(version).repeat(64).slice(0, 64),
    onnxSize: 1200,
    inputs: [
      { name: 'sepal_length', kind: 'number' },
      { name: 'sepal_width', kind: 'number' },
      { name: 'petal_length', kind: 'number' },
      { name: 'petal_width', kind: 'number' },
    ],
    outputs: [
      { name: 'label', kind: 'string', shape: [-1] },
      { name: 'probabilities', kind: 'number', shape: [-1, 3] },
    ],
    task: 'classification',
    label: 'species',
    labelKind: 'string',
    classes: ['setosa', 'versicolor', 'virginica'],
    trainedBy: 'train.logistic_regression',
    lineage: null,
    metrics: { accuracy: 0.9666666, f1_macro: 0.96658, log_loss: 0.1234 },
    provenance: { pipelineId: 'p1', pipelineVersion: 3, runId: `run-${version}`, stepId: 'onnx' },
    createdAt: '2026-12-07T10:00:00.000Z',
    aliases: [],
    hasBaseline: true,
    ...fields,
  };
}

/** An endpoint of iris serving `production` with these routes. */
export function irisEndpoint(routes: Endpoint['routes'], traffic: Endpoint['traffic'] = []): Endpoint {
  return { model: 'iris', alias: 'production', traffic, routes, updatedAt: '2026-12-07T10:05:00.000Z' };
}

let eventIds = 0;

/** A model event of iris; ids grow in the order events are made, as the registry's do. */
export function irisEvent(fields: Omit<ModelEvent, 'id' | 'model' | 'at'>): ModelEvent {
  return { id: ++eventIds, model: 'iris', at: '2026-12-07T10:00:00.000Z', ...fields };
}
