import type { NodeRegistry } from './node-registry.ts';
import { compareSemver } from './semver.ts';

/** One migration applied on the way up: the version the parameters were at, and the version they became. */
export interface AppliedMigration {
  from: string;
  to: string;
}

/** A node's parameters carried up to a newer version (`POST /api/nodes/upgrade`'s reply). */
export interface NodeParamsUpgrade {
  type: string;
  /** The version the parameters now belong to. */
  version: string;
  params: Record<string, unknown>;
  /** The migrations applied, in order; empty when no version on the way changed the parameters. */
  migrations: AppliedMigration[];
}

/** Why parameters could not be upgraded; `message` names the node and the versions. */
export interface UpgradeFailure {
  kind: 'unknown-type' | 'unknown-version' | 'not-newer' | 'migration-failed';
  message: string;
}

export type UpgradeResult = { ok: true; upgrade: NodeParamsUpgrade } | { ok: false; failure: UpgradeFailure };

/**
 * Carries a node's parameters from version `from` up to `to` (the latest installed version when left
 * out). Every installed version `v` with `from < v <= to` is visited in ascending order; one that
 * declares a migration whose `migrate.from` is at or after the version the parameters are at has its
 * `migrate.params` applied, after which the parameters are at `v`. Versions without a migration carry
 * the parameters unchanged (they take their predecessor's), so a migration from `1.0.0` still applies
 * across a `1.1.0` that declares none.
 *
 * `from` need not be installed (a document may pin a version that is gone). Migrations are plugin code:
 * each runs guarded, and one that throws or returns something other than a JSON object becomes a
 * `migration-failed` failure naming the node, the versions and what went wrong. The input is never
 * changed: each migration gets a copy.
 *
 * @example
 * const result = upgradeNodeParams(registry, 'text.word_count', '1.0.0', undefined, { minimum: 3 });
 * if (result.ok) result.upgrade; // { type, version: '2.0.0', params: { min_length: 3 }, migrations: [{ from: '1.0.0', to: '2.0.0' }] }
 */
export function upgradeNodeParams(
  registry: NodeRegistry,
  type: string,
  from: string,
  to: string | undefined,
  params: Readonly<Record<string, unknown>>,
): UpgradeResult {
  const versions = registry.versions(type);
  const latest = versions.at(-1);
  if (latest === undefined) return fail('unknown-type', `no node type ${type} is installed`);
  const target = to ?? latest;
  if (!versions.includes(target)) {
    return fail('unknown-version', `${type}@${target} is not installed (installed: ${versions.join(', ')})`);
  }
  if (compareSemver(target, from) <= 0) {
    return fail('not-newer', `${type}@${target} is not newer than ${from}: there is nothing to upgrade`);
  }

  let current = from;
  let carried = jsonCopy(params);
  const migrations: AppliedMigration[] = [];
  for (const version of versions) {
    if (compareSemver(version, from) <= 0 || compareSemver(version, target) > 0) continue;
    const migrate = registry.get(type, version)?.definition.migrate;
    if (migrate === undefined || compareSemver(migrate.from, current) < 0) continue;
    const label = `${type}@${version}`;
    let migrated: unknown;
    try {
      migrated = migrate.params(jsonCopy(carried));
    } catch (cause) {
      return fail(
        'migration-failed',
        `the migration of ${label} from ${current} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
    if (typeof migrated !== 'object' || migrated === null || Array.isArray(migrated)) {
      return fail(
        'migration-failed',
        `the migration of ${label} from ${current} returned ${describeValue(migrated)}, not an object of parameters`,
      );
    }
    try {
      carried = jsonCopy(migrated as Record<string, unknown>);
    } catch (cause) {
      return fail(
        'migration-failed',
        `the migration of ${label} from ${current} returned parameters that are not JSON: ${(cause as Error).message}`,
      );
    }
    migrations.push({ from: current, to: version });
    current = version;
  }
  return { ok: true, upgrade: { type, version: target, params: carried, migrations } };
}

function fail(kind: UpgradeFailure['kind'], message: string): UpgradeResult {
  return { ok: false, failure: { kind, message } };
}

/**
 * A deep copy as JSON has it: what a document can hold. Values JSON has no form for (`undefined`,
 * functions) drop out, as they would on saving; a BigInt or a cycle throws.
 */
function jsonCopy(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}
