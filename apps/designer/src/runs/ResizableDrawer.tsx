import {
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import {
  clampDrawerHeight,
  DRAWER_MIN_HEIGHT,
  keyedDrawerHeight,
  maxDrawerHeight,
  readDrawerHeight,
  writeDrawerHeight,
} from './drawer-height.ts';

const storage = typeof window === 'undefined' ? undefined : window.localStorage;

/** The height the canvas and the drawer share: the drawer's own and the canvas area's just above it. */
function sharedHeight(drawer: HTMLElement): number {
  const canvas = drawer.parentElement?.querySelector<HTMLElement>('.canvas-area');
  return drawer.offsetHeight + (canvas?.offsetHeight ?? 0);
}

/**
 * The step drawer's frame: a section below the canvas whose top edge is a handle. Drag it, or focus it and
 * use the arrow keys (Shift for bigger steps, Home and End for the ends), to give the drawer or the canvas
 * more room; the height is kept in local storage for the next visit. Until it is first resized the drawer
 * takes its default share of the height from the stylesheet.
 */
export function ResizableDrawer({ label, children }: { label: string; children: ReactNode }) {
  const [height, setHeight] = useState<number | undefined>(() => readDrawerHeight(storage));
  const [range, setRange] = useState({ now: height ?? 0, max: height ?? 0 });
  const section = useRef<HTMLElement>(null);
  const drag = useRef<{ startY: number; startHeight: number; shared: number } | undefined>(undefined);
  const id = useId();

  // The separator announces its position; read it from the laid-out drawer (the default height is CSS's).
  const measure = useCallback(() => {
    const element = section.current;
    if (element === null) return;
    const shared = sharedHeight(element);
    setRange({ now: element.offsetHeight, max: maxDrawerHeight(shared) });
  }, []);
  useEffect(() => {
    const element = section.current;
    if (element === null) return;
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [measure]);

  const resize = useCallback((next: number) => {
    setHeight(next);
    writeDrawerHeight(storage, next);
  }, []);

  const onPointerDown = useCallback((event: PointerEvent<HTMLDivElement>) => {
    const element = section.current;
    if (element === null || event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { startY: event.clientY, startHeight: element.offsetHeight, shared: sharedHeight(element) };
  }, []);
  const onPointerMove = useCallback((event: PointerEvent<HTMLDivElement>) => {
    const started = drag.current;
    if (started === undefined) return;
    // Dragging the top edge up makes the drawer taller.
    setHeight(clampDrawerHeight(started.startHeight + started.startY - event.clientY, started.shared));
  }, []);
  const onPointerUp = useCallback(
    (event: PointerEvent<HTMLDivElement>) => {
      const started = drag.current;
      drag.current = undefined;
      if (started === undefined) return;
      resize(clampDrawerHeight(started.startHeight + started.startY - event.clientY, started.shared));
    },
    [resize],
  );
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLDivElement>) => {
      const element = section.current;
      if (element === null) return;
      const next = keyedDrawerHeight(event.key, event.shiftKey, element.offsetHeight, sharedHeight(element));
      if (next === undefined) return;
      event.preventDefault();
      resize(next);
    },
    [resize],
  );

  return (
    <section
      ref={section}
      id={id}
      className="step-drawer"
      aria-label={label}
      data-testid="step-drawer"
      style={height === undefined ? undefined : { height }}
    >
      {/* biome-ignore lint/a11y/useSemanticElements: an <hr> cannot be focused or dragged; this is the focusable separator of the WAI-ARIA window splitter pattern */}
      <div
        className="drawer-resize"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize step details"
        aria-controls={id}
        aria-valuemin={DRAWER_MIN_HEIGHT}
        aria-valuemax={range.max}
        aria-valuenow={range.now}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
        data-testid="drawer-resize"
      />
      {children}
    </section>
  );
}
