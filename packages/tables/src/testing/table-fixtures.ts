import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FittedStep, type SourceColumn, sourceLineage, type TableLineage } from '@loom/ml';
import { sourceColumnsOf } from '../column-kind.ts';
import { TableDatabase } from '../database.ts';
import { quoteLiteral } from '../sql.ts';
import { describeQuery } from '../table-info.ts';
import { writeTableFromQuery } from '../write-table.ts';

/** A table file as a `table` port carries it (the SDK's ArtifactRef, which this library does not import). */
export interface TableFileRef {
  sha256: string;
  size: number;
  path: string;
}

/**
 * Writes test tables the way the data and transform nodes do: Parquet written by DuckDB, with a lineage
 * in its metadata. Each `table()` is a DuckDB SELECT producing the rows.
 *
 * @example
 * const tables = await TableFixtures.create();
 * const ref = await tables.table(`SELECT * FROM (VALUES (1, 'a'), (2, NULL)) t(x, s)`);
 * await tables.close();
 */
export class TableFixtures {
  private counter = 0;

  private constructor(
    /** The folder the fixtures are written to; removed by {@link TableFixtures.close}. */
    readonly directory: string,
    private readonly db: TableDatabase,
  ) {}

  static async create(): Promise<TableFixtures> {
    return new TableFixtures(await mkdtemp(join(tmpdir(), 'loom-tables-')), await TableDatabase.open());
  }

  /**
   * Writes a query's rows as a table. `sources` default to its number and string columns; `steps`
   * are appended to that lineage as if fitted nodes had made the table.
   */
  async table(select: string, options: { steps?: FittedStep[]; sources?: SourceColumn[] } = {}): Promise<TableFileRef> {
    const path = join(this.directory, `t${this.counter++}.parquet`);
    const columns = await describeQuery(this.db, select);
    const sources = options.sources ?? sourceColumnsOf(columns);
    const lineage: TableLineage = { ...sourceLineage(sources), steps: options.steps ?? [] };
    await writeTableFromQuery(this.db, select, path, lineage);
    const bytes = await readFile(path);
    return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, path };
  }

  /** A table from a CSV file, read by DuckDB with its type sniffing. */
  csv(path: string): Promise<TableFileRef> {
    return this.table(`SELECT * FROM read_csv(${quoteLiteral(path)})`);
  }

  async close(): Promise<void> {
    this.db.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}
