import { describe, expect, it } from 'vitest';
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

describe('migrateDocument', () => {
  it('ships no migrations while format version 1 is the only one', () => {
    expect(DOCUMENT_MIGRATIONS).toEqual([]);
  });

  it('passes a current document through without migratedFrom', () => {
    const raw = versionOne();
    const result = migrateDocument(raw);
    expect(result).toEqual({ ok: true, document: raw });
    expect('migratedFrom' in result).toBe(false);
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
