import type { PipelineVersionList } from '@loom/server/api-types';
import { useEffect, useState } from 'react';
import { Dialog } from '../app/Dialog.tsx';
import { useSession } from '../commands/use-commands.tsx';
import { useEditor } from '../store/editor-context.tsx';
import { formatTime } from './format-time.ts';

/** The saved versions of the open pipeline; restoring one brings its content back as an undoable edit. */
export function VersionsDialog() {
  const session = useSession();
  const close = useEditor((state) => state.openDialog);
  const pipelineId = useEditor((state) => state.file.pipelineId);
  const current = useEditor((state) => state.file.version);
  const [versions, setVersions] = useState<PipelineVersionList['versions'] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (pipelineId === undefined) return;
    session.api.listVersions(pipelineId).then(
      (reply) => setVersions(reply.versions),
      (cause: Error) => setError(cause.message),
    );
  }, [session, pipelineId]);

  return (
    <Dialog title="Version history" testId="versions-dialog">
      {error !== undefined && <div className="field-error">{error}</div>}
      <ul className="pick-list">
        {versions?.map((version) => (
          <li key={version.version} className="version-row">
            <span className="pick-title">
              v{version.version} {version.version === current && <span className="tag">open</span>}
            </span>
            <span className="pick-meta">
              {version.name} · {formatTime(version.createdAt)}
            </span>
            <button
              type="button"
              className="button small"
              disabled={version.version === current}
              onClick={() => {
                void session.restoreVersion(version.version);
                close(undefined);
              }}
              data-testid={`restore-v${version.version}`}
            >
              Restore
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
