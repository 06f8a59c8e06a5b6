import { describe, expect, it } from 'vitest';
import { DETAIL_ZOOM, OVERVIEW_MIN_NODES, zoomLevel } from './overview-mode.ts';

describe('zoom levels', () => {
  it('shows detail at and above the detail zoom, whatever the size of the pipeline', () => {
    expect(zoomLevel(DETAIL_ZOOM, 10_000)).toBe('detail');
    expect(zoomLevel(1, 3)).toBe('detail');
  });

  it('below it, draws big pipelines on the overview layer and keeps small ones as compact DOM nodes', () => {
    expect(zoomLevel(DETAIL_ZOOM - 0.01, OVERVIEW_MIN_NODES)).toBe('overview');
    expect(zoomLevel(0.05, OVERVIEW_MIN_NODES - 1)).toBe('compact');
  });
});
