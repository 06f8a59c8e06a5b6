/** Builders of raw pipeline documents (as parsed from JSON) for compiler tests. */

export interface RawNode {
  id: string;
  type: string;
  version: string;
  params?: Record<string, unknown>;
  retries?: number;
  timeoutMs?: number;
  ui?: Record<string, unknown>;
}

export interface RawEdge {
  id?: string;
  from: { node: string; port: string };
  to: { node: string; port: string };
}

export interface RawDocument {
  format: 'loom.pipeline';
  formatVersion: number;
  name: string;
  description?: string;
  parameters?: Record<string, Record<string, unknown>>;
  nodes: RawNode[];
  edges: RawEdge[];
  notes?: Array<Record<string, unknown>>;
}

export function node(id: string, type: string, params?: Record<string, unknown>, version = '1.0.0'): RawNode {
  return params === undefined ? { id, type, version } : { id, type, version, params };
}

/** `edge('a.out', 'b.in')`, with an optional id. */
export function edge(from: string, to: string, id?: string): RawEdge {
  const [fromNode = '', fromPort = ''] = from.split('.');
  const [toNode = '', toPort = ''] = to.split('.');
  const ends = { from: { node: fromNode, port: fromPort }, to: { node: toNode, port: toPort } };
  return id === undefined ? ends : { id, ...ends };
}

export function document(
  nodes: RawNode[],
  edges: RawEdge[],
  parameters?: Record<string, Record<string, unknown>>,
): RawDocument {
  const doc: RawDocument = { format: 'loom.pipeline', formatVersion: 2, name: 'test', nodes, edges };
  if (parameters !== undefined) doc.parameters = parameters;
  return doc;
}

/**
 * The fixture ML pipeline: source → split → train → evaluate, with both metrics merged.
 * `threshold`-like pipeline parameters: `fraction` (number, default 0.25) and `epochs` (integer, no default).
 */
export function mlPipeline(): RawDocument {
  return document(
    [
      node('load', 'test.source', { path: 'data.parquet' }),
      node('split', 'test.split', { fraction: { $param: 'fraction' }, seed: 7 }),
      node('train', 'test.train', { epochs: { $param: 'epochs' } }),
      node('evaluate', 'test.evaluate'),
      node('merge', 'test.merge'),
    ],
    [
      edge('load.table', 'split.data', 'e1'),
      edge('split.train', 'train.train', 'e2'),
      edge('train.model', 'evaluate.model', 'e3'),
      edge('split.test', 'evaluate.test', 'e4'),
      edge('evaluate.metrics', 'merge.metrics', 'e5'),
      edge('train.history', 'merge.metrics', 'e6'),
    ],
    {
      fraction: { type: 'number', default: 0.25 },
      epochs: { type: 'integer' },
    },
  );
}

/** Deep copy with every object's keys in reverse order: the same document, written differently. */
export function reverseKeys<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).reverse())
      : item,
  ) as T;
}
