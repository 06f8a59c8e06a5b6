import type { StoredStep } from '@loom/server/api-types';
import { useState } from 'react';
import { useEditor } from '../store/editor-context.tsx';
import { formatDuration } from './CacheBadge.tsx';
import { OutputPreview } from './OutputPreview.tsx';
import { formatMetric } from './previews/chart-scales.ts';
import { orderMetrics } from './previews/metric-order.ts';
import { ResizableDrawer } from './ResizableDrawer.tsx';
import { inProgress } from './run-projection.ts';
import { StepLogs } from './StepLogs.tsx';
import { TrainingCurves } from './TrainingCurves.tsx';

type Tab = 'outputs' | 'logs';

/** A step of the shown run: its failure, logs per attempt, and each output with a preview and a download. */
export function StepDrawer() {
  const stepId = useEditor((state) => state.drawerStep);
  // Keyed by step, so each step opens on its own default tab (logs for a failure).
  return stepId === undefined ? null : <StepDetails key={stepId} stepId={stepId} />;
}

function StepDetails({ stepId }: { stepId: string }) {
  const step = useEditor((state) =>
    state.drawerStep === undefined ? undefined : state.runView?.steps[state.drawerStep],
  );
  const runId = useEditor((state) => state.runView?.run.id);
  const close = useEditor((state) => state.openDrawer);
  const [tab, setTab] = useState<Tab>(step?.status === 'failed' ? 'logs' : 'outputs');
  if (step === undefined || runId === undefined) return null;

  return (
    <ResizableDrawer label={`Step ${stepId}`}>
      <header className="drawer-header">
        <div className="drawer-title">
          <span className={`status-badge status-${step.status}`}>{step.status}</span>
          <strong>{step.title}</strong>
          <code>{stepId}</code>
          <span className="drawer-meta">
            {step.attempts > 0 && `attempt ${step.attempts}`}
            {step.durationMs !== undefined && ` · ${formatDuration(step.durationMs)}`}
            {step.cachedFromRun !== undefined && ` · from run ${step.cachedFromRun}`}
          </span>
        </div>
        <div className="tabs" role="tablist">
          {(['outputs', 'logs'] as const).map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              className={`tab${tab === name ? ' is-active' : ''}`}
              onClick={() => setTab(name)}
              data-testid={`drawer-tab-${name}`}
            >
              {name === 'outputs' ? 'Outputs' : 'Logs'}
            </button>
          ))}
        </div>
        <button type="button" className="icon-button" aria-label="Close step details" onClick={() => close(undefined)}>
          ×
        </button>
      </header>
      <div className="drawer-body">
        {step.failure !== undefined && <FailureBox step={step} />}
        {step.skippedBecause !== undefined && <div className="callout">Skipped: {step.skippedBecause}</div>}
        {tab === 'logs' ? (
          <StepLogs runId={runId} stepId={stepId} attempts={step.attempts} live={inProgress(step.status)} />
        ) : (
          <div className="outputs">
            <TrainingCurves runId={runId} stepId={stepId} started={step.attempts > 0} live={inProgress(step.status)} />
            <Outputs step={step} />
          </div>
        )}
      </div>
    </ResizableDrawer>
  );
}

function FailureBox({ step }: { step: StoredStep }) {
  const failure = step.failure;
  if (failure === undefined) return null;
  return (
    <div className="callout danger" data-testid="step-failure">
      <strong>{failure.reason === 'timeout' ? 'Timed out' : 'Failed'}:</strong> {failure.message}
      {failure.detail !== undefined && (
        <details>
          <summary>Details</summary>
          <pre>{failure.detail}</pre>
        </details>
      )}
    </div>
  );
}

function Outputs({ step }: { step: StoredStep }) {
  const outputs = Object.entries(step.outputs);
  // The numbers a step reported are also in its metrics output, when it has one: shown once, there.
  const metrics = outputs.some(([, output]) => output.type === 'metrics')
    ? []
    : orderMetrics(Object.entries(step.metrics));
  if (outputs.length === 0 && metrics.length === 0) {
    return (
      <div className="empty-note">
        {step.status === 'running' ? 'Outputs appear when the step finishes.' : 'No outputs.'}
      </div>
    );
  }
  return (
    <>
      {metrics.length > 0 && (
        <div className="output-block">
          <div className="output-title">Reported metrics</div>
          <dl className="metric-list">
            {metrics.map(([name, value]) => (
              <div key={name} className="metric-row" data-testid={`step-metric-${name}`}>
                <dt title={name}>{name}</dt>
                <dd title={String(value)}>{formatMetric(value)}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      {outputs.map(([port, output]) => (
        <OutputPreview key={port} port={port} output={output} />
      ))}
    </>
  );
}
