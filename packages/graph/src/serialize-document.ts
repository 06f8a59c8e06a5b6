import type { PipelineDocument } from './document.ts';

/**
 * Known objects list their keys in this order; keys not listed follow in alphabetical order.
 * Objects not reached through these paths (node params, ui extras) are sorted alphabetically.
 */
const DOCUMENT_KEYS = [
  '$schema',
  'format',
  'formatVersion',
  'name',
  'description',
  'parameters',
  'nodes',
  'edges',
  'notes',
];
const PARAMETER_KEYS = ['type', 'default', 'enum', 'description'];
const NODE_KEYS = ['id', 'type', 'version', 'params', 'retries', 'timeoutMs', 'backend', 'ui'];
const UI_KEYS = ['position', 'label', 'color', 'comment'];
const POSITION_KEYS = ['x', 'y'];
const EDGE_KEYS = ['id', 'from', 'to'];
const PORT_REF_KEYS = ['node', 'port'];
const NOTE_KEYS = ['id', 'text', 'position', 'size', 'color'];
const SIZE_KEYS = ['width', 'height'];

type Ordered = unknown;

function orderKeys(record: Record<string, unknown>, known: readonly string[]): string[] {
  const present = known.filter((key) => record[key] !== undefined);
  const rest = Object.keys(record)
    .filter((key) => !known.includes(key) && record[key] !== undefined)
    .sort();
  return [...present, ...rest];
}

function sortedDeep(value: unknown): Ordered {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value === null || typeof value !== 'object') return value;
  return orderedObject(value as Record<string, unknown>, [], () => sortedDeep);
}

function orderedObject(
  record: Record<string, unknown>,
  known: readonly string[],
  childOrder: (key: string) => (child: unknown) => Ordered,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of orderKeys(record, known)) out[key] = childOrder(key)(record[key]);
  return out;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function orderWith(known: readonly string[], children: Record<string, (v: unknown) => Ordered> = {}) {
  return (value: unknown): Ordered => {
    const record = asRecord(value);
    if (record === undefined) return sortedDeep(value);
    return orderedObject(record, known, (key) => children[key] ?? sortedDeep);
  };
}

function eachItem(order: (v: unknown) => Ordered) {
  return (value: unknown): Ordered => (Array.isArray(value) ? value.map(order) : sortedDeep(value));
}

function eachMember(order: (v: unknown) => Ordered) {
  return (value: unknown): Ordered => {
    const record = asRecord(value);
    if (record === undefined) return sortedDeep(value);
    return orderedObject(record, [], () => order);
  };
}

const orderPortRef = orderWith(PORT_REF_KEYS);
const orderPosition = orderWith(POSITION_KEYS);
const orderDocument = orderWith(DOCUMENT_KEYS, {
  parameters: eachMember(orderWith(PARAMETER_KEYS)),
  nodes: eachItem(
    orderWith(NODE_KEYS, {
      ui: orderWith(UI_KEYS, { position: orderPosition }),
    }),
  ),
  edges: eachItem(orderWith(EDGE_KEYS, { from: orderPortRef, to: orderPortRef })),
  notes: eachItem(orderWith(NOTE_KEYS, { position: orderPosition, size: orderWith(SIZE_KEYS) })),
});

/**
 * The canonical text of a document: fixed key order, 2-space indent, trailing newline. Loading a
 * canonical file and serialising it again gives the same bytes, so saved pipelines diff cleanly.
 */
export function serializeDocument(document: PipelineDocument): string {
  return `${JSON.stringify(orderDocument(document), null, 2)}\n`;
}
