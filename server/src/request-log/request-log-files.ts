import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkModelName } from '../store/model-names.ts';

/** The folder under a Loom home that holds every endpoint's request log. */
export const REQUEST_LOG_FOLDER = 'request-logs';

const HOUR_MS = 3_600_000;

/** One Parquet file of a model's request log: the rows of one version answered in one (UTC) hour. */
export interface RequestLogFile {
  /** Absolute path of the file. */
  path: string;
  model: string;
  version: number;
  /** The start of the UTC hour its rows were answered in. */
  hour: Date;
}

/** `2026-12-07` and `09`: the date and hour folders of a UTC hour. */
function hourFolders(hourStart: Date): [string, string] {
  const iso = hourStart.toISOString();
  return [iso.slice(0, 10), iso.slice(11, 13)];
}

/** `<home>/request-logs/<model>/<YYYY-MM-DD>/<HH>`: where the rows a model answered in that UTC hour go. */
export function requestLogHourFolder(home: string, model: string, hourStart: Date): string {
  return join(home, REQUEST_LOG_FOLDER, model, ...hourFolders(hourStart));
}

/** The start of the UTC hour that holds `at`. */
export function hourStartOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** `20261207T091502123Z`: a time that sorts as text and is safe in a file name. */
export function compactTime(at: Date): string {
  return at.toISOString().replaceAll(/[-:.]/g, '');
}

const DATE_FOLDER = /^\d{4}-\d{2}-\d{2}$/;
const HOUR_FOLDER = /^\d{2}$/;
// Temporary files being written start with a dot and end in .tmp, so they never match.
const LOG_FILE = /^v(\d+)-[^/]*\.parquet$/;

async function folderNames(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw cause;
  }
}

/**
 * The complete Parquet files of `model`'s request log under `home`, oldest hour first (within an hour,
 * by version, then in the order they were written). `from` and `to` keep the files whose hour overlaps
 * `[from, to)`; a file being written is never listed (it gets its name only once complete).
 *
 * @throws Error naming the model when its name is not a valid model name (it would escape the folder).
 * @example
 * const files = await listRequestLogFiles(home, 'iris', { from: new Date(Date.now() - 24 * 3_600_000) });
 * await db.all(`SELECT * FROM read_parquet([${files.map((f) => quoteLiteral(f.path)).join(', ')}])`);
 */
export async function listRequestLogFiles(
  home: string,
  model: string,
  range: { from?: Date; to?: Date } = {},
): Promise<RequestLogFile[]> {
  checkModelName(model);
  const modelFolder = join(home, REQUEST_LOG_FOLDER, model);
  const files: RequestLogFile[] = [];
  for (const date of (await folderNames(modelFolder)).filter((name) => DATE_FOLDER.test(name))) {
    for (const hourName of (await folderNames(join(modelFolder, date))).filter((name) => HOUR_FOLDER.test(name))) {
      const hour = new Date(`${date}T${hourName}:00:00.000Z`);
      if (Number.isNaN(hour.getTime())) continue;
      if (range.from !== undefined && hour.getTime() + HOUR_MS <= range.from.getTime()) continue;
      if (range.to !== undefined && hour.getTime() >= range.to.getTime()) continue;
      const folder = join(modelFolder, date, hourName);
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const match = entry.isFile() ? LOG_FILE.exec(entry.name) : null;
        if (match === null) continue;
        files.push({ path: join(folder, entry.name), model, version: Number(match[1]), hour });
      }
    }
  }
  return files.sort(
    (a, b) => a.hour.getTime() - b.hour.getTime() || a.version - b.version || a.path.localeCompare(b.path),
  );
}
