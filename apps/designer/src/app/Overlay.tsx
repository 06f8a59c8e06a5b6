import type { ReactNode } from 'react';
import { useEditor } from '../store/editor-context.tsx';

/** The dimmed backdrop of a dialog: a click on it closes the dialog (keyboard users have Escape). */
export function Overlay({ children }: { children: ReactNode }) {
  const close = useEditor((state) => state.openDialog);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer convenience; Escape closes dialogs for keyboards
    <div className="overlay" onMouseDown={(event) => event.target === event.currentTarget && close(undefined)}>
      {children}
    </div>
  );
}
