import { describe, expect, it } from 'vitest';
import {
  CANVAS_MIN_HEIGHT,
  clampDrawerHeight,
  DRAWER_HEIGHT_KEY,
  DRAWER_KEY_STEP,
  DRAWER_MIN_HEIGHT,
  keyedDrawerHeight,
  maxDrawerHeight,
  readDrawerHeight,
  writeDrawerHeight,
} from './drawer-height.ts';

/** A Storage with only what the drawer uses. */
function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    items,
  };
}

describe('drawer height', () => {
  it('keeps the drawer between its minimum and what leaves the canvas its minimum', () => {
    expect(clampDrawerHeight(300, 600)).toBe(300);
    expect(clampDrawerHeight(50, 600)).toBe(DRAWER_MIN_HEIGHT);
    expect(clampDrawerHeight(900, 600)).toBe(600 - CANVAS_MIN_HEIGHT);
    expect(clampDrawerHeight(250.6, 600)).toBe(251);
    // Too little room for both: the drawer keeps its minimum.
    expect(clampDrawerHeight(300, 200)).toBe(DRAWER_MIN_HEIGHT);
    expect(maxDrawerHeight(600)).toBe(600 - CANVAS_MIN_HEIGHT);
  });

  it('moves by a step per arrow key, four with Shift, and to the ends with Home and End', () => {
    expect(keyedDrawerHeight('ArrowUp', false, 300, 600)).toBe(300 + DRAWER_KEY_STEP);
    expect(keyedDrawerHeight('ArrowDown', false, 300, 600)).toBe(300 - DRAWER_KEY_STEP);
    expect(keyedDrawerHeight('ArrowUp', true, 200, 600)).toBe(200 + 4 * DRAWER_KEY_STEP);
    expect(keyedDrawerHeight('ArrowUp', false, 410, 600)).toBe(420);
    expect(keyedDrawerHeight('Home', false, 300, 600)).toBe(DRAWER_MIN_HEIGHT);
    expect(keyedDrawerHeight('End', false, 300, 600)).toBe(420);
    expect(keyedDrawerHeight('a', false, 300, 600)).toBeUndefined();
  });

  it('reads back what it kept, and ignores what is not a height', () => {
    const storage = memoryStorage();
    expect(readDrawerHeight(storage)).toBeUndefined();
    writeDrawerHeight(storage, 312.4);
    expect(storage.items.get(DRAWER_HEIGHT_KEY)).toBe('312');
    expect(readDrawerHeight(storage)).toBe(312);
    for (const text of ['', 'tall', '-300', '1e3', '100']) {
      expect(readDrawerHeight(memoryStorage({ [DRAWER_HEIGHT_KEY]: text })), text).toBeUndefined();
    }
    expect(readDrawerHeight(undefined)).toBeUndefined();
  });

  it('opens at the default when storage refuses, and still resizes', () => {
    const refusing = {
      getItem: (): string | null => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(readDrawerHeight(refusing)).toBeUndefined();
    expect(() => writeDrawerHeight(refusing, 300)).not.toThrow();
  });
});
