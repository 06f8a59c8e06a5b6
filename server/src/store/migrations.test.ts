import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoomStore } from './loom-store.ts';
import { MIGRATIONS, type Migration, migrate, SCHEMA_VERSION, userVersion } from './migrations.ts';

let dir: string;
let db: Database.Database;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-migrations-'));
  db = new Database(join(dir, 'loom.db'));
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const tables = () =>
  db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();

const table = (name: string, version: number): Migration => ({
  version,
  name: `create ${name}`,
  up: (target) => target.exec(`CREATE TABLE ${name} (id INTEGER PRIMARY KEY)`),
});

describe('migrate', () => {
  it('brings a new database to the latest schema, and then does nothing', () => {
    expect(migrate(db, 'test')).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    expect(tables()).toEqual([
      'alerts',
      'cache',
      'endpoints',
      'events',
      'logs',
      'model_aliases',
      'model_events',
      'model_versions',
      'models',
      'monitor_windows',
      'monitors',
      'pipeline_versions',
      'pipelines',
      'run_definitions',
      'runs',
      'sqlite_sequence',
      'steps',
      'trigger_fires',
      'triggers',
    ]);
    const indexes = db
      .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
      .pluck()
      .all();
    expect(indexes).toEqual([
      'alerts_by_monitor',
      'alerts_by_status',
      'alerts_open_per_rule',
      'logs_by_step',
      'model_events_by_model',
      'monitors_by_model',
      'pipelines_by_name',
      'pipelines_by_updated',
      'runs_by_pipeline',
      'runs_by_source_status',
      'runs_by_status',
      'runs_by_trigger',
      'trigger_fires_by_trigger',
      'triggers_by_next_tick',
      'triggers_by_pipeline',
    ]);
    expect(migrate(db, 'test')).toEqual([]);
  });

  it('runs only the migrations newer than the database, in order', () => {
    migrate(db, 'test', [table('a', 1)]);
    expect(migrate(db, 'test', [table('a', 1), table('b', 2), table('c', 3)])).toEqual([2, 3]);
    expect(userVersion(db)).toBe(3);
    expect(tables()).toEqual(['a', 'b', 'c']);
  });

  it('rolls a failing migration back whole and keeps the version before it', () => {
    const failing: Migration = {
      version: 2,
      name: 'half done',
      up(target) {
        target.exec('CREATE TABLE half (id INTEGER)');
        throw new Error('disk on fire');
      },
    };
    expect(() => migrate(db, 'test', [table('a', 1), failing, table('c', 3)])).toThrow('disk on fire');
    expect(userVersion(db)).toBe(1);
    expect(tables()).toEqual(['a']);
  });

  it('refuses a list whose versions are not 1, 2, 3, …', () => {
    expect(() => migrate(db, 'test', [table('a', 1), table('c', 3)])).toThrow(/has version 3, expected 2/);
    expect(userVersion(db)).toBe(0);
  });

  it('refuses a database written by a newer Loom', () => {
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    expect(() => migrate(db, '/srv/loom.db')).toThrow(
      `the store at /srv/loom.db was written by a newer Loom (schema ${SCHEMA_VERSION + 5}, this Loom knows up to ${SCHEMA_VERSION})`,
    );
  });
});

describe('LoomStore.open', () => {
  it('refuses a store file of a newer schema, naming the file, and leaves it as it was', () => {
    const path = join(dir, 'newer.db');
    const newer = new Database(path);
    newer.pragma('user_version = 99');
    newer.close();
    expect(() => LoomStore.open(path)).toThrow(
      `the store at ${path} was written by a newer Loom (schema 99, this Loom knows up to ${SCHEMA_VERSION})`,
    );
    const after = new Database(path);
    expect(userVersion(after)).toBe(99);
    after.close();
  });

  it('marks the runs of a schema-1 store as the server’s: before schema 2 only the server stored runs', () => {
    const path = join(dir, 'v1.db');
    const v1 = new Database(path);
    migrate(v1, path, MIGRATIONS.slice(0, 1));
    v1.exec(`INSERT INTO runs (id, pipeline_id, pipeline_version, pipeline_name, options, status, created_at)
             VALUES ('r1', 'p', 1, 'demo', '{}', 'succeeded', '2026-01-01T00:00:00.000Z')`);
    v1.close();
    const store = LoomStore.open(path);
    expect(store.getRunSummary('r1')).toMatchObject({ id: 'r1', status: 'succeeded', source: 'server' });
    store.close();
  });

  it('adds the model registry to a schema-2 store and keeps its pipelines and runs', () => {
    const path = join(dir, 'v2.db');
    const v2 = new Database(path);
    migrate(v2, path, MIGRATIONS.slice(0, 2));
    v2.exec(`INSERT INTO pipelines (id, name, latest_version, created_at, updated_at)
             VALUES ('p', 'demo', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO pipeline_versions (pipeline_id, version, name, document, created_at)
             VALUES ('p', 1, 'demo', '{"name":"demo"}', '2026-01-01T00:00:00.000Z');
             INSERT INTO runs (id, pipeline_id, pipeline_version, pipeline_name, options, status, created_at, source)
             VALUES ('r1', 'p', 1, 'demo', '{}', 'succeeded', '2026-01-01T00:00:00.000Z', 'cli')`);
    v2.close();
    const store = LoomStore.open(path);
    expect(store.listPipelines()).toEqual([expect.objectContaining({ id: 'p', name: 'demo', latestVersion: 1 })]);
    expect(store.getRunSummary('r1')).toMatchObject({ status: 'succeeded', source: 'cli' });
    expect(store.listModels()).toEqual([]);
    expect(store.listEndpoints()).toEqual([]);
    store.close();
    const migrated = new Database(path);
    expect(userVersion(migrated)).toBe(SCHEMA_VERSION);
    migrated.close();
  });

  it('adds triggers to a schema-3 store: its runs were all started by hand', () => {
    const path = join(dir, 'v3.db');
    const v3 = new Database(path);
    migrate(v3, path, MIGRATIONS.slice(0, 3));
    v3.exec(`INSERT INTO runs (id, pipeline_id, pipeline_version, pipeline_name, options, status, created_at, source)
             VALUES ('r1', 'p', 1, 'demo', '{}', 'succeeded', '2026-01-01T00:00:00.000Z', 'server')`);
    v3.close();
    const store = LoomStore.open(path);
    const run = store.getRunSummary('r1');
    expect(run).toMatchObject({ id: 'r1', status: 'succeeded' });
    expect(run).not.toHaveProperty('trigger');
    expect(store.triggers.listTriggers()).toEqual([]);
    store.close();
  });

  it('opens a store it migrated before without migrating again', () => {
    const path = join(dir, 'nested', 'dir', 'loom.db');
    LoomStore.open(path).close();
    const opened = new Database(path);
    expect(userVersion(opened)).toBe(SCHEMA_VERSION);
    expect(opened.pragma('journal_mode', { simple: true })).toBe('wal');
    opened.close();
    expect(() => LoomStore.open(path).close()).not.toThrow();
  });
});
