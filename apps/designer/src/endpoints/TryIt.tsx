import type { ModelVersion } from '@loom/server/api-types';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, type InferRowsResult, type LoomApi } from '../api/loom-api.ts';
import {
  curlCommand,
  type FieldProblem,
  type PredictionView,
  predictionView,
  sampleRow,
  type TryItField,
  tryItFields,
  tryItRequest,
} from './try-it.ts';

/** What the last Send came to: an answer, or the server's refusal. */
export type TryItOutcome =
  | { kind: 'answer'; result: InferRowsResult }
  | { kind: 'refusal'; message: string; hint?: string; field?: string };

/**
 * "Try it": a form with one field per input of the serving version (prefilled from the first row of the
 * data it was trained on, when the run still has it) that sends the row to the model's endpoint and
 * shows the prediction, the version that answered and the time it took in the browser.
 */
export function TryIt({ api, model, version }: { api: LoomApi; model: string; version: ModelVersion }) {
  const [fields, setFields] = useState<TryItField[]>(() => tryItFields(version.inputs));
  const edited = useRef(false);
  const [requestId, setRequestId] = useState('');
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<TryItOutcome | undefined>(undefined);

  useEffect(() => {
    let cancelled = false;
    void sampleRow(api, version).then((sample) => {
      // Typing first wins: a sample that arrives late never overwrites what was typed.
      if (!cancelled && sample !== undefined && !edited.current) setFields(tryItFields(version.inputs, sample));
    });
    return () => {
      cancelled = true;
    };
  }, [api, version]);

  const built = tryItRequest(fields, requestId);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!built.ok) {
      setProblems(built.problems);
      return;
    }
    setProblems([]);
    setSending(true);
    try {
      setOutcome({ kind: 'answer', result: await api.inferRows(model, built.request) });
    } catch (cause) {
      setOutcome(refusal(cause, fields));
    } finally {
      setSending(false);
    }
  };
  const edit = (name: string, value: string) => {
    edited.current = true;
    setFields((now) => now.map((field) => (field.name === name ? { ...field, value } : field)));
  };
  const problemOf = (name: string) =>
    problems.find((problem) => problem.name === name)?.message ??
    (outcome?.kind === 'refusal' && outcome.field === name ? outcome.message : undefined);

  return (
    <div className="try-it" data-testid="try-it">
      <form className="try-it-form" onSubmit={send} data-testid="try-it-form">
        <p className="field-help">
          One row to <code>POST {api.inferUrl(model)}</code>, as <code>{'{"rows": [{…}]}'}</code>. Leave a field empty
          to send it as missing (<code>null</code>).
        </p>
        <div className="try-it-fields">
          {fields.map((field) => {
            const problem = problemOf(field.name);
            return (
              <label key={field.name} className="field">
                <span className="field-label">
                  {field.name} <span className="field-type">{field.kind}</span>
                </span>
                <input
                  type="text"
                  inputMode={field.kind === 'number' ? 'decimal' : 'text'}
                  className={field.kind === 'number' ? 'is-mono' : undefined}
                  value={field.value}
                  aria-invalid={problem !== undefined}
                  onChange={(event) => edit(field.name, event.target.value)}
                  data-testid={`try-it-input-${field.name}`}
                />
                {problem !== undefined && <span className="field-error">{problem}</span>}
              </label>
            );
          })}
        </div>
        <div className="try-it-actions">
          <label className="field try-it-id">
            <span className="field-label">
              Request id <span className="field-type">optional: the same id always gets the same canary share</span>
            </span>
            <input
              type="text"
              value={requestId}
              onChange={(event) => setRequestId(event.target.value)}
              data-testid="try-it-request-id"
            />
          </label>
          <button type="submit" className="button primary" disabled={sending} data-testid="try-it-send">
            {sending ? 'Sending…' : 'Send'}
          </button>
        </div>
        {built.ok && (
          <details className="try-it-curl">
            <summary>As a curl command</summary>
            <pre data-testid="try-it-curl">
              {curlCommand(new URL(api.inferUrl(model), window.location.href).href, built.request)}
            </pre>
          </details>
        )}
      </form>
      {outcome !== undefined && <TryItAnswer outcome={outcome} />}
    </div>
  );
}

/** The answer of a Send: the prediction with its version and latency, or the refusal in words. */
export function TryItAnswer({ outcome }: { outcome: TryItOutcome }) {
  if (outcome.kind === 'refusal')
    return (
      <div className="callout danger try-it-error" role="alert" data-testid="try-it-error">
        {outcome.message}
        {outcome.hint !== undefined && <div className="callout-detail">{outcome.hint}</div>}
      </div>
    );
  const { reply, version, latencyMs } = outcome.result;
  const view = predictionView(reply);
  return (
    <div className="try-it-answer" data-testid="try-it-answer">
      <div className="try-it-answer-meta">
        answered by <strong data-testid="try-it-version">v{version}</strong> ·{' '}
        <span data-testid="try-it-latency">{formatLatency(latencyMs)}</span> in the browser
      </div>
      {view === undefined ? (
        <div className="empty-note">The reply holds no prediction.</div>
      ) : (
        <Prediction view={view} />
      )}
    </div>
  );
}

function Prediction({ view }: { view: PredictionView }) {
  if (view.kind === 'value')
    return (
      <div className="try-it-prediction">
        <span className="field-label">Predicted value</span>
        <span className="try-it-headline" data-testid="try-it-value">
          {formatValue(view.value)}
        </span>
      </div>
    );
  return (
    <div className="try-it-prediction">
      <span className="field-label">Predicted label</span>
      <span className="try-it-headline" data-testid="try-it-label">
        {view.label}
      </span>
      <ul className="probability-bars" aria-label="Probability of each class">
        {view.probabilities.map((entry) => (
          <li
            key={entry.label}
            className={entry.chosen ? 'is-chosen' : undefined}
            data-testid={`try-it-probability-${entry.label}`}
          >
            <span className="probability-label">{entry.label}</span>
            <span className="probability-track">
              <span
                className="probability-fill"
                style={{ width: `${Math.max(0, Math.min(1, entry.probability)) * 100}%` }}
              />
            </span>
            <span className="probability-value">{(entry.probability * 100).toFixed(1)}%</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A refusal as the form shows it: the server's message (which names the input on a 400), the field it
 * is about when the error's path ends in one, and what to do about a 503 or a server without /v2.
 */
export function refusal(cause: unknown, fields: readonly TryItField[]): TryItOutcome {
  if (!(cause instanceof ApiError)) return { kind: 'refusal', message: (cause as Error).message ?? String(cause) };
  const outcome: Extract<TryItOutcome, { kind: 'refusal' }> = { kind: 'refusal', message: cause.message };
  const field = cause.path === undefined ? undefined : fieldInPath(cause.path, fields);
  if (field !== undefined) outcome.field = field;
  if (cause.status === 503)
    outcome.hint =
      cause.retryAfterSeconds === undefined
        ? 'The model server cannot answer now; try again shortly.'
        : `The model server asks to try again in ${cause.retryAfterSeconds} s.`;
  // The server's own answer to a path it has no route for (its errors plugin), not the model server's 404.
  else if (cause.status === 404 && /^no route /.test(cause.message))
    outcome.hint =
      'This server runs no model server at /v2: it was started with LOOM_MODEL_SERVER=off, or its Loom is older than the model server.';
  return outcome;
}

/** The input a path like `/rows/0/age` or `rows[0].age` is about, if it names one of the fields. */
function fieldInPath(path: string, fields: readonly TryItField[]): string | undefined {
  const segments = path.split(/[/.[\]]/).filter((segment) => segment !== '');
  return [...segments].reverse().find((segment) => fields.some((field) => field.name === segment));
}

/** Latency for people: tenths of a millisecond below 10 ms, whole milliseconds below a second, then seconds. */
export function formatLatency(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A regression's value to 6 significant digits, without a float's tail. */
function formatValue(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : String(value);
}
