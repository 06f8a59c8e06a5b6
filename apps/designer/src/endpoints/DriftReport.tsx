import type { WindowDriftReport } from '@loom/server/api-types';
import { useEffect, useRef, useState } from 'react';
import type { LoomApi } from '../api/loom-api.ts';
import { HistogramPair } from './DriftHistogram.tsx';
import {
  type FeatureDrift,
  formatShare,
  histogramBars,
  methodLabel,
  qualityFacts,
  scoreText,
} from './drift-report-facts.ts';
import { type ChartWindow, formatWindowTime } from './drift-series.ts';
import { formatMetric } from './model-facts.ts';
import './drift.css';

/**
 * The drift report of one window, read from the server when it opens: the dataset's verdict, then per
 * feature (and for the prediction) the method, score against threshold, PSI, data quality and the
 * baseline's and the window's histograms side by side.
 */
export function DriftReport({
  api,
  monitorId,
  window,
  onClose,
}: {
  api: Pick<LoomApi, 'windowReport'>;
  monitorId: string;
  window: ChartWindow;
  onClose: () => void;
}) {
  const [report, setReport] = useState<WindowDriftReport | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const section = useRef<HTMLElement>(null);
  // The report opens below the chart, often out of sight in the scrolled panel (each window's report
  // is mounted afresh: see MonitorsPanel).
  useEffect(() => {
    section.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, []);
  useEffect(() => {
    let current = true;
    setReport(undefined);
    setError(undefined);
    api.windowReport(monitorId, window.start).then(
      (next) => current && setReport(next),
      (cause: Error) => current && setError(cause.message),
    );
    return () => {
      current = false;
    };
  }, [api, monitorId, window.start]);

  const windowMs = window.to - window.from;
  return (
    <section className="drift-report" aria-label="Drift report" data-testid="drift-report" ref={section}>
      <header className="drift-report-header">
        <h4>
          Drift report · {formatWindowTime(window.start, windowMs)} – {formatWindowTime(window.end, windowMs)}
        </h4>
        <button type="button" className="icon-button" aria-label="Close the report" onClick={onClose}>
          ×
        </button>
      </header>
      {error !== undefined && <div className="callout danger">{error}</div>}
      {report === undefined && error === undefined && <div className="empty-note">Loading the report…</div>}
      {report !== undefined && <ReportBody report={report} />}
    </section>
  );
}

export function ReportBody({ report }: { report: WindowDriftReport }) {
  return (
    <>
      <p className="drift-report-verdict" data-testid="drift-report-verdict">
        {report.status === 'no_data' ? (
          <>No data: {report.reason}.</>
        ) : (
          <>
            <span className={`drift-status status-${report.status}`}>
              {report.datasetDrift ? 'The dataset drifts' : 'No dataset drift'}
            </span>{' '}
            — {report.driftedCount} of {report.measuredCount} features drifted ({formatShare(report.driftedShare)}) over{' '}
            {report.rows} rows.
          </>
        )}
      </p>
      <div className="drift-features">
        {report.features.map((feature) => (
          <FeatureRow key={feature.name} feature={feature} />
        ))}
      </div>
      {report.prediction !== null && (
        <>
          <h5 className="drift-report-subtitle">Prediction</h5>
          <div className="drift-features">
            <FeatureRow feature={report.prediction} />
          </div>
        </>
      )}
    </>
  );
}

function FeatureRow({ feature }: { feature: FeatureDrift }) {
  if (feature.kind === 'missing') {
    return (
      <div className="drift-feature-row is-missing" data-testid={`drift-feature-${feature.name}`}>
        <div className="drift-feature-facts">
          <strong>{feature.name}</strong>
          <span className="pick-meta">{feature.reason}</span>
        </div>
      </div>
    );
  }
  return (
    <div
      className={`drift-feature-row${feature.drifted ? ' is-drifted' : ''}`}
      data-testid={`drift-feature-${feature.name}`}
    >
      <div className="drift-feature-facts">
        <div className="drift-feature-name">
          <strong>{feature.name}</strong>
          <span className="pick-meta">{feature.kind}</span>
          {feature.drifted ? (
            <span className="status-badge status-failed" data-testid="drifted-badge">
              drifted
            </span>
          ) : (
            <span className="status-badge status-succeeded">stable</span>
          )}
        </div>
        <dl className="drift-facts">
          <dt>method</dt>
          <dd>{methodLabel(feature.method)}</dd>
          <dt>score</dt>
          <dd data-testid="drift-score">{scoreText(feature)}</dd>
          {feature.kind === 'number' && (
            <>
              <dt>PSI</dt>
              <dd>
                {feature.psi === null ? (
                  '—'
                ) : (
                  <>
                    {formatMetric(feature.psi)}{' '}
                    {feature.psiLevel !== null && (
                      <span className={`psi-level is-${feature.psiLevel}`}>{feature.psiLevel}</span>
                    )}
                  </>
                )}
              </dd>
            </>
          )}
          {qualityFacts(feature).map((fact) => (
            <FactRow key={fact.label} label={fact.label} value={fact.value} notable={fact.notable} />
          ))}
          <dt>values</dt>
          <dd>
            {feature.count} of {feature.rows} rows
          </dd>
        </dl>
      </div>
      <HistogramPair bars={histogramBars(feature.histogram)} />
    </div>
  );
}

function FactRow({ label, value, notable }: { label: string; value: string; notable: boolean }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={notable ? 'is-notable' : undefined}>{value}</dd>
    </>
  );
}
