import { describe, expect, it } from 'vitest';
import { irisEndpoint, irisEvent, irisVersion } from '../test-fixtures/model-registry.ts';
import {
  describeAliasMove,
  describeEvent,
  formatMetric,
  metricsSummary,
  rollbackTarget,
  servingVersion,
  trafficPercent,
  trafficShares,
} from './model-facts.ts';

describe('trafficShares', () => {
  it('puts the main version before its canary and leaves out shares of 0%', () => {
    const endpoint = irisEndpoint([
      { version: 3, percent: 10 },
      { version: 2, percent: 90 },
      { version: 1, percent: 0 },
    ]);
    expect(trafficShares(endpoint)).toEqual([
      { version: 2, percent: 90 },
      { version: 3, percent: 10 },
    ]);
    expect(trafficPercent(endpoint, 3)).toBe(10);
    expect(trafficPercent(endpoint, 1)).toBeUndefined();
  });

  it('is empty without an endpoint', () => {
    expect(trafficShares(undefined)).toEqual([]);
  });
});

describe('servingVersion', () => {
  const versions = [irisVersion(3), irisVersion(2), irisVersion(1)];

  it('is the version taking the most traffic', () => {
    const endpoint = irisEndpoint([
      { version: 3, percent: 10 },
      { version: 2, percent: 90 },
    ]);
    expect(servingVersion(endpoint, versions)?.version).toBe(2);
  });

  it('is undefined when nothing serves or the served version is not among those known', () => {
    expect(servingVersion(undefined, versions)).toBeUndefined();
    expect(servingVersion(irisEndpoint([]), versions)).toBeUndefined();
    expect(servingVersion(irisEndpoint([{ version: 9, percent: 100 }]), versions)).toBeUndefined();
  });
});

describe('metricsSummary', () => {
  it('shows the headline scores first, numbers only, to 3 significant digits', () => {
    const metrics = {
      log_loss: 0.1234,
      confusion: { kind: 'matrix', labels: ['a'], values: [[1]] },
      f1_macro: 0.96658,
      accuracy: 0.9666666,
    };
    expect(metricsSummary(metrics)).toBe('accuracy 0.967 · f1_macro 0.967 · log_loss 0.123');
    expect(metricsSummary(metrics, 1)).toBe('accuracy 0.967');
  });

  it('says — when there are no numbers', () => {
    expect(metricsSummary(null)).toBe('—');
    expect(metricsSummary({ roc: { kind: 'curve', x: [0, 1], y: [0, 1] } })).toBe('—');
  });

  it('rounds large values to whole numbers', () => {
    expect(formatMetric(2912.4)).toBe('2912');
    expect(formatMetric(53.4149)).toBe('53.4');
    expect(formatMetric(0)).toBe('0');
  });
});

describe('describeEvent', () => {
  it('says what each kind of event did', () => {
    expect(describeEvent(irisEvent({ kind: 'version.registered', toVersion: 2 }))).toBe('v2 registered');
    expect(describeEvent(irisEvent({ kind: 'version.deleted', fromVersion: 1 }))).toBe('v1 deleted');
    expect(describeEvent(irisEvent({ kind: 'alias.moved', alias: 'production', toVersion: 1 }))).toBe(
      'production set to v1',
    );
    expect(describeEvent(irisEvent({ kind: 'alias.moved', alias: 'production', fromVersion: 1, toVersion: 2 }))).toBe(
      'production moved from v1 to v2',
    );
    expect(
      describeEvent(
        irisEvent({ kind: 'alias.moved', alias: 'production', fromVersion: 2, toVersion: 1, rollbackOf: 4 }),
      ),
    ).toBe('production rolled back from v2 to v1');
    expect(describeEvent(irisEvent({ kind: 'alias.removed', alias: 'staging', fromVersion: 3 }))).toBe(
      'staging removed (was v3)',
    );
  });
});

describe('rollbackTarget', () => {
  /** The events of a history, newest first as the API lists them. */
  const newestFirst = (...events: ReturnType<typeof irisEvent>[]) => events.reverse();

  it('is the version the alias came from at its last move', () => {
    const events = newestFirst(
      irisEvent({ kind: 'alias.moved', alias: 'production', toVersion: 1 }),
      irisEvent({ kind: 'alias.moved', alias: 'staging', toVersion: 1 }),
      irisEvent({ kind: 'alias.moved', alias: 'production', fromVersion: 1, toVersion: 2 }),
      irisEvent({ kind: 'alias.moved', alias: 'production', fromVersion: 2, toVersion: 3 }),
    );
    expect(rollbackTarget(events, 'production')).toBe(2);
    expect(rollbackTarget(events, 'staging')).toBeUndefined();
    expect(rollbackTarget(events, 'canary')).toBeUndefined();
  });

  it('goes one further back after a rollback, and nowhere once every move is undone', () => {
    const set = irisEvent({ kind: 'alias.moved', alias: 'production', toVersion: 1 });
    const first = irisEvent({ kind: 'alias.moved', alias: 'production', fromVersion: 1, toVersion: 2 });
    const second = irisEvent({ kind: 'alias.moved', alias: 'production', fromVersion: 2, toVersion: 3 });
    const back = irisEvent({
      kind: 'alias.moved',
      alias: 'production',
      fromVersion: 3,
      toVersion: 2,
      rollbackOf: second.id,
    });
    expect(rollbackTarget(newestFirst(set, first, second, back), 'production')).toBe(1);
    const backAgain = irisEvent({
      kind: 'alias.moved',
      alias: 'production',
      fromVersion: 2,
      toVersion: 1,
      rollbackOf: first.id,
    });
    expect(rollbackTarget(newestFirst(set, first, second, back, backAgain), 'production')).toBeUndefined();
  });

  it('forgets the moves before the alias was removed', () => {
    const events = newestFirst(
      irisEvent({ kind: 'alias.moved', alias: 'production', toVersion: 1 }),
      irisEvent({ kind: 'alias.moved', alias: 'production', fromVersion: 1, toVersion: 2 }),
      irisEvent({ kind: 'alias.removed', alias: 'production', fromVersion: 2 }),
      irisEvent({ kind: 'alias.moved', alias: 'production', toVersion: 2 }),
    );
    expect(rollbackTarget(events, 'production')).toBeUndefined();
  });
});

describe('describeAliasMove', () => {
  it('tells a rollback from a move, a new alias and no change', () => {
    const move = { alias: 'production', version: 1, previousVersion: 2, moved: true };
    expect(describeAliasMove('iris', move, true)).toBe('Rolled production of iris back from v2 to v1');
    expect(describeAliasMove('iris', move, false)).toBe('Moved production of iris from v2 to v1');
    expect(describeAliasMove('iris', { ...move, previousVersion: null }, false)).toBe(
      'production of iris now points at v1',
    );
    expect(describeAliasMove('iris', { ...move, moved: false }, false)).toBe('production already points at v1 of iris');
  });
});
