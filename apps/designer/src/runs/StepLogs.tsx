import type { StepLog } from '@loom/server/api-types';
import { useEffect, useState } from 'react';
import { useSession } from '../commands/use-commands.tsx';

const POLL_MS = 1000;

/** A step's log lines for one attempt (the latest by default), refreshed while the step runs. */
export function StepLogs({
  runId,
  stepId,
  attempts,
  live,
}: {
  runId: string;
  stepId: string;
  attempts: number;
  live: boolean;
}) {
  const session = useSession();
  const [attempt, setAttempt] = useState<number | undefined>(undefined);
  const [logs, setLogs] = useState<StepLog[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const shown = attempt ?? (attempts > 0 ? attempts : undefined);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      session.api.stepLogs(runId, stepId, shown).then(
        (reply) => {
          if (cancelled) return;
          setLogs(reply.logs);
          setError(undefined);
          if (live) timer = setTimeout(load, POLL_MS);
        },
        (cause: Error) => !cancelled && setError(cause.message),
      );
    };
    load();
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [session, runId, stepId, shown, live]);

  return (
    <div className="step-logs">
      {attempts > 1 && (
        <div className="attempt-picker">
          Attempt{' '}
          {Array.from({ length: attempts }, (_, i) => i + 1).map((n) => (
            <button
              key={n}
              type="button"
              className={`chip${n === shown ? ' is-active' : ''}`}
              onClick={() => setAttempt(n)}
            >
              {n}
            </button>
          ))}
        </div>
      )}
      {error !== undefined && <div className="field-error">{error}</div>}
      {logs?.length === 0 && <div className="empty-note">No log lines{live ? ' yet' : ''}.</div>}
      <ol className="log-lines" data-testid="step-logs">
        {logs?.map((line) => (
          <li key={line.seq} className={`log-line level-${line.level}`}>
            <time>{line.at.slice(11, 23)}</time>
            <span className="log-level">{line.level}</span>
            <span className="log-text">
              <span className="log-message">{line.message}</span>
              {line.fields !== undefined && <span className="log-fields">{JSON.stringify(line.fields)}</span>}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
