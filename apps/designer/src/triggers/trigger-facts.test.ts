import type { TriggerFire } from '@loom/server/api-types';
import { describe, expect, it } from 'vitest';
import { describeCron, describeFire, describeSchedule, triggerLabel, triggerTitle } from './trigger-facts.ts';

describe('describeCron', () => {
  it('puts the common shapes in words', () => {
    expect(describeCron('* * * * *')).toBe('every minute');
    expect(describeCron('*/5 * * * *')).toBe('every 5 minutes');
    expect(describeCron('0 * * * *')).toBe('every hour');
    expect(describeCron('15 * * * *')).toBe('every hour at :15');
    expect(describeCron('0 3 * * *')).toBe('every day at 03:00');
    expect(describeCron('30 6 * * 1-5')).toBe('weekdays at 06:30');
    expect(describeCron('0 9 * * 1')).toBe('every Monday at 09:00');
    expect(describeCron('0 9 * * 7')).toBe('every Sunday at 09:00');
    expect(describeCron('0 0 1 * *')).toBe('every month on day 1 at 00:00');
    expect(describeCron('@daily')).toBe('every day at 00:00');
    expect(describeCron('* * * * * *')).toBe('every second');
    expect(describeCron('*/10 * * * * *')).toBe('every 10 seconds');
    expect(describeCron('0 0 3 * * *')).toBe('every day at 03:00');
  });

  it('leaves anything else to be shown as written', () => {
    expect(describeCron('0 3 * 6 *')).toBeUndefined();
    expect(describeCron('0 3,15 * * *')).toBeUndefined();
    expect(describeCron('5 * * * * *')).toBeUndefined();
    expect(describeCron('nonsense')).toBeUndefined();
  });

  it('adds the time zone', () => {
    expect(describeSchedule({ cron: '0 3 * * *', timezone: 'Europe/Paris' })).toBe('every day at 03:00 (Europe/Paris)');
    expect(describeSchedule({ cron: '0 3,15 * * *', timezone: 'UTC' })).toBe('0 3,15 * * * (UTC)');
  });
});

describe('triggerLabel', () => {
  it('says what started a run', () => {
    expect(triggerLabel({ kind: 'schedule', id: 't1', name: 'nightly' })).toBe('◷ nightly');
    expect(triggerLabel({ kind: 'webhook', id: 't2', name: 'github-push' })).toBe('webhook github-push');
    expect(triggerLabel({ kind: 'alert', id: 'm1', name: 'iris drift', alertId: 'a7' })).toBe('alert a7');
    expect(triggerTitle({ kind: 'alert', id: 'm1', name: 'iris drift', alertId: 'a7' })).toBe(
      'Started by alert a7 of monitor “iris drift”',
    );
  });
});

describe('describeFire', () => {
  const fire = (fields: Partial<TriggerFire>): TriggerFire => ({
    id: 1,
    triggerId: 't',
    at: '2026-01-01T00:00:00.000Z',
    recordedAt: '2026-01-01T00:00:00.000Z',
    outcome: 'started',
    message: '',
    ...fields,
  });

  it('sums up each outcome', () => {
    expect(describeFire(fire({ outcome: 'started', details: { ref: 'refs/heads/main' } }))).toBe(
      'run started (refs/heads/main)',
    );
    expect(describeFire(fire({ outcome: 'missed', details: { missed: { count: 3, first: '', last: '' } } }))).toBe(
      '3 ticks missed, not run',
    );
    expect(describeFire(fire({ outcome: 'refused', message: 'bad signature' }))).toBe('refused: bad signature');
  });
});
