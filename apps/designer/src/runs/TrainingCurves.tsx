import { useEffect, useMemo, useState } from 'react';
import { useSession } from '../commands/use-commands.tsx';
import { useEditor } from '../store/editor-context.tsx';
import { formatMetric } from './previews/chart-scales.ts';
import { LineChart } from './previews/LineChart.tsx';
import { curveLayout } from './previews/metrics-layout.ts';
import { curveSeries, MAX_POINTS_PER_CURVE } from './training-curves.ts';

/**
 * The curves a step reports as it runs (a trainer's loss and validation loss per iteration), drawn as
 * they grow. The live events bring the new points; the points reported before the page was watching
 * (a reload, a run opened from the history) are read back from the server once.
 *
 * Test ids: `training-curves`, `curve-<name>` (with `data-points`, the points drawn).
 */
export function TrainingCurves({
  runId,
  stepId,
  started,
  live,
}: {
  runId: string;
  stepId: string;
  /** Whether the step has begun an attempt: before that there is nothing to read back. */
  started: boolean;
  live: boolean;
}) {
  const session = useSession();
  const curves = useEditor((state) => (state.runView?.run.id === runId ? state.runView.curves?.[stepId] : undefined));
  const addCurvePoints = useEditor((state) => state.addCurvePoints);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (!started) return;
    let cancelled = false;
    session.api.stepMetricPoints(runId, stepId, MAX_POINTS_PER_CURVE).then(
      (reply) => !cancelled && addCurvePoints(runId, stepId, reply.points),
      (cause: Error) => !cancelled && setError(cause.message),
    );
    return () => {
      cancelled = true;
    };
  }, [session, runId, stepId, started, addCurvePoints]);

  const series = useMemo(() => curveSeries(curves), [curves]);
  if (series.length === 0) {
    return error === undefined ? null : <div className="field-error">Training curves failed to load: {error}</div>;
  }
  return (
    <div className="output-block" data-testid="training-curves">
      <div className="output-title">
        <span>Training curves</span>
        {live && <span className="output-type">live</span>}
      </div>
      <div className="preview-card-grid">
        {series.map(({ name, x, y }) => {
          const layout = curveLayout(name, { kind: 'curve', x, y }, {});
          const last = y.at(-1);
          return (
            <figure className="preview-card" key={name} data-testid={`curve-${name}`} data-points={x.length}>
              <figcaption className="preview-card-header">
                <span className="preview-card-title">{layout.title}</span>
                <code className="preview-card-name">{name}</code>
                {last !== undefined && (
                  <span className="preview-badge" title={`${name} at ${x.at(-1)}: ${last}`}>
                    {formatMetric(last)}
                  </span>
                )}
              </figcaption>
              <LineChart label={layout.title} x={x} y={y} xLabel={layout.xLabel} yLabel={layout.yLabel} height={180} />
            </figure>
          );
        })}
      </div>
    </div>
  );
}
