import { describe, expect, it } from 'vitest';
import { CURRENT_FORMAT_VERSION } from './document.ts';
import { DOCUMENT_MIGRATIONS, type DocumentMigration, migrateDocument } from './migrate-document.ts';

/** A made-up format change for testing the machinery: version 2 renamed `name` to `title`. */
const renameNameToTitle: DocumentMigration = {
  from: 1,
  description: 'rename name to title',
  migrate: ({ name, ...rest }) => ({ ...rest, title: name }),
};
/** …and version 3 gave every node an empty `params`. */
const addEmptyParams: DocumentMigration = {
  from: 2,
  description: 'every node has params',
  migrate: (document) => ({
    ...document,
    nodes: (document.nodes as Array<Record<string, unknown>>).map((node) => ({ params: {}, ...node })),
  }),
};

function versionOne(): Record<string, unknown> {
  return {
    format: 'loom.pipeline',
    formatVersion: 1,
    name: 'old',
    nodes: [{ id: 'a', type: 't.a', version: '1.0.0' }],
    edges: [],
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('DOCUMENT_MIGRATIONS', () => {
  it('has one migration per format change, from version 1 up to the current one, each described', () => {
    expect(DOCUMENT_MIGRATIONS.map((m) => m.from)).toEqual([1]);
    expect(CURRENT_FORMAT_VERSION).toBe(2);
    for (const migration of DOCUMENT_MIGRATIONS) expect(migration.description).not.toBe('');
  });

  it('1 → 2: format 2 adds canvas notes, so a version 1 document changes only its version', () => {
    const raw = deepFreeze({ ...versionOne(), description: 'd', parameters: { p: { type: 'number' } } });
    const result = migrateDocument(raw);
    expect(result).toEqual({ ok: true, migratedFrom: 1, document: { ...raw, formatVersion: 2 } });
    if (result.ok) expect(result.document).not.toHaveProperty('notes');
    expect(DOCUMENT_MIGRATIONS[0]?.description).toBe(
      'format 2 adds canvas notes; a version 1 document needs no change beyond its version',
    );
  });

  it('1 → 2: moves a $schema naming the version 1 schema to the version 2 one, and leaves any other', () => {
    const named = migrateDocument({ ...versionOne(), $schema: 'https://loom.dev/schemas/pipeline-1.json' });
    expect(named).toMatchObject({
      ok: true,
      document: { $schema: 'https://loom.dev/schemas/pipeline-2.json', formatVersion: 2 },
    });
    const own = migrateDocument({ ...versionOne(), $schema: './my-schema.json' });
    expect(own).toMatchObject({ ok: true, document: { $schema: './my-schema.json', formatVersion: 2 } });
  });
});

describe('migrateDocument', () => {
  it('passes a current document through without migratedFrom', () => {
    const raw = { ...versionOne(), formatVersion: CURRENT_FORMAT_VERSION };
    const result = migrateDocument(raw);
    expect(result).toEqual({ ok: true, document: raw });
    expect('migratedFrom' in result).toBe(false);
  });

  it('refuses a version 3 document as made by a newer Loom', () => {
    expect(migrateDocument({ ...versionOne(), formatVersion: 3 })).toEqual({
      ok: false,
      diagnostics: [
        {
          code: 'document.newer-format',
          message:
            'this document was written by a newer Loom (format version 3); this Loom reads format versions up to 2. Upgrade Loom to open it.',
          severity: 'error',
          path: '/formatVersion',
        },
      ],
    });
  });

  it('applies a migration, sets the new formatVersion and says where it came from', () => {
    const result = migrateDocument(versionOne(), [renameNameToTitle], 2);
    expect(result).toEqual({
      ok: true,
      migratedFrom: 1,
      document: {
        format: 'loom.pipeline',
        formatVersion: 2,
        title: 'old',
        nodes: [{ id: 'a', type: 't.a', version: '1.0.0' }],
        edges: [],
      },
    });
  });

  it('does not mutate its input', () => {
    const raw = deepFreeze(versionOne());
    const before = JSON.stringify(raw);
    const result = migrateDocument(raw, [renameNameToTitle, addEmptyParams], 3);
    expect(result.ok).toBe(true);
    expect(JSON.stringify(raw)).toBe(before);
    if (result.ok) expect(result.document).not.toBe(raw);
  });

  it('chains migrations in order of their from version, whatever order the list is in', () => {
    const result = migrateDocument(versionOne(), [addEmptyParams, renameNameToTitle], 3);
    expect(result).toMatchObject({
      ok: true,
      migratedFrom: 1,
      document: { formatVersion: 3, title: 'old', nodes: [{ id: 'a', params: {} }] },
    });
  });

  it('starts from the version the document has', () => {
    const raw = { format: 'loom.pipeline', formatVersion: 2, title: 'already', nodes: [], edges: [] };
    const result = migrateDocument(raw, [renameNameToTitle, addEmptyParams], 3);
    expect(result).toMatchObject({ ok: true, migratedFrom: 2, document: { formatVersion: 3, title: 'already' } });
    if (result.ok) expect(result.document).not.toHaveProperty('name');
  });

  it('reports a missing migration by the versions it would connect', () => {
    expect(migrateDocument(versionOne(), [renameNameToTitle], 3)).toEqual({
      ok: false,
      diagnostics: [
        {
          code: 'document.no-migration',
          message: 'no migration from format version 2 to 3',
          severity: 'error',
          path: '/formatVersion',
        },
      ],
    });
  });

  it('refuses a document newer than the current version without running migrations', () => {
    let ran = false;
    const spy: DocumentMigration = {
      from: 1,
      description: 'must not run',
      migrate: (d) => {
        ran = true;
        return d;
      },
    };
    const result = migrateDocument({ ...versionOne(), formatVersion: 5 }, [spy], 2);
    expect(result).toMatchObject({ ok: false, diagnostics: [{ code: 'document.newer-format' }] });
    expect(ran).toBe(false);
  });

  it('checks format before version', () => {
    expect(migrateDocument({ format: 'x', formatVersion: 99 })).toMatchObject({
      ok: false,
      diagnostics: [{ code: 'document.wrong-format' }],
    });
  });
});
