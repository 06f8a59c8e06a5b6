import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, checkCron } from './cron.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function schedule(cron: string, timezone = 'UTC') {
  const check = checkCron(cron, timezone);
  if (!check.ok) throw new Error(check.message);
  return check.schedule;
}

describe('checkCron', () => {
  it('reads five fields in the time zone given, across a change to summer time', () => {
    const nightly = schedule('0 3 * * *', 'Europe/Paris');
    // 03:00 in Paris is 02:00 UTC in winter and 01:00 UTC in summer (from 29 March 2026).
    expect(iso(nightly.next(at('2026-03-27T12:00:00Z')))).toBe('2026-03-28T02:00:00.000Z');
    expect(iso(nightly.next(at('2026-03-28T12:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
  });

  it('reads six fields as seconds first, and aliases', () => {
    expect(iso(schedule('*/10 * * * * *').next(at('2026-01-01T00:00:00Z')))).toBe('2026-01-01T00:00:10.000Z');
    expect(iso(schedule('@hourly').next(at('2026-01-01T00:30:00Z')))).toBe('2026-01-01T01:00:00.000Z');
  });

  it('names the faulty field and its position', () => {
    expect(checkCron('61 * * * *', 'UTC')).toEqual({
      ok: false,
      field: 'cron',
      message: 'cron: "61" at position 1 (minute): Constraint error, got value 61 expected range 0-59',
    });
    expect(checkCron('0  25 * * *', 'UTC')).toMatchObject({
      field: 'cron',
      message: expect.stringMatching(/^cron: "25" at position 4 \(hour\): /),
    });
    expect(checkCron('0 0 * * * 9', 'UTC')).toMatchObject({
      message: expect.stringMatching(/^cron: "9" at position 11 \(day of week\): /),
    });
    expect(checkCron('0 3 * foo *', 'UTC')).toMatchObject({
      message: expect.stringMatching(/"foo" at position 7 \(month\)/),
    });
  });

  it('refuses a wrong number of fields, and a date that never comes', () => {
    expect(checkCron('* * *', 'UTC')).toMatchObject({
      ok: false,
      field: 'cron',
      message: expect.stringContaining('has 3 fields'),
    });
    expect(checkCron('', 'UTC')).toMatchObject({
      ok: false,
      field: 'cron',
      message: expect.stringContaining('has 0 fields'),
    });
    expect(checkCron('0 3 31 2 *', 'UTC')).toMatchObject({
      ok: false,
      field: 'cron',
      message: expect.stringContaining('invalid'),
    });
  });

  it('refuses a time zone Intl does not know, naming it', () => {
    expect(checkCron('0 3 * * *', 'Mars/Olympus_Mons')).toEqual({
      ok: false,
      field: 'timezone',
      message: 'timezone: "Mars/Olympus_Mons" is not an IANA time zone (e.g. Europe/Paris, UTC)',
    });
    expect(checkCron('0 3 * * *', '')).toMatchObject({ ok: false, field: 'timezone' });
  });

  it('keeps the canonical name of the time zone', () => {
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(schedule('0 3 * * *', 'america/new_york').timezone).toBe('America/New_York');
  });
});

describe('CronSchedule.between', () => {
  const hourly = schedule('0 * * * *');

  it('lists the ticks from one instant to another, both included', () => {
    const { ticks, more } = hourly.between(at('2026-01-01T10:00:00Z'), at('2026-01-01T13:00:00Z'), 100);
    expect(ticks.map(iso)).toEqual([
      '2026-01-01T10:00:00.000Z',
      '2026-01-01T11:00:00.000Z',
      '2026-01-01T12:00:00.000Z',
      '2026-01-01T13:00:00.000Z',
    ]);
    expect(more).toBe(false);
  });

  it('stops at the limit and says there were more', () => {
    const { ticks, more } = hourly.between(at('2026-01-01T10:00:00Z'), at('2026-01-02T10:00:00Z'), 3);
    expect(ticks).toHaveLength(3);
    expect(more).toBe(true);
  });
});
