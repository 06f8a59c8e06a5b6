import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testCatalog } from '../test-fixtures/test-catalog.ts';
import { createEditorStore } from './editor-store.ts';
import { CANVAS_TOAST_MS } from './ui-slice.ts';

describe('toasts', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const messages = (store: ReturnType<typeof createEditorStore>) => store.getState().toasts.map((t) => t.message);

  it('a canvas toast goes at the next press on the canvas; the others stay', () => {
    const store = createEditorStore(testCatalog());
    store.getState().toast('success', 'Saved');
    store
      .getState()
      .toast('error', 'Cannot connect: no', { untilCanvasInteraction: true, durationMs: CANVAS_TOAST_MS });
    expect(messages(store)).toEqual(['Saved', 'Cannot connect: no']);
    store.getState().dismissCanvasToasts();
    expect(messages(store)).toEqual(['Saved']);
  });

  it('a canvas toast is short-lived; an error toast without options stays longer', () => {
    const store = createEditorStore(testCatalog());
    store
      .getState()
      .toast('error', 'Cannot connect: no', { untilCanvasInteraction: true, durationMs: CANVAS_TOAST_MS });
    store.getState().toast('error', 'Save failed');
    vi.advanceTimersByTime(CANVAS_TOAST_MS);
    expect(messages(store)).toEqual(['Save failed']);
    vi.advanceTimersByTime(8000 - CANVAS_TOAST_MS);
    expect(messages(store)).toEqual([]);
  });

  it('a press on the canvas with no canvas toast shown changes nothing', () => {
    const store = createEditorStore(testCatalog());
    store.getState().toast('info', 'Nodes reloaded');
    const before = store.getState().toasts;
    store.getState().dismissCanvasToasts();
    expect(store.getState().toasts).toBe(before);
  });
});
