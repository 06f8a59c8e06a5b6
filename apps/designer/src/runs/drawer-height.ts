/**
 * The step drawer's height: kept between visits, and always leaving the canvas enough room to see the node
 * whose step it shows.
 *
 * @module
 */

/** Where the height the user dragged the drawer to is kept (pixels, as a string). */
export const DRAWER_HEIGHT_KEY = 'loom.stepDrawerHeight';
/** Below this the drawer's header and one line of logs no longer fit. */
export const DRAWER_MIN_HEIGHT = 160;
/** The canvas keeps at least this much height whatever the drawer's size: one row of nodes and its controls. */
export const CANVAS_MIN_HEIGHT = 180;
/** One arrow-key press on the resize handle; with Shift, four. */
export const DRAWER_KEY_STEP = 24;

/**
 * `height` held between {@link DRAWER_MIN_HEIGHT} and what leaves the canvas {@link CANVAS_MIN_HEIGHT}, in
 * whole pixels. `shared` is the height the canvas and the drawer divide between them.
 *
 * @example clampDrawerHeight(900, 600) // → 420: the canvas keeps 180
 */
export function clampDrawerHeight(height: number, shared: number): number {
  const max = Math.max(DRAWER_MIN_HEIGHT, shared - CANVAS_MIN_HEIGHT);
  return Math.round(Math.min(max, Math.max(DRAWER_MIN_HEIGHT, height)));
}

/** The largest height {@link clampDrawerHeight} allows. */
export function maxDrawerHeight(shared: number): number {
  return clampDrawerHeight(Number.POSITIVE_INFINITY, shared);
}

/**
 * The height a key press on the resize handle asks for, or `undefined` for a key the handle ignores. The
 * handle is a horizontal separator above the drawer: up makes the drawer taller, down shorter, Home and End
 * go to the smallest and largest.
 */
export function keyedDrawerHeight(key: string, shiftKey: boolean, height: number, shared: number): number | undefined {
  const step = shiftKey ? DRAWER_KEY_STEP * 4 : DRAWER_KEY_STEP;
  switch (key) {
    case 'ArrowUp':
      return clampDrawerHeight(height + step, shared);
    case 'ArrowDown':
      return clampDrawerHeight(height - step, shared);
    case 'Home':
      return DRAWER_MIN_HEIGHT;
    case 'End':
      return maxDrawerHeight(shared);
    default:
      return undefined;
  }
}

/** The kept height, or `undefined` when none was kept or what is kept is not a height (then CSS decides). */
export function readDrawerHeight(storage: Pick<Storage, 'getItem'> | undefined): number | undefined {
  let text: string | null = null;
  try {
    text = storage?.getItem(DRAWER_HEIGHT_KEY) ?? null;
  } catch {
    // Storage refused (disabled by the browser's privacy settings): the drawer opens at its default height.
    return undefined;
  }
  if (text === null || !/^\d+$/.test(text)) return undefined;
  const height = Number(text);
  return height >= DRAWER_MIN_HEIGHT ? height : undefined;
}

/** Keeps `height` for the next visit; a storage that refuses only means the next visit opens at the default. */
export function writeDrawerHeight(storage: Pick<Storage, 'setItem'> | undefined, height: number): void {
  try {
    storage?.setItem(DRAWER_HEIGHT_KEY, String(Math.round(height)));
  } catch {
    // Full or disabled storage: the height still applies for this visit.
  }
}
