import { useEffect, useRef, useState } from 'react';
import type { CommandGroup } from '../commands/command.ts';
import { EDITOR_COMMANDS } from '../commands/editor-commands.ts';
import { formatShortcut } from '../commands/shortcuts.ts';
import { useRunCommand } from '../commands/use-commands.tsx';
import { useEditor } from '../store/editor-context.tsx';

const MENUS: Array<{ group: CommandGroup; title: string }> = [
  { group: 'file', title: 'File' },
  { group: 'edit', title: 'Edit' },
  { group: 'view', title: 'View' },
  { group: 'run', title: 'Run' },
  { group: 'help', title: 'Help' },
];

/** The menus, built from the command list (the same one shortcuts and the help overlay use). */
export function MenuBar() {
  const [open, setOpen] = useState<CommandGroup | undefined>(undefined);
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open === undefined) return;
    const close = (event: MouseEvent) => {
      if (!bar.current?.contains(event.target as Node)) setOpen(undefined);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);

  return (
    <div className="menu-bar" ref={bar} role="menubar">
      {MENUS.map(({ group, title }) => (
        <div key={group} className="menu">
          <button
            type="button"
            role="menuitem"
            aria-haspopup="menu"
            aria-expanded={open === group}
            className={`menu-button${open === group ? ' is-open' : ''}`}
            onClick={() => setOpen(open === group ? undefined : group)}
            onMouseEnter={() => open !== undefined && setOpen(group)}
            data-testid={`menu-${group}`}
          >
            {title}
          </button>
          {open === group && <MenuItems group={group} onDone={() => setOpen(undefined)} />}
        </div>
      ))}
    </div>
  );
}

function MenuItems({ group, onDone }: { group: CommandGroup; onDone: () => void }) {
  const state = useEditor((s) => s);
  const runCommand = useRunCommand();
  return (
    <div className="menu-items" role="menu">
      {EDITOR_COMMANDS.filter((command) => command.group === group).map((command) => {
        const enabled = command.enabled?.(state) ?? true;
        return (
          <button
            key={command.id}
            type="button"
            role="menuitem"
            className="menu-item"
            disabled={!enabled}
            onClick={() => {
              onDone();
              runCommand(command);
            }}
            data-testid={`command-${command.id}`}
          >
            <span>{command.label}</span>
            {command.shortcuts?.[0] !== undefined && <kbd>{formatShortcut(command.shortcuts[0])}</kbd>}
          </button>
        );
      })}
    </div>
  );
}
