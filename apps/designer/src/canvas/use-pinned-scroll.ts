import { type RefObject, useEffect } from 'react';

/**
 * Keeps the canvas's own boxes from scrolling. They clip with `overflow: hidden`, which a browser still
 * scrolls when something inside is focused or "scrolled into view" (an autofocused note, a drop that
 * lands near an edge): the whole drawing then sits shifted against the pointer, and drops, drags and
 * connections miss. React Flow moves the view with transforms, never by scrolling, so any scroll here
 * is undone at once. Scroll events do not bubble; listening in the capture phase sees them all. Boxes
 * that really scroll (a long note's text) are left alone.
 */
export function usePinnedScroll(container: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const unscroll = (event: Event) => {
      const target = event.target;
      if (!(target instanceof HTMLElement)) return;
      if (target !== element && !target.classList.contains('react-flow') && !target.className.includes('react-flow__'))
        return;
      if (target.scrollTop !== 0) target.scrollTop = 0;
      if (target.scrollLeft !== 0) target.scrollLeft = 0;
    };
    element.addEventListener('scroll', unscroll, { capture: true });
    return () => element.removeEventListener('scroll', unscroll, { capture: true });
  }, [container]);
}
