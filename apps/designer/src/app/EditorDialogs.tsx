import { HelpOverlay } from '../commands/HelpOverlay.tsx';
import { EndpointsDialog } from '../endpoints/EndpointsDialog.tsx';
import { ExamplesDialog } from '../files/ExamplesDialog.tsx';
import { NameDialog } from '../files/NameDialog.tsx';
import { OpenDialog } from '../files/OpenDialog.tsx';
import { VersionsDialog } from '../files/VersionsDialog.tsx';
import { QuickAdd } from '../palette/QuickAdd.tsx';
import { RunDialog } from '../runs/RunDialog.tsx';
import { RunHistoryDialog } from '../runs/RunHistoryDialog.tsx';
import { useEditor } from '../store/editor-context.tsx';
import { TriggersDialog } from '../triggers/TriggersDialog.tsx';

/** The one open dialog, if any. */
export function EditorDialogs() {
  const dialog = useEditor((state) => state.dialog);
  switch (dialog) {
    case undefined:
      return null;
    case 'open':
      return <OpenDialog />;
    case 'examples':
      return <ExamplesDialog />;
    case 'versions':
      return <VersionsDialog />;
    case 'run':
      return <RunDialog />;
    case 'runs':
      return <RunHistoryDialog />;
    case 'help':
      return <HelpOverlay />;
    case 'quick-add':
      return <QuickAdd />;
    case 'name':
      return <NameDialog />;
    case 'endpoints':
      return <EndpointsDialog />;
    case 'triggers':
      return <TriggersDialog />;
    default: {
      const unknown: never = dialog;
      return unknown;
    }
  }
}
