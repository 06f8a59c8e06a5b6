import type { RunTrigger } from '@loom/server/api-types';
import { triggerLabel, triggerTitle } from './trigger-facts.ts';
import './triggers.css';

/** What started a run ("◷ nightly", "webhook github-push", "alert …"); nothing for a run started by hand. */
export function RunTriggerBadge({ trigger }: { trigger: RunTrigger | undefined }) {
  if (trigger === undefined) return null;
  return (
    <span className="run-trigger" title={triggerTitle(trigger)} data-testid="run-trigger" data-kind={trigger.kind}>
      {triggerLabel(trigger)}
    </span>
  );
}
