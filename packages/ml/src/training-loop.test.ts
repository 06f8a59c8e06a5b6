import { describe, expect, it } from 'vitest';
import { createRng } from './rng.ts';
import { createPacer, splitRows } from './training-loop.ts';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Burns the slice as numeric work would.
  }
}

describe('createPacer', () => {
  it('is due once its slice is used up, and not again right after a pause', async () => {
    const pacer = createPacer(undefined, 10);
    expect(pacer.due()).toBe(false);
    busy(12);
    expect(pacer.due()).toBe(true);
    await pacer.pause();
    expect(pacer.due()).toBe(false);
  });

  it('lets timers run during a pause', async () => {
    const pacer = createPacer(undefined, 0);
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    busy(2);
    await pacer.pause();
    expect(fired).toBe(true);
  });

  it('throws the abort reason from due() and pause()', async () => {
    const controller = new AbortController();
    const pacer = createPacer(controller.signal);
    const reason = new Error('stopped by the user');
    const pausing = pacer.pause();
    controller.abort(reason);
    await expect(pausing).rejects.toBe(reason);
    expect(() => pacer.due()).toThrow(reason);
  });
});

describe('splitRows', () => {
  it('partitions the rows, each part ascending', () => {
    const { train, held } = splitRows(103, 0.2, createRng(1));
    expect(held.length).toBe(21);
    const all = [...train, ...held].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 103 }, (_, i) => i));
    for (const part of [train, held])
      for (let i = 1; i < part.length; i++) expect(part[i]).toBeGreaterThan(part[i - 1] as number);
  });

  it('holds out each class in proportion, and never a class’s only row', () => {
    // 90 rows of class 0, 10 of class 1, 1 of class 2.
    const y = Int32Array.from({ length: 101 }, (_, i) => (i < 90 ? 0 : i < 100 ? 1 : 2));
    const { train, held } = splitRows(101, 0.1, createRng(2), { y, classCount: 3 });
    const count = (rows: Int32Array, k: number) => rows.filter((r) => y[r] === k).length;
    expect([0, 1, 2].map((k) => count(held, k))).toEqual([9, 1, 0]);
    expect(count(train, 2)).toBe(1);
  });

  it('depends on the seed only', () => {
    const one = splitRows(50, 0.3, createRng(7));
    expect(splitRows(50, 0.3, createRng(7))).toEqual(one);
    expect(splitRows(50, 0.3, createRng(8)).held).not.toEqual(one.held);
  });
});
