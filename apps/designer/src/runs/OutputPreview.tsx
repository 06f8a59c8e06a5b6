import type { Metrics } from '@loom/sdk';
import type { ArtifactPreview, StoredStep } from '@loom/server/api-types';
import { useEffect, useState } from 'react';
import { useSession } from '../commands/use-commands.tsx';
import { useEditor } from '../store/editor-context.tsx';
import { downloadName, outputTypesOf } from './download-name.ts';
import { EndpointView, isEndpoint } from './previews/EndpointView.tsx';
import { JsonPreview } from './previews/JsonPreview.tsx';
import { MetricsView } from './previews/MetricsView.tsx';
import { TableGrid } from './previews/TableGrid.tsx';
import { TextPreview } from './previews/TextPreview.tsx';

type Output = StoredStep['outputs'][string];

/** One output of a step: what it is, a preview suited to its type, and a download link. */
export function OutputPreview({ port, output }: { port: string; output: Output }) {
  const session = useSession();
  const fileName = useEditor((state) => {
    const view = state.runView;
    if (view === undefined || state.drawerStep === undefined) return port;
    const outputTypes = outputTypesOf(view.plan, view.steps);
    return downloadName({ pipeline: view.run.pipelineName, stepId: state.drawerStep, port, output, outputTypes });
  });
  const [preview, setPreview] = useState<ArtifactPreview | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    session.api.artifactPreview(output.sha256).then(
      (reply) => !cancelled && setPreview(reply),
      (cause: Error) => !cancelled && setError(cause.message),
    );
    return () => {
      cancelled = true;
    };
  }, [session, output.sha256]);

  return (
    <div className="output-block" data-testid={`output-${port}`}>
      <div className="output-title">
        <span>{port}</span>
        <span className="output-type">{output.type}</span>
        <span className="output-size">{formatBytes(output.size)}</span>
        <a
          className="button small"
          href={session.api.artifactUrl(output.sha256, fileName)}
          download={fileName}
          data-testid={`download-${port}`}
        >
          Download
        </a>
      </div>
      {error !== undefined && <div className="field-error">Preview failed: {error}</div>}
      {preview === undefined && error === undefined && <div className="empty-note">Loading preview…</div>}
      {preview !== undefined && <PreviewBody type={output.type} preview={preview} />}
    </div>
  );
}

function PreviewBody({ type, preview }: { type: string; preview: ArtifactPreview }) {
  const openEndpoints = useEditor((state) => state.openEndpoints);
  const toast = useEditor((state) => state.toast);
  switch (preview.kind) {
    case 'table':
      return <TableGrid columns={preview.columns} rows={preview.rows} rowCount={preview.rowCount} />;
    case 'json':
      if (type === 'metrics' && isRecord(preview.value)) return <MetricsView metrics={preview.value as Metrics} />;
      if (type === 'endpoint' && isEndpoint(preview.value)) {
        return (
          <EndpointView
            endpoint={preview.value}
            onOpen={openEndpoints}
            onCopy={(text) =>
              navigator.clipboard.writeText(text).then(
                () => toast('success', 'Copied the endpoint address'),
                () => toast('error', 'The browser did not let Loom copy; select the address and copy it'),
              )
            }
          />
        );
      }
      return <JsonPreview value={preview.value} />;
    case 'text':
      return <TextPreview text={preview.text} truncated={preview.truncated} />;
    case 'binary':
      return <div className="empty-note">Binary, {formatBytes(preview.size)}: download it to inspect.</div>;
    default: {
      const unknown: never = preview;
      return unknown;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}
