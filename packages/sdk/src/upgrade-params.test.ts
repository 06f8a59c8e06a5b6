import { describe, expect, it } from 'vitest';
import { type AnyNodeDefinition, defineNode, type ParameterMigration } from './define-node.ts';
import { NodeRegistry } from './node-registry.ts';
import { upgradeNodeParams } from './upgrade-params.ts';

function version(v: string, migrate?: ParameterMigration): AnyNodeDefinition {
  return defineNode({
    type: 'test.greet',
    version: v,
    title: 'Greet',
    description: '',
    category: 'utility',
    ...(migrate === undefined ? {} : { migrate }),
    run: async () => ({}) as never,
  }) as AnyNodeDefinition;
}

function registry(...definitions: AnyNodeDefinition[]): NodeRegistry {
  return new NodeRegistry(definitions.map((definition) => ({ definition, source: 'test' })));
}

/** 1.0.0 `{ name }` → 2.0.0 `{ who }` → 2.1.0 (no change) → 3.0.0 `{ who, punctuation }`. */
const greet = () =>
  registry(
    version('3.0.0', { from: '2.0.0', params: (old) => ({ ...old, punctuation: '!' }) }),
    version('1.0.0'),
    version('2.1.0'),
    version('2.0.0', {
      from: '1.0.0',
      params: ({ name, ...rest }) => (name === undefined ? rest : { ...rest, who: name }),
    }),
  );

describe('upgradeNodeParams', () => {
  it('applies each migration on the way to the latest version, in ascending order', () => {
    const result = upgradeNodeParams(greet(), 'test.greet', '1.0.0', undefined, { name: 'Ada', loud: true });
    expect(result).toEqual({
      ok: true,
      upgrade: {
        type: 'test.greet',
        version: '3.0.0',
        params: { loud: true, who: 'Ada', punctuation: '!' },
        migrations: [
          { from: '1.0.0', to: '2.0.0' },
          { from: '2.0.0', to: '3.0.0' },
        ],
      },
    });
  });

  it('stops at `to`, and carries parameters unchanged across versions without a migration', () => {
    const toTwoOne = upgradeNodeParams(greet(), 'test.greet', '1.0.0', '2.1.0', { name: 'Ada' });
    expect(toTwoOne).toMatchObject({
      ok: true,
      upgrade: { version: '2.1.0', params: { who: 'Ada' }, migrations: [{ from: '1.0.0', to: '2.0.0' }] },
    });
    const fromTwo = upgradeNodeParams(greet(), 'test.greet', '2.0.0', '2.1.0', { who: 'Ada' });
    expect(fromTwo).toMatchObject({ ok: true, upgrade: { version: '2.1.0', params: { who: 'Ada' }, migrations: [] } });
  });

  it('applies a migration declared from a later version than the parameters are at (the ones between changed nothing)', () => {
    const skipping = registry(
      version('1.0.0'),
      version('3.0.0', { from: '2.0.0', params: (old) => ({ ...old, migrated: true }) }),
    );
    const result = upgradeNodeParams(skipping, 'test.greet', '1.0.0', undefined, {});
    expect(result).toMatchObject({
      ok: true,
      upgrade: { params: { migrated: true }, migrations: [{ from: '1.0.0', to: '3.0.0' }] },
    });
  });

  it('skips a migration written for parameters older than the ones at hand', () => {
    const both = registry(
      version('1.0.0'),
      version('1.5.0', { from: '1.0.0', params: (old) => ({ ...old, by15: true }) }),
      version('2.0.0', { from: '1.0.0', params: (old) => ({ ...old, by20: true }) }),
    );
    const result = upgradeNodeParams(both, 'test.greet', '1.0.0', '2.0.0', {});
    expect(result).toMatchObject({
      ok: true,
      upgrade: { version: '2.0.0', params: { by15: true }, migrations: [{ from: '1.0.0', to: '1.5.0' }] },
    });
  });

  it('upgrades from a version that is no longer installed', () => {
    const result = upgradeNodeParams(greet(), 'test.greet', '0.9.0', '2.0.0', { name: 'Ada' });
    expect(result).toMatchObject({
      ok: true,
      upgrade: { version: '2.0.0', params: { who: 'Ada' }, migrations: [{ from: '0.9.0', to: '2.0.0' }] },
    });
  });

  it('never changes the parameters it was given', () => {
    const mutating = registry(
      version('1.0.0'),
      version('2.0.0', {
        from: '1.0.0',
        params: (old) => {
          (old.nested as { value: number }).value = 2;
          delete old.name;
          return old;
        },
      }),
    );
    const params = { name: 'Ada', nested: { value: 1 } };
    const result = upgradeNodeParams(mutating, 'test.greet', '1.0.0', undefined, params);
    expect(result).toMatchObject({ ok: true, upgrade: { params: { nested: { value: 2 } } } });
    expect(params).toEqual({ name: 'Ada', nested: { value: 1 } });
  });

  it('refuses an unknown type, an uninstalled target and a target that is not newer', () => {
    expect(upgradeNodeParams(greet(), 'test.nope', '1.0.0', undefined, {})).toEqual({
      ok: false,
      failure: { kind: 'unknown-type', message: 'no node type test.nope is installed' },
    });
    expect(upgradeNodeParams(greet(), 'test.greet', '1.0.0', '4.0.0', {})).toEqual({
      ok: false,
      failure: {
        kind: 'unknown-version',
        message: 'test.greet@4.0.0 is not installed (installed: 1.0.0, 2.0.0, 2.1.0, 3.0.0)',
      },
    });
    for (const [from, to] of [
      ['2.0.0', '2.0.0'],
      ['3.0.0', '2.0.0'],
      ['3.0.0', undefined],
    ] as const) {
      const result = upgradeNodeParams(greet(), 'test.greet', from, to, {});
      expect(result.ok ? 'ok' : result.failure.kind, `${from} → ${to}`).toBe('not-newer');
    }
  });

  it('turns a migration that throws or returns no object into a failure naming the node and versions', () => {
    const throwing = registry(
      version('1.0.0'),
      version('2.0.0', {
        from: '1.0.0',
        params: () => {
          throw new Error('name must be a string');
        },
      }),
    );
    expect(upgradeNodeParams(throwing, 'test.greet', '1.0.0', undefined, {})).toEqual({
      ok: false,
      failure: {
        kind: 'migration-failed',
        message: 'the migration of test.greet@2.0.0 from 1.0.0 failed: name must be a string',
      },
    });
    const returningArray = registry(
      version('1.0.0'),
      version('2.0.0', { from: '1.0.0', params: () => [] as unknown as Record<string, unknown> }),
    );
    expect(upgradeNodeParams(returningArray, 'test.greet', '1.0.0', undefined, {})).toMatchObject({
      ok: false,
      failure: { kind: 'migration-failed', message: expect.stringMatching(/2\.0\.0 from 1\.0\.0 returned an array/) },
    });
    const returningBigInt = registry(
      version('1.0.0'),
      version('2.0.0', { from: '1.0.0', params: () => ({ big: 1n }) }),
    );
    expect(upgradeNodeParams(returningBigInt, 'test.greet', '1.0.0', undefined, {})).toMatchObject({
      ok: false,
      failure: { kind: 'migration-failed', message: expect.stringMatching(/not JSON/) },
    });
  });
});
