import { describe, expect, it } from 'vitest';
import { formatTime } from './format-time.ts';

// Local times on both sides, so the test reads the same in every time zone.
const now = new Date(2025, 11, 10, 18, 30);
const at = (year: number, month: number, day: number, hour: number, minute: number) =>
  new Date(year, month, day, hour, minute).toISOString();

describe('formatTime', () => {
  it('says today and yesterday with the time', () => {
    expect(formatTime(at(2025, 11, 10, 14, 3), now)).toBe('today 14:03');
    expect(formatTime(at(2025, 11, 9, 9, 5), now)).toBe('yesterday 09:05');
  });

  it('gives the day and month this year, and the year before it', () => {
    expect(formatTime(at(2025, 11, 5, 14, 3), now)).toBe('5 Dec 14:03');
    expect(formatTime(at(2025, 0, 1, 0, 0), now)).toBe('1 Jan 00:00');
    expect(formatTime(at(2024, 11, 5, 14, 3), now)).toBe('5 Dec 2024 14:03');
  });

  it('gives back text that is no date', () => {
    expect(formatTime('soon', now)).toBe('soon');
  });
});
