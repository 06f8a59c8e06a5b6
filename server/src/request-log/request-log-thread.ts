import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { TableDatabase } from '@loom/tables';
import type { FromWriterMessage, ToWriterMessage } from './request-log-messages.ts';

/*
 * The request log's writer thread: DuckDB and its Parquet writes run here, off the server's event
 * loop. Messages are handled one at a time, in order, so `close` comes after every write sent before it.
 */

const port = parentPort;
if (!port) throw new Error('request-log-thread.ts runs as the writer thread of a ParquetRequestLog');

let database: Promise<TableDatabase> | undefined;
let last: Promise<void> = Promise.resolve();

port.on('message', (message: ToWriterMessage) => {
  last = last.then(async () => {
    const answer = await handle(message);
    port.postMessage(answer);
    if (answer.kind === 'closed') port.close();
  });
});

async function handle(message: ToWriterMessage): Promise<FromWriterMessage> {
  switch (message.kind) {
    case 'write':
      try {
        return { kind: 'written', id: message.id, rows: await write(message) };
      } catch (cause) {
        const error = cause instanceof Error ? cause : new Error(String(cause));
        const { code } = error as NodeJS.ErrnoException;
        return { kind: 'failed', id: message.id, message: error.message, ...(code === undefined ? {} : { code }) };
      }
    case 'close': {
      const opened = await database?.catch(() => undefined);
      opened?.close();
      return { kind: 'closed', id: message.id };
    }
  }
}

async function write({ batch, folder, name }: Extract<ToWriterMessage, { kind: 'write' }>): Promise<number> {
  const temporary = join(folder, `.${name}.tmp`);
  await mkdir(folder, { recursive: true });
  const [db, { writeRequestLogParquet }] = await Promise.all([openDatabase(), import('./request-log-parquet.ts')]);
  try {
    const rows = await writeRequestLogParquet(db, batch, temporary);
    await rename(temporary, join(folder, name));
    return rows;
  } catch (cause) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw cause;
  }
}

/** DuckDB loads at the first write, not when the thread starts. */
function openDatabase(): Promise<TableDatabase> {
  database ??= import('@loom/tables').then(({ TableDatabase }) => TableDatabase.open({ threads: 1 }));
  // A database that failed to open is tried again at the next write rather than failing every later one.
  database.catch(() => {
    database = undefined;
  });
  return database;
}
