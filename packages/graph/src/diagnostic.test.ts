import { describe, expect, it } from 'vitest';
import { error, formatDiagnostic, pointer, pointerSegment } from './diagnostic.ts';
import { edgeLabel, isParameterReference } from './document.ts';

describe('pointer', () => {
  it('joins segments into a JSON Pointer, escaping ~ and / (RFC 6901)', () => {
    expect(pointer('nodes', 2, 'params')).toBe('/nodes/2/params');
    expect(pointer('a/b', 'c~d')).toBe('/a~1b/c~0d');
    expect(pointerSegment('~/')).toBe('~0~1');
    expect(pointer()).toBe('');
  });
});

describe('error', () => {
  it('leaves out location fields that are not given', () => {
    expect(error('x.y', 'm')).toEqual({ code: 'x.y', message: 'm', severity: 'error' });
    expect(Object.keys(error('x.y', 'm', { nodeId: undefined, path: '/a' }))).toEqual([
      'code',
      'message',
      'severity',
      'path',
    ]);
  });
});

describe('formatDiagnostic', () => {
  it('puts the location first and the code last', () => {
    expect(formatDiagnostic(error('node.bad', 'it is bad', { nodeId: 'split', path: '/nodes/2' }))).toBe(
      'node "split", at /nodes/2: it is bad [node.bad]',
    );
    expect(formatDiagnostic(error('edge.bad', 'no', { edgeId: 'e1' }))).toBe('edge "e1": no [edge.bad]');
    expect(formatDiagnostic(error('document.invalid-json', 'broken', { path: '' }))).toBe(
      'broken [document.invalid-json]',
    );
  });
});

describe('isParameterReference', () => {
  it('is true only for an object with a string $param and nothing else', () => {
    expect(isParameterReference({ $param: 'x' })).toBe(true);
    expect(isParameterReference({ $param: 1 })).toBe(false);
    expect(isParameterReference({ $param: 'x', other: 1 })).toBe(false);
    expect(isParameterReference([{ $param: 'x' }])).toBe(false);
    expect(isParameterReference(null)).toBe(false);
    expect(isParameterReference('$param')).toBe(false);
  });
});

describe('edgeLabel', () => {
  it('is the id, or from.port→to.port without one', () => {
    const ends = { from: { node: 'a', port: 'out' }, to: { node: 'b', port: 'in' } };
    expect(edgeLabel({ id: 'e1', ...ends })).toBe('e1');
    expect(edgeLabel(ends)).toBe('a.out→b.in');
  });
});
