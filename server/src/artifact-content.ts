import { open, readFile } from 'node:fs/promises';
import type { ArtifactPreview } from './schemas/artifacts.ts';

/** The media type of Parquet tables: `TABLE_MEDIA_TYPE` of @loom/tables, which only the preview may load. */
export const PARQUET_MEDIA_TYPE = 'application/vnd.apache.parquet';

/** A text preview shows this much of the blob. */
export const TEXT_PREVIEW_BYTES = 64 * 1024;

/** JSON blobs up to this size are parsed for a preview; larger ones are shown as text. */
const JSON_PREVIEW_LIMIT = 4 * 1024 * 1024;

/** What a blob holds, judged from its bytes (the artifact store keeps no media types). */
export type BlobKind = 'table' | 'json' | 'text' | 'binary';

/** The content type a blob of each kind is served with. */
export const MEDIA_TYPES: Record<BlobKind, string> = {
  table: PARQUET_MEDIA_TYPE,
  json: 'application/json; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  binary: 'application/octet-stream',
};

export interface SniffedBlob {
  kind: BlobKind;
  /** The decoded text of a `text` blob's first {@link TEXT_PREVIEW_BYTES}. */
  head?: string;
  /** The parsed value of a `json` blob. */
  value?: unknown;
}

/**
 * Tells a blob's kind from its bytes: Parquet by its `PAR1` magic at both ends; JSON when it is UTF-8
 * text starting with `{` or `[` that parses (up to 4 MiB); text when its first 64 KiB are UTF-8 with no
 * NUL byte; binary otherwise. Reads at most the first 64 KiB and the last 4 bytes, except to parse JSON.
 */
export async function sniffBlob(path: string, size: number): Promise<SniffedBlob> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, TEXT_PREVIEW_BYTES));
    await file.read(head, 0, head.length, 0);
    if (size >= 12 && head.subarray(0, 4).toString('latin1') === 'PAR1') {
      const tail = Buffer.alloc(4);
      await file.read(tail, 0, 4, size - 4);
      if (tail.toString('latin1') === 'PAR1') return { kind: 'table' };
    }
    if (head.includes(0)) return { kind: 'binary' };
    let text: string;
    try {
      // `stream: true` leaves out a character cut in two at the end of the slice instead of failing on it.
      text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: size > head.length });
    } catch {
      return { kind: 'binary' };
    }
    const first = text.trimStart()[0];
    if ((first === '{' || first === '[') && size <= JSON_PREVIEW_LIMIT) {
      const whole = size === head.length ? text : await readFile(path, 'utf8');
      try {
        return { kind: 'json', value: JSON.parse(whole) };
      } catch {
        // Text that only looks like JSON.
      }
    }
    return { kind: 'text', head: text };
  } finally {
    await file.close();
  }
}

/**
 * A preview of a blob for the designer: a table's columns and first `rows` rows (read by DuckDB, loaded
 * only now so that starting the server never loads it), a JSON value, the start of a text, or a size.
 */
export async function previewBlob(path: string, size: number, rows: number): Promise<ArtifactPreview> {
  const sniffed = await sniffBlob(path, size);
  switch (sniffed.kind) {
    case 'table': {
      const { previewTable } = await import('@loom/tables');
      const preview = await previewTable(path, rows);
      return {
        kind: 'table',
        columns: preview.columns.map(({ name, type, kind }) => ({ name, type, kind })),
        rowCount: preview.rowCount,
        rows: preview.rows.map(jsonSafeRow),
      };
    }
    case 'json':
      return { kind: 'json', value: sniffed.value };
    case 'text':
      return { kind: 'text', text: sniffed.head ?? '', truncated: size > TEXT_PREVIEW_BYTES };
    case 'binary':
      return { kind: 'binary', size };
  }
}

/** `previewTable` already turns integers into numbers; a BIGINT that slips through still must not break JSON. */
function jsonSafeRow(row: Record<string, unknown>): Record<string, number | string | boolean | null> {
  const safe: Record<string, number | string | boolean | null> = {};
  for (const [name, value] of Object.entries(row)) {
    safe[name] =
      typeof value === 'bigint'
        ? Number.isSafeInteger(Number(value))
          ? Number(value)
          : value.toString()
        : (value as number | string | boolean | null);
  }
  return safe;
}
