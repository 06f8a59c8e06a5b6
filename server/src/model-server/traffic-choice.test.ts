import { describe, expect, it } from 'vitest';
import { chooseVersion, fnv1a32 } from './traffic-choice.ts';

const canary = (percent: number) => [
  { version: 2, percent },
  { version: 1, percent: 100 - percent },
];

describe('fnv1a32', () => {
  it('is the 32-bit FNV-1a hash', () => {
    // The reference values of the FNV test suite.
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});

describe('chooseVersion', () => {
  it('sends everything to a single route, and nothing anywhere without routes', () => {
    expect(chooseVersion([{ version: 3, percent: 100 }], 'x')).toBe(3);
    expect(chooseVersion([{ version: 3, percent: 100 }], undefined)).toBe(3);
    expect(chooseVersion([], 'x')).toBeUndefined();
    expect(
      chooseVersion(
        [
          { version: 2, percent: 0 },
          { version: 1, percent: 100 },
        ],
        'x',
      ),
    ).toBe(1);
  });

  it('gives an id the bucket of its hash, the newest version taking the top buckets', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `request-${i}`);
    for (const id of ids.slice(0, 200)) {
      expect(chooseVersion(canary(10), id)).toBe(fnv1a32(id) % 100 >= 90 ? 2 : 1);
    }
    const share = ids.filter((id) => chooseVersion(canary(10), id) === 2).length / ids.length;
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.13);
  });

  it('keeps on the canary every id it had as the canary grows', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `user-${i}`);
    const onCanary = (percent: number) => new Set(ids.filter((id) => chooseVersion(canary(percent), id) === 2));
    const [at10, at20, at50] = [onCanary(10), onCanary(20), onCanary(50)];
    expect([...at10].every((id) => at20.has(id))).toBe(true);
    expect([...at20].every((id) => at50.has(id))).toBe(true);
    expect(at10.size).toBeLessThan(at20.size);
  });

  it('draws a bucket at random for a request without an id', () => {
    expect(chooseVersion(canary(10), undefined, () => 0.95)).toBe(2);
    expect(chooseVersion(canary(10), undefined, () => 0.5)).toBe(1);
  });
});
