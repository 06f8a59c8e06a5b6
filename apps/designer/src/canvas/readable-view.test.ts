import { describe, expect, it } from 'vitest';
import { MIN_READABLE_ZOOM, readableFit, readableWidth, revealRect, roomForMinimap } from './readable-view.ts';

const screen = { width: 870, height: 600 };

describe('readableFit', () => {
  it('frames a small pipeline whole and centred, no larger than maxZoom', () => {
    const view = readableFit({ bounds: { x: 0, y: 0, width: 400, height: 100 }, screen, maxZoom: 1.1 });
    expect(view.zoom).toBe(1.1);
    expect(view.x).toBeCloseTo((870 - 440) / 2);
    expect(view.y).toBeCloseTo((600 - 110) / 2);
  });

  it('frames a pipeline whole at the zoom that fits it when that zoom is readable', () => {
    const view = readableFit({ bounds: { x: 100, y: 50, width: 790 / 0.95, height: 100 }, screen });
    expect(view.zoom).toBeCloseTo(0.95);
    expect(view.x).toBeCloseTo(40 - 100 * 0.95);
  });

  it('never goes below the readable zoom: a long chain shows its start, with the padding before it', () => {
    // A 5-node chain in one row (1500 flow pixels) fitted whole would need zoom 0.53 (6.6 px titles).
    const view = readableFit({ bounds: { x: -20, y: 0, width: 1500, height: 100 }, screen });
    expect(view.zoom).toBe(MIN_READABLE_ZOOM);
    expect(12.5 * view.zoom).toBeGreaterThanOrEqual(11);
    expect(view.x).toBeCloseTo(40 + 20 * MIN_READABLE_ZOOM);
    // The short axis still fits: centred.
    expect(view.y).toBeCloseTo((600 - 90) / 2);
  });

  it('centres the focus (the selection) when the whole cannot be shown', () => {
    const focus = { x: 700, y: 0, width: 200, height: 100 };
    const view = readableFit({ bounds: { x: 0, y: 0, width: 1500, height: 100 }, focus, screen });
    expect(view.x + 800 * view.zoom).toBeCloseTo(435);
  });

  it('does not centre a focus near the end so far that empty canvas shows past the last node', () => {
    const focus = { x: 1400, y: 0, width: 100, height: 100 };
    const view = readableFit({ bounds: { x: 0, y: 0, width: 1500, height: 100 }, focus, screen });
    expect(view.x + 1500 * view.zoom).toBeCloseTo(870 - 40);
  });

  it('clamps on both axes for a pipeline larger than the screen each way', () => {
    const view = readableFit({ bounds: { x: 0, y: 0, width: 3000, height: 3000 }, screen });
    expect(view).toEqual({ x: 40, y: 40, zoom: MIN_READABLE_ZOOM });
  });

  it('lets a caller ask for a smaller minimum', () => {
    const view = readableFit({ bounds: { x: 0, y: 0, width: 3000, height: 100 }, screen, minZoom: 0.1 });
    expect(view.zoom).toBeCloseTo(790 / 3000);
  });
});

describe('revealRect', () => {
  const view = { x: 0, y: 0, zoom: 1 };

  it('leaves the view alone when the rect is in view', () => {
    expect(revealRect({ x: 100, y: 100, width: 200, height: 100 }, view, screen, 20)).toBeUndefined();
  });

  it('pans up just enough for a rect below the bottom, keeping the inset free', () => {
    const small = { width: 800, height: 300 };
    expect(revealRect({ x: 100, y: 400, width: 200, height: 100 }, view, small, 20)).toEqual({
      x: 0,
      y: -220,
      zoom: 1,
    });
  });

  it('pans for a rect off the left and above the top, at the current zoom', () => {
    const zoomed = { x: 0, y: 0, zoom: 2 };
    expect(revealRect({ x: -100, y: -50, width: 50, height: 20 }, zoomed, screen, 10)).toEqual({
      x: 210,
      y: 110,
      zoom: 2,
    });
  });

  it('shows the top-left of a rect larger than the room, with per-side insets', () => {
    const insets = { top: 10, right: 20, bottom: 200, left: 30 };
    const moved = revealRect({ x: 0, y: 0, width: 2000, height: 1000 }, { x: 500, y: 500, zoom: 1 }, screen, insets);
    expect(moved).toEqual({ x: 30, y: 10, zoom: 1 });
  });
});

describe('roomForMinimap', () => {
  it('keeps the minimap on a roomy canvas and drops it on one squeezed by the drawer', () => {
    expect(roomForMinimap({ width: 872, height: 700 })).toBe(true);
    // 1280 × 720 with the step drawer open: about 350 pixels of canvas.
    expect(roomForMinimap({ width: 712, height: 350 })).toBe(false);
    expect(roomForMinimap({ width: 500, height: 700 })).toBe(false);
  });
});

describe('readableWidth', () => {
  it('is the flow width a canvas shows inside the padding at the readable zoom', () => {
    expect(readableWidth({ width: 872, height: 700 })).toBeCloseTo(792 / MIN_READABLE_ZOOM);
    expect(readableWidth({ width: 0, height: 0 })).toBe(0);
  });
});
