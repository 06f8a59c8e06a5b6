import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBResult } from '@duckdb/node-api';
import { quoteIdentifier } from './sql.ts';

/** How a {@link TableDatabase} may use the machine. */
export interface TableDatabaseOptions {
  /**
   * DuckDB's `memory_limit`: past it, sorts, joins and aggregations spill to {@link tempDirectory}
   * instead of growing the process.
   * @default process.env.LOOM_TABLES_MEMORY_LIMIT ?? '512MB'
   */
  memoryLimit?: string;
  /** Where DuckDB spills. @default a fresh folder under the OS temp folder, removed by `close()` */
  tempDirectory?: string;
  /** Worker threads. @default DuckDB's own choice: the number of CPU cores */
  threads?: number;
  /** Aborting it interrupts the running query; later queries are refused with the signal's reason. */
  signal?: AbortSignal;
}

/** The memory limit when neither the caller nor `LOOM_TABLES_MEMORY_LIMIT` sets one. */
export const DEFAULT_MEMORY_LIMIT = '512MB';

/**
 * An in-memory DuckDB database with one connection, for running SQL over Parquet files. DuckDB's native
 * code is loaded by the first `open()`, not by importing this package, so node definitions that import
 * `@loom/tables` stay cheap to list in a catalog.
 *
 * @example
 * const db = await TableDatabase.open({ tempDirectory: await ctx.artifacts.tempDir(), signal: ctx.signal });
 * try {
 *   const rows = await db.all(`SELECT count(*) AS n FROM read_parquet(${quoteLiteral(path)})`);
 * } finally {
 *   db.close();
 * }
 */
export class TableDatabase {
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    /** The underlying `@duckdb/node-api` connection, for streaming results and appenders. */
    readonly connection: DuckDBConnection,
    private readonly ownedTempDirectory: string | undefined,
    private readonly signal: AbortSignal | undefined,
    private readonly onAbort: () => void,
  ) {}

  /** Opens a fresh in-memory database. */
  static async open(options: TableDatabaseOptions = {}): Promise<TableDatabase> {
    options.signal?.throwIfAborted();
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const ownedTempDirectory =
      options.tempDirectory === undefined ? mkdtempSync(join(tmpdir(), 'loom-duckdb-')) : undefined;
    const config: Record<string, string> = {
      memory_limit: options.memoryLimit ?? process.env.LOOM_TABLES_MEMORY_LIMIT ?? DEFAULT_MEMORY_LIMIT,
      temp_directory: options.tempDirectory ?? (ownedTempDirectory as string),
    };
    if (options.threads !== undefined) config.threads = String(options.threads);
    let instance: DuckDBInstance | undefined;
    try {
      instance = await DuckDBInstance.create(':memory:', config);
      const connection = await instance.connect();
      const onAbort = () => connection.interrupt();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      return new TableDatabase(instance, connection, ownedTempDirectory, options.signal, onAbort);
    } catch (cause) {
      instance?.closeSync();
      if (ownedTempDirectory !== undefined) rmSync(ownedTempDirectory, { recursive: true, force: true });
      throw cause;
    }
  }

  /** Runs statements and discards any result. */
  async run(sql: string): Promise<void> {
    await this.guard(() => this.connection.run(sql));
  }

  /**
   * Runs a query and returns its rows as objects. Values are `@duckdb/node-api`'s JavaScript values,
   * except that BIGINT-like values (`count(*)`, for one) become numbers when they are safe integers.
   */
  async all(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.guard(() => this.connection.runAndReadAll(sql));
    const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
    for (const row of rows) {
      for (const [key, value] of Object.entries(row)) {
        if (typeof value === 'bigint' && Number.isSafeInteger(Number(value))) row[key] = Number(value);
      }
    }
    return rows;
  }

  /** Starts a query whose result is read chunk by chunk (`fetchChunk()`), so it never sits in memory whole. */
  stream(sql: string): Promise<DuckDBResult> {
    return this.guard(() => this.connection.stream(sql));
  }

  /**
   * Creates the table `name` with one INTEGER column `column` holding `values` in order: how a row
   * selection computed in JavaScript (a shuffled split, say) reaches SQL without building a huge query.
   *
   * @example
   * await db.createIntegerTable('test_rows', 'row', Int32Array.of(4, 8, 15));
   * await db.all('SELECT * FROM input_rows WHERE row_number IN (SELECT row FROM test_rows)');
   */
  async createIntegerTable(name: string, column: string, values: ArrayLike<number>): Promise<void> {
    await this.run(`CREATE TABLE ${quoteIdentifier(name)} (${quoteIdentifier(column)} INTEGER)`);
    const appender = await this.connection.createAppender(name);
    try {
      for (let i = 0; i < values.length; i++) {
        if (i % 65536 === 0) this.throwIfAborted();
        appender.appendInteger(values[i] as number);
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** Throws the abort reason if the database's signal was aborted. */
  throwIfAborted(): void {
    this.signal?.throwIfAborted();
    if (this.closed) throw new Error('the table database is closed');
  }

  /** Closes the connection and the database, and removes the spill folder it made. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.connection.closeSync();
    this.instance.closeSync();
    if (this.ownedTempDirectory !== undefined) rmSync(this.ownedTempDirectory, { recursive: true, force: true });
  }

  private async guard<T>(query: () => Promise<T>): Promise<T> {
    this.throwIfAborted();
    try {
      return await query();
    } catch (cause) {
      // An interrupted query fails with DuckDB's "INTERRUPT Error"; the caller wants to see why it stopped.
      this.signal?.throwIfAborted();
      throw cause;
    }
  }
}
