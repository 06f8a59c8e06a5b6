import { type Diagnostic, error, pointer } from './diagnostic.ts';
import { CURRENT_FORMAT_VERSION, DOCUMENT_FORMAT } from './document.ts';

/** Rewrites a document of version `from` into version `from + 1`. Must not mutate its input. */
export interface DocumentMigration {
  from: number;
  description: string;
  migrate(document: Record<string, unknown>): Record<string, unknown>;
}

const VERSION_1_SCHEMA_ID = 'https://loom.dev/schemas/pipeline-1.json';

/**
 * Named migrations, oldest first; each format change adds one here together with its test.
 * `migrateDocument` sets the new `formatVersion` itself.
 */
export const DOCUMENT_MIGRATIONS: readonly DocumentMigration[] = [
  {
    from: 1,
    description: 'format 2 adds canvas notes; a version 1 document needs no change beyond its version',
    // `notes` is optional, so nothing is added. A `$schema` naming the version 1 schema is the one thing
    // that would now be wrong (it says formatVersion 1), so it moves to the version 2 schema with the
    // version; any other `$schema` is the author's and stays.
    migrate: (document) =>
      document.$schema === VERSION_1_SCHEMA_ID
        ? { ...document, $schema: 'https://loom.dev/schemas/pipeline-2.json' }
        : { ...document },
  },
];

export type MigrationResult =
  | { ok: true; document: Record<string, unknown>; migratedFrom?: number }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Brings a parsed document up to `currentVersion`, applying each migration in turn. Refuses a
 * document written by a newer Loom instead of guessing at it.
 */
export function migrateDocument(
  raw: unknown,
  migrations: readonly DocumentMigration[] = DOCUMENT_MIGRATIONS,
  currentVersion: number = CURRENT_FORMAT_VERSION,
): MigrationResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      diagnostics: [error('document.not-object', 'a pipeline document must be a JSON object', { path: '' })],
    };
  }
  const record = raw as Record<string, unknown>;
  if (record.format !== DOCUMENT_FORMAT) {
    const found = record.format === undefined ? 'no "format" field' : `format ${JSON.stringify(record.format)}`;
    return {
      ok: false,
      diagnostics: [
        error(
          'document.wrong-format',
          `not a Loom pipeline document: expected format "${DOCUMENT_FORMAT}", found ${found}`,
          {
            path: pointer('format'),
          },
        ),
      ],
    };
  }
  const version = record.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return {
      ok: false,
      diagnostics: [
        error(
          'document.bad-format-version',
          `formatVersion must be a positive integer, found ${JSON.stringify(version)}`,
          {
            path: pointer('formatVersion'),
          },
        ),
      ],
    };
  }
  if (version > currentVersion) {
    return {
      ok: false,
      diagnostics: [
        error(
          'document.newer-format',
          `this document was written by a newer Loom (format version ${version}); this Loom reads format versions up to ${currentVersion}. Upgrade Loom to open it.`,
          { path: pointer('formatVersion') },
        ),
      ],
    };
  }
  let document = record;
  for (let from = version; from < currentVersion; from++) {
    const migration = migrations.find((m) => m.from === from);
    if (migration === undefined) {
      return {
        ok: false,
        diagnostics: [
          error('document.no-migration', `no migration from format version ${from} to ${from + 1}`, {
            path: pointer('formatVersion'),
          }),
        ],
      };
    }
    document = { ...migration.migrate(document), formatVersion: from + 1 };
  }
  return version === currentVersion ? { ok: true, document } : { ok: true, document, migratedFrom: version };
}
