import { describe, expect, it } from 'vitest';
import type { Diagnostic } from './diagnostic.ts';
import { CURRENT_FORMAT_VERSION } from './document.ts';
import {
  forEachParameterReference,
  loadDocument,
  parseDocument,
  valueMatchesParameterType,
} from './validate-document.ts';

/** A small valid document; tests change one thing in a fresh copy. */
function validDocument(): Record<string, unknown> & { nodes: Array<Record<string, unknown>>; edges: unknown[] } {
  return {
    format: 'loom.pipeline',
    formatVersion: 2,
    name: 'small',
    parameters: {
      threshold: { type: 'number', default: 0.5 },
      label: { type: 'string', enum: ['a', 'b'], default: 'a' },
    },
    nodes: [
      { id: 'read', type: 'core.read_json', version: '1.0.0', params: { path: 'a.json' } },
      { id: 'gate', type: 'core.metrics_gate', version: '1.0.0', params: { min: { $param: 'threshold' } } },
    ],
    edges: [{ id: 'e1', from: { node: 'read', port: 'data' }, to: { node: 'gate', port: 'metrics' } }],
  };
}

function diagnosticsOf(raw: unknown): Diagnostic[] {
  const result = loadDocument(raw);
  if (result.ok) throw new Error('expected the document to be rejected');
  return result.diagnostics;
}

describe('loadDocument: a valid document', () => {
  it('accepts it and gives it back unchanged', () => {
    const raw = validDocument();
    const result = loadDocument(raw);
    expect(result).toEqual({ ok: true, document: raw });
    expect(result.ok && 'migratedFrom' in result).toBe(false);
  });

  it('accepts the optional fields: $schema, description, retries, timeoutMs and free-form ui', () => {
    const raw = validDocument();
    raw.$schema = 'https://loom.dev/schemas/pipeline-2.json';
    raw.description = 'd';
    raw.nodes[0] = {
      ...raw.nodes[0],
      retries: 3,
      timeoutMs: 5000,
      ui: { position: { x: 1, y: 2 }, label: 'L', color: '#fff', comment: 'c', collapsed: true },
    };
    expect(loadDocument(raw).ok).toBe(true);
  });

  it('accepts edges without ids and a document without parameters', () => {
    const raw = validDocument();
    delete raw.parameters;
    raw.nodes[1] = { id: 'gate', type: 'core.metrics_gate', version: '1.0.0-beta.1' };
    raw.edges = [{ from: { node: 'read', port: 'data' }, to: { node: 'gate', port: 'metrics' } }];
    expect(loadDocument(raw).ok).toBe(true);
  });
});

describe('parseDocument: JSON syntax', () => {
  it('reports invalid JSON with its line and column', () => {
    const result = parseDocument('{\n  "format": "loom.pipeline"\n  "name": "x"\n}');
    expect(result).toEqual({
      ok: false,
      diagnostics: [
        {
          code: 'document.invalid-json',
          message: "invalid JSON: line 3, column 3: Expected ',' or '}' after property value",
          severity: 'error',
          path: '',
        },
      ],
    });
  });

  it('locates an unexpected token too', () => {
    const result = parseDocument('{\n  "formatVersion": one\n}');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.diagnostics[0]?.message).toBe("invalid JSON: line 2, column 20: Unexpected token 'o'");
  });

  it('parses valid text into the same result as loadDocument', () => {
    const raw = validDocument();
    expect(parseDocument(JSON.stringify(raw))).toEqual(loadDocument(raw));
  });
});

describe('loadDocument: format and version', () => {
  it.each([null, [], 'text', 42])('rejects %j, which is not an object', (raw) => {
    expect(diagnosticsOf(raw)).toEqual([expect.objectContaining({ code: 'document.not-object', path: '' })]);
  });

  it('rejects a document of another format, naming what it found', () => {
    const raw = { ...validDocument(), format: 'other.thing' };
    const [d] = diagnosticsOf(raw);
    expect(d).toMatchObject({ code: 'document.wrong-format', path: '/format' });
    expect(d?.message).toContain('"loom.pipeline"');
    expect(d?.message).toContain('"other.thing"');
  });

  it('rejects a document without a format field', () => {
    const raw = validDocument();
    delete raw.format;
    expect(diagnosticsOf(raw)[0]?.message).toContain('no "format" field');
  });

  it.each([0, -1, 1.5, '1', undefined])('rejects formatVersion %j', (formatVersion) => {
    expect(diagnosticsOf({ ...validDocument(), formatVersion })).toEqual([
      expect.objectContaining({ code: 'document.bad-format-version', path: '/formatVersion' }),
    ]);
  });

  it('migrates a version 1 document to version 2 and says where it came from', () => {
    const raw = { ...validDocument(), formatVersion: 1 };
    expect(loadDocument(raw)).toEqual({ ok: true, migratedFrom: 1, document: { ...raw, formatVersion: 2 } });
    expect(raw.formatVersion).toBe(1);
  });

  it('refuses a version 3 document as made by a newer Loom', () => {
    expect(diagnosticsOf({ ...validDocument(), formatVersion: 3 })).toEqual([
      {
        code: 'document.newer-format',
        message:
          'this document was written by a newer Loom (format version 3); this Loom reads format versions up to 2. Upgrade Loom to open it.',
        severity: 'error',
        path: '/formatVersion',
      },
    ]);
  });

  it('refuses a document from a newer Loom with a message that says what to do', () => {
    const newer = CURRENT_FORMAT_VERSION + 1;
    const diagnostics = diagnosticsOf({ ...validDocument(), formatVersion: newer });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'document.newer-format', severity: 'error', path: '/formatVersion' });
    expect(diagnostics[0]?.message).toContain(`format version ${newer}`);
    expect(diagnostics[0]?.message).toContain(`up to ${CURRENT_FORMAT_VERSION}`);
    expect(diagnostics[0]?.message).toContain('Upgrade Loom');
  });
});

describe('loadDocument: shape', () => {
  it('reports every problem at once, each with its JSON Pointer and the node it is in', () => {
    const raw = validDocument();
    delete raw.name;
    raw.extra = true;
    raw.nodes = [
      { id: 'read', type: 'core.read_json' },
      { id: '9lives', type: 'core.x', version: '1.0.0' },
      { id: 'c', type: 'core.x', version: 'one', colour: 'red' },
    ];
    raw.edges = [{ from: { node: 'read' }, to: { node: 'c', port: 'in' } }];
    const diagnostics = diagnosticsOf(raw);
    const byPath = Object.fromEntries(diagnostics.map((d) => [d.path, d]));

    expect(byPath['/name']).toMatchObject({ code: 'document.schema', message: 'missing required property "name"' });
    expect(byPath['/name']?.nodeId).toBeUndefined();
    expect(byPath['/extra']).toMatchObject({ message: 'unknown property "extra"' });
    expect(byPath['/nodes/0/version']).toMatchObject({
      message: 'missing required property "version"',
      nodeId: 'read',
    });
    expect(byPath['/nodes/1/id']?.message).toMatch(/^"id" must match \^\[A-Za-z_\]/);
    expect(byPath['/nodes/1/id']?.nodeId).toBe('9lives');
    expect(byPath['/nodes/2/version']).toMatchObject({ nodeId: 'c' });
    expect(byPath['/nodes/2/version']?.message).toContain('must match');
    expect(byPath['/nodes/2/colour']).toMatchObject({ message: 'unknown property "colour"', nodeId: 'c' });
    expect(byPath['/edges/0/from/port']).toMatchObject({ message: 'missing required property "port"' });
    expect(diagnostics).toHaveLength(7);
    expect(diagnostics.every((d) => d.code === 'document.schema' && d.severity === 'error')).toBe(true);
  });

  it('reports wrong value types and enumerations in words', () => {
    const raw = validDocument();
    raw.nodes[0] = { ...raw.nodes[0], retries: 50, ui: { position: { x: 'left', y: 0 } } };
    raw.parameters = { p: { type: 'text' } };
    const byPath = Object.fromEntries(diagnosticsOf(raw).map((d) => [d.path, d.message]));
    expect(byPath['/nodes/0/retries']).toMatch(/^"retries": /);
    expect(byPath['/nodes/0/ui/position/x']).toBe('"x": expected number');
    expect(byPath['/parameters/p/type']).toBe('"type" must be one of "string", "number", "integer", "boolean"');
  });

  it('checks pipeline parameter names against the identifier pattern', () => {
    const raw = validDocument();
    raw.parameters = { 'min accuracy': { type: 'number', default: 1 }, ok: { type: 'number' } };
    const diagnostics = diagnosticsOf(raw);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'document.schema', path: '/parameters/min accuracy' });
    expect(diagnostics[0]?.message).toContain('"min accuracy" is not a valid name');
  });

  it('checks the declaration of a parameter whatever its name', () => {
    const raw = validDocument();
    raw.parameters = { 'not valid': { type: 'str' } };
    expect(loadDocument(raw).ok).toBe(false);
  });

  it('summarises beyond 50 shape problems', () => {
    const raw = validDocument();
    raw.nodes = Array.from({ length: 60 }, (_, i) => ({ id: `n${i}`, type: 'core.x' }));
    const diagnostics = diagnosticsOf(raw);
    expect(diagnostics).toHaveLength(51);
    expect(diagnostics[50]).toMatchObject({ code: 'document.schema', path: '' });
    expect(diagnostics[50]?.message).toContain('10 more problems');
  });
});

describe('loadDocument: structure', () => {
  it('reports a duplicate node id at the second node', () => {
    const raw = validDocument();
    raw.nodes.push({ id: 'read', type: 'core.read_json', version: '1.0.0' });
    expect(diagnosticsOf(raw)).toEqual([
      {
        code: 'node.duplicate-id',
        message: 'node id "read" is used by nodes 0 and 2; node ids must be unique',
        severity: 'error',
        nodeId: 'read',
        path: '/nodes/2/id',
      },
    ]);
  });

  it('reports a duplicate edge id', () => {
    const raw = validDocument();
    raw.edges.push({ id: 'e1', from: { node: 'read', port: 'data' }, to: { node: 'gate', port: 'other' } });
    expect(diagnosticsOf(raw)).toEqual([
      expect.objectContaining({ code: 'edge.duplicate-id', edgeId: 'e1', path: '/edges/1/id' }),
    ]);
  });

  it('reports both ends of an edge between nodes that do not exist', () => {
    const raw = validDocument();
    raw.edges.push({ id: 'e2', from: { node: 'ghost', port: 'out' }, to: { node: 'phantom', port: 'in' } });
    const diagnostics = diagnosticsOf(raw);
    expect(diagnostics.map((d) => [d.code, d.edgeId, d.path])).toEqual([
      ['edge.unknown-node', 'e2', '/edges/1/from/node'],
      ['edge.unknown-node', 'e2', '/edges/1/to/node'],
    ]);
    expect(diagnostics[0]?.message).toContain('"ghost"');
    expect(diagnostics[1]?.message).toContain('"phantom"');
  });

  it('names an edge without an id by its ports', () => {
    const raw = validDocument();
    raw.edges = [{ from: { node: 'read', port: 'data' }, to: { node: 'nowhere', port: 'in' } }];
    const [d] = diagnosticsOf(raw);
    expect(d?.edgeId).toBeUndefined();
    expect(d?.message).toContain('read.data→nowhere.in');
  });

  it('reports references to undefined pipeline parameters, nested ones too', () => {
    const raw = validDocument();
    raw.nodes[0] = {
      ...raw.nodes[0],
      params: {
        path: { $param: 'input_path' },
        rules: [
          { metric: 'accuracy', min: { $param: 'threshold' } },
          { metric: 'f1', max: { $param: 'f1_max' } },
        ],
        'a/b': { $param: 'slashed' },
      },
    };
    const diagnostics = diagnosticsOf(raw);
    expect(diagnostics.map((d) => [d.code, d.nodeId, d.path])).toEqual([
      ['param.unknown-reference', 'read', '/nodes/0/params/path'],
      ['param.unknown-reference', 'read', '/nodes/0/params/rules/1/max'],
      ['param.unknown-reference', 'read', '/nodes/0/params/a~1b'],
    ]);
    expect(diagnostics[1]?.message).toContain('"f1_max"');
  });

  it('lets a compiler go on past undefined references when asked, carrying them, and not past worse', () => {
    const raw = validDocument();
    raw.nodes[0] = { ...raw.nodes[0], params: { path: { $param: 'input_path' } } };
    const past = loadDocument(raw, { continuePastReferences: true });
    expect(past.ok).toBe(true);
    expect(past.diagnostics?.map((d) => d.code)).toEqual(['param.unknown-reference']);
    expect(loadDocument(raw).ok).toBe(false);
    const duplicate = { ...raw, nodes: [...raw.nodes, { ...raw.nodes[1] }] };
    const refused = loadDocument(duplicate, { continuePastReferences: true });
    expect(refused.ok).toBe(false);
    expect(refused.diagnostics?.map((d) => d.code).sort()).toEqual(['node.duplicate-id', 'param.unknown-reference']);
    expect('diagnostics' in loadDocument(validDocument(), { continuePastReferences: true })).toBe(false);
  });

  it('treats an object with more than $param as a plain value', () => {
    const raw = validDocument();
    raw.nodes[0] = { ...raw.nodes[0], params: { x: { $param: 'undefined_one', other: 1 } } };
    expect(loadDocument(raw).ok).toBe(true);
  });

  it.each([
    [{ type: 'number', default: 'high' }, 'is not of type number'],
    [{ type: 'integer', default: 1.5 }, 'is not of type integer'],
    [{ type: 'boolean', default: 0 }, 'is not of type boolean'],
    [{ type: 'string', default: true }, 'is not of type string'],
    [{ type: 'string', default: 'c', enum: ['a', 'b'] }, 'is not one of "a", "b"'],
  ])('reports the bad default of %j', (parameter, problem) => {
    const raw = validDocument();
    raw.parameters = { threshold: { type: 'number' }, p: parameter };
    const diagnostics = diagnosticsOf(raw);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'parameter.bad-default', path: '/parameters/p/default' });
    expect(diagnostics[0]?.message).toContain('pipeline parameter "p"');
    expect(diagnostics[0]?.message).toContain(problem);
  });

  it('reports every structural problem in one pass', () => {
    const raw = validDocument();
    raw.parameters = { p: { type: 'integer', default: 0.5 } };
    raw.nodes.push({ id: 'gate', type: 'core.x', version: '1.0.0', params: { q: { $param: 'nope' } } });
    raw.edges.push({ id: 'e1', from: { node: 'x', port: 'o' }, to: { node: 'gate', port: 'i' } });
    expect(diagnosticsOf(raw).map((d) => d.code)).toEqual([
      'parameter.bad-default',
      'param.unknown-reference',
      'node.duplicate-id',
      'param.unknown-reference',
      'edge.duplicate-id',
      'edge.unknown-node',
    ]);
  });
});

describe('loadDocument: notes', () => {
  /** A valid document with notes; `notes` is typed for tests that change one. */
  function withNotes(): ReturnType<typeof validDocument> & { notes: unknown[] } {
    return {
      ...validDocument(),
      notes: [
        {
          id: 'why',
          text: 'Gate on the validation split only.\nSee the README.',
          position: { x: -40.5, y: 120 },
          size: { width: 240, height: 96 },
          color: '#fde68a',
        },
        { id: 'todo', text: '', position: { x: 0, y: 0 } },
      ],
    };
  }

  it('accepts notes with and without their optional size and color, and gives them back unchanged', () => {
    const raw = withNotes();
    expect(loadDocument(raw)).toEqual({ ok: true, document: raw });
    expect(loadDocument({ ...validDocument(), notes: [] }).ok).toBe(true);
  });

  it('accepts a size at its minimum and text at its longest', () => {
    const raw = withNotes();
    raw.notes[0] = { ...(raw.notes[0] as object), text: 'x'.repeat(10_000), size: { width: 40, height: 24 } };
    expect(loadDocument(raw).ok).toBe(true);
  });

  it('reports every shape problem of a note at its JSON Pointer', () => {
    const raw = withNotes();
    raw.notes = [
      { id: '1st', text: 'x'.repeat(10_001), position: { x: 0 }, size: { width: 39, height: 23 }, pinned: true },
      { id: 'b', text: 7, position: { x: 'left', y: 0, z: 1 }, size: { width: 100 }, color: 3 },
      { text: 'no id or position' },
      'a string',
    ];
    const byPath = Object.fromEntries(diagnosticsOf(raw).map((d) => [d.path, d]));
    expect(Object.keys(byPath).sort()).toEqual([
      '/notes/0/id',
      '/notes/0/pinned',
      '/notes/0/position/y',
      '/notes/0/size/height',
      '/notes/0/size/width',
      '/notes/0/text',
      '/notes/1/color',
      '/notes/1/position/x',
      '/notes/1/position/z',
      '/notes/1/size/height',
      '/notes/1/text',
      '/notes/2/id',
      '/notes/2/position',
      '/notes/3',
    ]);
    expect(byPath['/notes/0/id']?.message).toMatch(/^"id" must match \^\[A-Za-z_\]/);
    expect(byPath['/notes/0/pinned']?.message).toBe('unknown property "pinned"');
    expect(byPath['/notes/0/text']?.message).toContain('10000');
    expect(byPath['/notes/0/size/width']?.message).toContain('40');
    expect(byPath['/notes/0/size/height']?.message).toContain('24');
    expect(byPath['/notes/1/position/x']?.message).toBe('"x": expected number');
    expect(byPath['/notes/2/position']?.message).toBe('missing required property "position"');
    for (const d of diagnosticsOf(raw)) {
      expect(d).toMatchObject({ code: 'document.schema', severity: 'error' });
      expect(d.nodeId).toBeUndefined();
    }
  });

  it('refuses notes that are not an array', () => {
    expect(diagnosticsOf({ ...validDocument(), notes: { why: 'x' } })).toEqual([
      expect.objectContaining({ code: 'document.schema', path: '/notes' }),
    ]);
  });

  it('reports a duplicate note id at the second note', () => {
    const raw = withNotes();
    raw.notes.push({ id: 'why', text: 'again', position: { x: 1, y: 1 } });
    expect(diagnosticsOf(raw)).toEqual([
      {
        code: 'note.duplicate-id',
        message: 'note id "why" is used by notes 0 and 2; note ids must be unique',
        severity: 'error',
        path: '/notes/2/id',
      },
    ]);
  });

  it("reports a note that takes a node's id: notes and nodes share the canvas's id space", () => {
    const raw = withNotes();
    raw.notes[1] = { id: 'gate', text: 'about the gate', position: { x: 1, y: 1 } };
    expect(diagnosticsOf(raw)).toEqual([
      {
        code: 'note.id-taken-by-node',
        message: 'note id "gate" is already the id of node 1; notes and nodes share one id space on the canvas',
        severity: 'error',
        path: '/notes/1/id',
      },
    ]);
  });

  it('may share an id with an edge, which the canvas keeps apart', () => {
    const raw = withNotes();
    raw.notes[1] = { id: 'e1', text: 'about e1', position: { x: 1, y: 1 } };
    expect(loadDocument(raw).ok).toBe(true);
  });

  it('reports note problems after those of nodes and edges, each duplicate once', () => {
    const raw = withNotes();
    raw.nodes.push({ id: 'read', type: 'core.read_json', version: '1.0.0' });
    raw.notes = [
      { id: 'read', text: '', position: { x: 0, y: 0 } },
      { id: 'n', text: '', position: { x: 0, y: 0 } },
      { id: 'read', text: '', position: { x: 0, y: 0 } },
      { id: 'n', text: '', position: { x: 0, y: 0 } },
    ];
    expect(diagnosticsOf(raw).map((d) => [d.code, d.path])).toEqual([
      ['node.duplicate-id', '/nodes/2/id'],
      ['note.id-taken-by-node', '/notes/0/id'],
      ['note.duplicate-id', '/notes/2/id'],
      ['note.duplicate-id', '/notes/3/id'],
    ]);
  });

  it('keeps the notes of a migrated version 1 document', () => {
    // Format 1 had no notes, so such a file was not made by Loom; it loads as the version 2 it fits.
    const raw = { ...withNotes(), formatVersion: 1 };
    expect(loadDocument(raw)).toMatchObject({ ok: true, migratedFrom: 1, document: { notes: raw.notes } });
  });
});

describe('valueMatchesParameterType', () => {
  it.each([
    ['string', 'x', true],
    ['string', 1, false],
    ['number', 1.5, true],
    ['number', Number.NaN, false],
    ['number', '1', false],
    ['integer', 3, true],
    ['integer', 3.5, false],
    ['boolean', false, true],
    ['boolean', 'false', false],
  ] as const)('%s accepts %j: %s', (type, value, expected) => {
    expect(valueMatchesParameterType({ type }, value)).toBe(expected);
  });
});

describe('forEachParameterReference', () => {
  it('visits every reference with its escaped JSON Pointer, in document order', () => {
    const seen: Array<[string, string]> = [];
    forEachParameterReference(
      {
        a: { $param: 'one' },
        list: [1, { $param: 'two' }, [{ deep: { $param: 'three' } }]],
        'x~y': { $param: 'four' },
      },
      '/nodes/0/params',
      (name, path) => seen.push([name, path]),
    );
    expect(seen).toEqual([
      ['one', '/nodes/0/params/a'],
      ['two', '/nodes/0/params/list/1'],
      ['three', '/nodes/0/params/list/2/0/deep'],
      ['four', '/nodes/0/params/x~0y'],
    ]);
  });

  it('visits a top-level reference and nothing in plain values', () => {
    const seen: string[] = [];
    forEachParameterReference({ $param: 'top' }, '', (name, path) => seen.push(`${name}@${path}`));
    forEachParameterReference([1, 'two', null, { three: 3 }], '', (name) => seen.push(name));
    expect(seen).toEqual(['top@']);
  });
});
