import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PipelineDocument } from './document.ts';
import { serializeDocument } from './serialize-document.ts';
import { parseDocument } from './validate-document.ts';

const exampleText = readFileSync(new URL('../../../examples/model-report/pipeline.loom.json', import.meta.url), 'utf8');

function load(text: string): PipelineDocument {
  const result = parseDocument(text);
  if (!result.ok) throw new Error(`expected a valid document: ${JSON.stringify(result.diagnostics)}`);
  return result.document;
}

/** Every key, at every depth, in reverse of the canonical order: the worst case for a serialiser. */
const shuffledText = `{
"notes": [
  { "color": "#fde68a", "size": { "height": 96, "width": 240 }, "position": { "y": -8, "x": 12.5 }, "text": "why", "id": "n1" },
  { "position": { "y": 0, "x": 0 }, "text": "", "id": "n0" }
],
"edges": [{ "to": { "port": "in", "node": "b" }, "from": { "port": "out", "node": "a" }, "id": "e1" }],
"nodes": [
  { "ui": { "zeta": 1, "comment": "c", "alpha": true, "color": "#fff", "label": "A", "position": { "y": 2, "x": 1 } },
    "timeoutMs": 1000, "retries": 2, "params": { "zz": { "b": 1, "a": 2 }, "aa": [{ "y": 1, "x": 2 }] },
    "version": "1.0.0", "type": "test.source", "id": "a" },
  { "params": { "p": { "$param": "threshold" } }, "version": "2.0.0", "type": "test.sink", "id": "b" }
],
"parameters": {
  "threshold": { "description": "d", "enum": [1, 2], "default": 1, "type": "integer" },
  "alpha": { "type": "string" }
},
"description": "shuffled",
"name": "shuffled",
"formatVersion": 2,
"format": "loom.pipeline",
"$schema": "https://loom.dev/schemas/pipeline-2.json"
}`;

const canonicalShuffled = `{
  "$schema": "https://loom.dev/schemas/pipeline-2.json",
  "format": "loom.pipeline",
  "formatVersion": 2,
  "name": "shuffled",
  "description": "shuffled",
  "parameters": {
    "alpha": {
      "type": "string"
    },
    "threshold": {
      "type": "integer",
      "default": 1,
      "enum": [
        1,
        2
      ],
      "description": "d"
    }
  },
  "nodes": [
    {
      "id": "a",
      "type": "test.source",
      "version": "1.0.0",
      "params": {
        "aa": [
          {
            "x": 2,
            "y": 1
          }
        ],
        "zz": {
          "a": 2,
          "b": 1
        }
      },
      "retries": 2,
      "timeoutMs": 1000,
      "ui": {
        "position": {
          "x": 1,
          "y": 2
        },
        "label": "A",
        "color": "#fff",
        "comment": "c",
        "alpha": true,
        "zeta": 1
      }
    },
    {
      "id": "b",
      "type": "test.sink",
      "version": "2.0.0",
      "params": {
        "p": {
          "$param": "threshold"
        }
      }
    }
  ],
  "edges": [
    {
      "id": "e1",
      "from": {
        "node": "a",
        "port": "out"
      },
      "to": {
        "node": "b",
        "port": "in"
      }
    }
  ],
  "notes": [
    {
      "id": "n1",
      "text": "why",
      "position": {
        "x": 12.5,
        "y": -8
      },
      "size": {
        "width": 240,
        "height": 96
      },
      "color": "#fde68a"
    },
    {
      "id": "n0",
      "text": "",
      "position": {
        "x": 0,
        "y": 0
      }
    }
  ]
}
`;

describe('serializeDocument', () => {
  it('gives back the example pipeline byte for byte after loading it', () => {
    expect(serializeDocument(load(exampleText))).toBe(exampleText);
  });

  it('writes 2-space indentation and ends with exactly one newline', () => {
    const text = serializeDocument(load(exampleText));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text.split('\n')[1]).toBe('  "format": "loom.pipeline",');
    expect(text).not.toContain('\t');
  });

  it('puts the keys of a shuffled document in canonical order at every level', () => {
    expect(serializeDocument(load(shuffledText))).toBe(canonicalShuffled);
  });

  it('is stable: serialising its own output again changes nothing', () => {
    const once = serializeDocument(load(shuffledText));
    expect(serializeDocument(load(once))).toBe(once);
    expect(serializeDocument(load(shuffledText))).toBe(once);
  });

  it('does not depend on the order keys were inserted in', () => {
    const a = load(shuffledText);
    const reversed = JSON.parse(JSON.stringify(a), (_key, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse())
        : value,
    ) as PipelineDocument;
    expect(Object.keys(reversed)).toEqual([...Object.keys(a)].reverse());
    expect(serializeDocument(reversed)).toBe(serializeDocument(a));
  });

  it('leaves out undefined members and keeps array order', () => {
    const document: PipelineDocument = {
      format: 'loom.pipeline',
      formatVersion: 2,
      name: 'n',
      nodes: [
        { id: 'z', type: 't.z', version: '1.0.0' },
        { id: 'a', type: 't.a', version: '1.0.0' },
      ],
      edges: [],
    };
    (document as { description?: string | undefined }).description = undefined;
    const text = serializeDocument(document);
    expect(text).not.toContain('description');
    expect(text.indexOf('"z"')).toBeLessThan(text.indexOf('"a"'));
    expect(JSON.parse(text)).toEqual({ ...document, description: undefined });
  });

  it('writes a version 1 document as version 2, with nothing else changed', () => {
    const versionOne = exampleText.replace('"formatVersion": 2,', '"formatVersion": 1,');
    expect(versionOne).not.toBe(exampleText);
    const result = parseDocument(versionOne);
    expect(result).toMatchObject({ ok: true, migratedFrom: 1 });
    if (result.ok) expect(serializeDocument(result.document)).toBe(exampleText);
  });

  it("puts notes after edges, and leaves out a document's missing notes", () => {
    const text = serializeDocument(load(shuffledText));
    expect(Object.keys(JSON.parse(text))).toEqual([
      '$schema',
      'format',
      'formatVersion',
      'name',
      'description',
      'parameters',
      'nodes',
      'edges',
      'notes',
    ]);
    expect(serializeDocument(load(exampleText))).not.toContain('"notes"');
  });

  it('does not mutate the document it writes', () => {
    const document = load(shuffledText);
    const before = JSON.stringify(document);
    serializeDocument(document);
    expect(JSON.stringify(document)).toBe(before);
  });
});
