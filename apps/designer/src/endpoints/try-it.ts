import type { ModelVersion } from '@loom/server/api-types';
import type { InferRowsReply, InferRowsRequest, RowPrediction, RowValue } from '../api/inference-types.ts';
import type { LoomApi } from '../api/loom-api.ts';

/** One field of the "Try it" form: a model input and what is typed into it. */
export interface TryItField {
  name: string;
  kind: 'number' | 'string';
  /** The text in the field; empty sends `null` (a missing value, as the model reads NULL). */
  value: string;
}

/** A sample row to prefill the form with: column name → value, as a table preview gives it. */
export type SampleRow = Record<string, unknown>;

/**
 * The form's fields, one per input of the version, in the model's order; prefilled from `sample`
 * where it has the column (a number as typed, a string as it is), else empty.
 */
export function tryItFields(inputs: ModelVersion['inputs'], sample: SampleRow | undefined = undefined): TryItField[] {
  return inputs.map(({ name, kind }) => {
    const cell = sample?.[name];
    const value = typeof cell === 'number' || typeof cell === 'string' || typeof cell === 'boolean' ? String(cell) : '';
    return { name, kind, value };
  });
}

/** A field the form cannot send, and why; shown under the field. */
export interface FieldProblem {
  name: string;
  message: string;
}

/**
 * The row-form request for the fields: `{ rows: [{ column: value }] }` with numbers parsed, empty
 * fields as `null`, and the request id when one is given; or the fields that are not numbers.
 *
 * @example tryItRequest([{ name: 'age', kind: 'number', value: '41' }]) // { ok: true, request: { rows: [{ age: 41 }] } }
 */
export function tryItRequest(
  fields: readonly TryItField[],
  requestId = '',
): { ok: true; request: InferRowsRequest } | { ok: false; problems: FieldProblem[] } {
  const row: Record<string, RowValue> = {};
  const problems: FieldProblem[] = [];
  for (const field of fields) {
    const text = field.value.trim();
    if (text === '') row[field.name] = null;
    else if (field.kind === 'string') row[field.name] = field.value;
    else {
      const number = Number(text);
      if (Number.isFinite(number)) row[field.name] = number;
      else problems.push({ name: field.name, message: `${field.name} takes a number, not “${text}”` });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const id = requestId.trim();
  return { ok: true, request: id === '' ? { rows: [row] } : { id, rows: [row] } };
}

/** A prediction as the form shows it: a label with every class's probability (highest first), or a value. */
export type PredictionView =
  | { kind: 'label'; label: string; probabilities: Array<{ label: string; probability: number; chosen: boolean }> }
  | { kind: 'value'; value: number };

/** The first row's prediction of a reply, ready to draw; undefined when the reply holds none. */
export function predictionView(reply: InferRowsReply): PredictionView | undefined {
  const prediction: RowPrediction | undefined = reply.predictions[0];
  if (prediction === undefined) return undefined;
  if ('value' in prediction) return { kind: 'value', value: prediction.value };
  const label = String(prediction.label);
  const probabilities = Object.entries(prediction.probabilities)
    .map(([name, probability]) => ({ label: name, probability, chosen: name === label }))
    .sort((a, b) => b.probability - a.probability || a.label.localeCompare(b.label));
  return { kind: 'label', label, probabilities };
}

/** A `curl` command that sends the same request, for trying the endpoint outside the browser. */
export function curlCommand(url: string, request: InferRowsRequest): string {
  const body = JSON.stringify(request).replace(/'/g, `'\\''`);
  return `curl -s -X POST '${url}' -H 'content-type: application/json' -d '${body}'`;
}

/** How many of a run's table outputs are looked at for a sample row, so a long run costs few requests. */
const SAMPLE_TABLES_TRIED = 3;

/**
 * The first row of the data the version was trained from, when the run that made it still has it: the
 * first table output of that run (in step order, so the data source comes before its transforms,
 * whose values are no longer raw) holding every input column. Undefined when there is no run, no such
 * table, or the server cannot say: the form then starts empty.
 */
export async function sampleRow(
  api: Pick<LoomApi, 'getRun' | 'artifactPreview'>,
  version: ModelVersion,
): Promise<SampleRow | undefined> {
  const runId = version.provenance.runId;
  if (runId === null) return undefined;
  try {
    const run = await api.getRun(runId);
    const tables = run.steps.flatMap((step) => Object.values(step.outputs).filter((output) => output.type === 'table'));
    for (const table of tables.slice(0, SAMPLE_TABLES_TRIED)) {
      const preview = await api.artifactPreview(table.sha256, 1);
      if (preview.kind !== 'table') continue;
      const columns = new Set(preview.columns.map((column) => column.name));
      if (!version.inputs.every((input) => columns.has(input.name))) continue;
      return preview.rows[0];
    }
  } catch {
    // The run or its artifacts may be gone (deleted, another machine's store): an empty form still works.
  }
  return undefined;
}
