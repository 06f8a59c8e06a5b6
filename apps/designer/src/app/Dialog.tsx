import type { ReactNode } from 'react';
import { useEditor } from '../store/editor-context.tsx';
import { Overlay } from './Overlay.tsx';

/** A modal dialog: closes on Escape (the shortcut handler), on the × and on a click outside. */
export function Dialog({
  title,
  testId,
  children,
  wide,
  className,
}: {
  title: string;
  testId: string;
  children: ReactNode;
  wide?: boolean;
  /** A class of the dialog's own, for one that needs its own size or layout. */
  className?: string;
}) {
  const close = useEditor((state) => state.openDialog);
  return (
    <Overlay>
      <div
        className={`dialog${wide === true ? ' wide' : ''}${className === undefined ? '' : ` ${className}`}`}
        role="dialog"
        aria-label={title}
        data-testid={testId}
      >
        <div className="dialog-header">
          <h2>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={() => close(undefined)}>
            ×
          </button>
        </div>
        <div className="dialog-body">{children}</div>
      </div>
    </Overlay>
  );
}
