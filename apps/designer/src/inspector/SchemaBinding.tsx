import type { PipelineParameter } from '@loom/graph';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { formatValue } from './schema-fields.ts';
import { CloseIcon, LinkIcon } from './schema-form-icons.tsx';

export interface BindMenuProps {
  /** The field's parameter name, used in data-testids (`bind-<name>`, `bind-<name>-<param>`). */
  name: string;
  /** The field's label, for the button's accessible name. */
  label: string;
  /** The pipeline parameters whose type fits the field, in menu order. */
  candidates: ReadonlyArray<[string, PipelineParameter]>;
  /** Called with the chosen pipeline parameter's name. */
  onBind: (parameter: string) => void;
}

/**
 * A small button that opens a menu of the pipeline parameters a field may be bound to. Keyboard: arrows,
 * Home and End move between parameters, Escape closes and returns focus to the button.
 */
export function BindMenu({ name, label, candidates, onBind }: BindMenuProps) {
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    container.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const closeOutside = (event: PointerEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeOutside);
    return () => document.removeEventListener('pointerdown', closeOutside);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(container.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const current = items.indexOf(document.activeElement as HTMLElement);
    const focusAt = (index: number) => items[(index + items.length) % items.length]?.focus();
    switch (event.key) {
      case 'Escape':
        event.preventDefault();
        close();
        break;
      case 'Tab':
        setOpen(false);
        break;
      case 'ArrowDown':
        event.preventDefault();
        focusAt(current + 1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        focusAt(current - 1);
        break;
      case 'Home':
        event.preventDefault();
        focusAt(0);
        break;
      case 'End':
        event.preventDefault();
        focusAt(items.length - 1);
        break;
    }
  };

  return (
    <div className="bind-menu" ref={container}>
      <button
        ref={button}
        type="button"
        className={`schema-icon-button${open ? ' is-active' : ''}`}
        aria-label={`Bind ${label} to a pipeline parameter`}
        title="Bind to a pipeline parameter"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((was) => !was)}
        data-testid={`bind-${name}`}
      >
        <LinkIcon />
      </button>
      {open && (
        <div
          className="bind-menu-popover"
          id={menuId}
          role="menu"
          aria-label={`Pipeline parameters for ${label}`}
          tabIndex={-1}
          onKeyDown={onMenuKeyDown}
        >
          <div className="bind-menu-heading">Pipeline parameters</div>
          {candidates.length === 0 ? (
            <p className="bind-menu-empty">
              No pipeline parameter fits this field. Add one in the pipeline's settings to use it here.
            </p>
          ) : (
            candidates.map(([parameter, declared]) => (
              <button
                key={parameter}
                type="button"
                role="menuitem"
                className="bind-menu-item"
                title={declared.description}
                onClick={() => {
                  setOpen(false);
                  onBind(parameter);
                }}
                data-testid={`bind-${name}-${parameter}`}
              >
                <span className="bind-menu-name">${parameter}</span>
                <span className="bind-menu-meta">
                  {declared.type}
                  {declared.default === undefined ? '' : ` · ${formatValue(declared.default)}`}
                </span>
              </button>
            ))
          )}
        </div>
      )}
    </div>
  );
}

export interface BoundParameterProps {
  /** The field's parameter name, used in data-testids (`bound-<name>`, `unbind-<name>`). */
  name: string;
  /** The field's label, for the unbind button's accessible name. */
  label: string;
  /** The pipeline parameter the field is bound to. */
  parameter: string;
  /** That parameter's declaration, or undefined when the pipeline has none by that name. */
  declared: PipelineParameter | undefined;
  /** Whether the declared parameter's type fits the field. */
  fits: boolean;
  /** The id the field's input would have, so the field's label still names something. */
  id: string;
  /** Ids of the help and error text. */
  describedBy: string | undefined;
  onUnbind: () => void;
}

/** A bound field: a chip `= $name` with an unbind button and what the parameter is. */
export function BoundParameter({
  name,
  label,
  parameter,
  declared,
  fits,
  id,
  describedBy,
  onUnbind,
}: BoundParameterProps) {
  const problem =
    declared === undefined
      ? `The pipeline has no parameter named ${parameter}.`
      : fits
        ? undefined
        : `$${parameter} is a ${declared.type} parameter, which does not fit this field.`;
  return (
    <div className="bound-parameter">
      <div className="bound-parameter-row">
        <output
          id={id}
          className={`param-chip${problem === undefined ? '' : ' has-problem'}`}
          aria-describedby={describedBy}
          data-testid={`bound-${name}`}
        >
          = ${parameter}
        </output>
        <button
          type="button"
          className="schema-icon-button"
          aria-label={`Unbind ${label} from $${parameter}`}
          title="Unbind: use a value of its own"
          onClick={onUnbind}
          data-testid={`unbind-${name}`}
        >
          <CloseIcon />
        </button>
        {declared !== undefined && (
          <span className="bound-parameter-meta" title={declared.description}>
            {declared.type}
            {declared.default === undefined ? '' : ` · default ${formatValue(declared.default)}`}
          </span>
        )}
      </div>
      {problem !== undefined && <p className="bound-parameter-problem">{problem}</p>}
    </div>
  );
}
