import { Overlay } from '../app/Overlay.tsx';
import { useEditor } from '../store/editor-context.tsx';
import { EDITOR_COMMANDS } from './editor-commands.ts';
import { formatShortcut } from './shortcuts.ts';

const GROUP_TITLES = { file: 'File', edit: 'Edit', view: 'View', run: 'Run', help: 'Help' } as const;

/** Every command with a shortcut, from the same list the shortcut handler uses. */
export function HelpOverlay() {
  const close = useEditor((state) => state.openDialog);
  const groups = (Object.keys(GROUP_TITLES) as Array<keyof typeof GROUP_TITLES>).map((group) => ({
    group,
    commands: EDITOR_COMMANDS.filter((command) => command.group === group && command.shortcuts !== undefined),
  }));
  return (
    <Overlay>
      <div className="dialog help-overlay" role="dialog" aria-label="Keyboard shortcuts">
        <div className="dialog-header">
          <h2>Keyboard shortcuts</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={() => close(undefined)}>
            ×
          </button>
        </div>
        <div className="help-grid">
          {groups.map(({ group, commands }) => (
            <section key={group}>
              <h3>{GROUP_TITLES[group]}</h3>
              <dl>
                {commands.map((command) => (
                  <div key={command.id} className="help-row">
                    <dt>{command.label}</dt>
                    <dd>
                      {command.shortcuts?.map((shortcut) => (
                        <kbd key={shortcut}>{formatShortcut(shortcut)}</kbd>
                      ))}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
          <section>
            <h3>Canvas</h3>
            <dl>
              <div className="help-row">
                <dt>Box select</dt>
                <dd>
                  <kbd>Shift</kbd> + drag
                </dd>
              </div>
              <div className="help-row">
                <dt>Add to selection</dt>
                <dd>
                  <kbd>{formatShortcut('Mod')}</kbd> + click
                </dd>
              </div>
              <div className="help-row">
                <dt>Pan</dt>
                <dd>drag the background, or scroll</dd>
              </div>
            </dl>
          </section>
        </div>
      </div>
    </Overlay>
  );
}
