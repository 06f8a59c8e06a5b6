import type { ArtifactPreview, StoredRun } from '@loom/server/api-types';
import { describe, expect, it } from 'vitest';
import type { LoomApi } from '../api/loom-api.ts';
import { irisVersion } from '../test-fixtures/model-registry.ts';
import { curlCommand, predictionView, sampleRow, tryItFields, tryItRequest } from './try-it.ts';

const churnInputs = [
  { name: 'age', kind: 'number' as const },
  { name: 'city', kind: 'string' as const },
  { name: 'visits', kind: 'number' as const },
];

describe('tryItFields', () => {
  it('makes one field per input, in the model’s order, prefilled from the sample where it has the column', () => {
    expect(tryItFields(churnInputs, { city: 'Lyon', age: 41, churned: 'yes', visits: null })).toEqual([
      { name: 'age', kind: 'number', value: '41' },
      { name: 'city', kind: 'string', value: 'Lyon' },
      { name: 'visits', kind: 'number', value: '' },
    ]);
  });

  it('starts empty without a sample', () => {
    expect(tryItFields(churnInputs).map((field) => field.value)).toEqual(['', '', '']);
  });
});

describe('tryItRequest', () => {
  it('builds the row form from the fields: numbers parsed, text kept, empty fields null', () => {
    const fields = [
      { name: 'age', kind: 'number' as const, value: ' 41.5 ' },
      { name: 'city', kind: 'string' as const, value: 'Lyon ' },
      { name: 'visits', kind: 'number' as const, value: '' },
    ];
    expect(tryItRequest(fields)).toEqual({ ok: true, request: { rows: [{ age: 41.5, city: 'Lyon ', visits: null }] } });
    expect(tryItRequest(fields, ' r-7 ')).toEqual({
      ok: true,
      request: { id: 'r-7', rows: [{ age: 41.5, city: 'Lyon ', visits: null }] },
    });
  });

  it('names every number field that holds no number, and sends nothing', () => {
    const fields = [
      { name: 'age', kind: 'number' as const, value: 'forty' },
      { name: 'city', kind: 'string' as const, value: '12' },
      { name: 'visits', kind: 'number' as const, value: 'Infinity' },
    ];
    expect(tryItRequest(fields)).toEqual({
      ok: false,
      problems: [
        { name: 'age', message: 'age takes a number, not “forty”' },
        { name: 'visits', message: 'visits takes a number, not “Infinity”' },
      ],
    });
  });
});

describe('predictionView', () => {
  it('shows a classifier’s label and its classes, most probable first', () => {
    const view = predictionView({
      model_name: 'iris',
      model_version: '2',
      predictions: [{ label: 'virginica', probabilities: { setosa: 0.01, versicolor: 0.19, virginica: 0.8 } }],
    });
    expect(view).toEqual({
      kind: 'label',
      label: 'virginica',
      probabilities: [
        { label: 'virginica', probability: 0.8, chosen: true },
        { label: 'versicolor', probability: 0.19, chosen: false },
        { label: 'setosa', probability: 0.01, chosen: false },
      ],
    });
  });

  it('shows integer class labels as text, matched to their probability', () => {
    const view = predictionView({
      model_name: 'digits',
      model_version: '1',
      predictions: [{ label: 3, probabilities: { '1': 0.2, '3': 0.7, '2': 0.1 } }],
    });
    expect(view).toMatchObject({ kind: 'label', label: '3', probabilities: [{ label: '3', chosen: true }, {}, {}] });
  });

  it('shows a regressor’s value, and nothing for an empty reply', () => {
    expect(predictionView({ model_name: 'd', model_version: '1', predictions: [{ value: 151.2 }] })).toEqual({
      kind: 'value',
      value: 151.2,
    });
    expect(predictionView({ model_name: 'd', model_version: '1', predictions: [] })).toBeUndefined();
  });
});

describe('curlCommand', () => {
  it('quotes the body for a POSIX shell, a single quote included', () => {
    expect(curlCommand('http://127.0.0.1:8080/v2/models/churn/infer', { rows: [{ city: "L'Haÿ" }] })).toBe(
      `curl -s -X POST 'http://127.0.0.1:8080/v2/models/churn/infer' -H 'content-type: application/json' -d '{"rows":[{"city":"L'\\''Haÿ"}]}'`,
    );
  });
});

describe('sampleRow', () => {
  const table = (columns: string[], row: Record<string, string | number | boolean | null>): ArtifactPreview => ({
    kind: 'table',
    columns: columns.map((name) => ({ name, type: 'DOUBLE', kind: 'number' })),
    rowCount: 150,
    rows: [row],
  });
  const output = (sha256: string, type = 'table') => ({ type, storage: 'file', sha256, size: 10 });

  /** A server whose run `run-1` has these steps' outputs and whose artifacts preview as `previews`. */
  function server(
    outputs: Array<Record<string, ReturnType<typeof output>>>,
    previews: Record<string, ArtifactPreview>,
  ) {
    const asked: string[] = [];
    const api = {
      getRun: async (id: string) => {
        if (id !== 'run-1') throw new Error(`no run ${id}`);
        return {
          id,
          steps: outputs.map((stepOutputs, index) => ({ id: `s${index}`, outputs: stepOutputs })),
        } as unknown as StoredRun;
      },
      artifactPreview: async (sha256: string, rows?: number) => {
        asked.push(`${sha256}:${rows}`);
        const preview = previews[sha256];
        if (preview === undefined) throw new Error(`no artifact ${sha256}`);
        return preview;
      },
    } satisfies Pick<LoomApi, 'getRun' | 'artifactPreview'>;
    return { api, asked };
  }

  const columns = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
  const first = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2, species: 'setosa' };

  it('is the first row of the run’s first table holding every input column', async () => {
    const { api, asked } = server([{ model: output('m', 'model') }, { table: output('a') }, { table: output('b') }], {
      a: table(['sepal_length', 'species'], { sepal_length: 9 }),
      b: table([...columns, 'species'], first),
    });
    expect(
      await sampleRow(api, irisVersion(1, { provenance: { ...irisVersion(1).provenance, runId: 'run-1' } })),
    ).toEqual(first);
    expect(asked).toEqual(['a:1', 'b:1']);
  });

  it('is undefined without a run, when the run is gone, or when no table fits', async () => {
    const { api } = server([{ table: output('a') }], { a: table(['species'], { species: 'setosa' }) });
    const version = irisVersion(1);
    expect(await sampleRow(api, { ...version, provenance: { ...version.provenance, runId: null } })).toBeUndefined();
    expect(await sampleRow(api, { ...version, provenance: { ...version.provenance, runId: 'run-9' } })).toBeUndefined();
    expect(await sampleRow(api, { ...version, provenance: { ...version.provenance, runId: 'run-1' } })).toBeUndefined();
  });
});
