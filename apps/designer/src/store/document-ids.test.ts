import { describe, expect, it } from 'vitest';
import { baseIdForType, uniqueId } from './document-ids.ts';

describe('baseIdForType', () => {
  it("names a node by its type's last part", () => {
    expect(baseIdForType('data.csv')).toBe('csv');
    expect(baseIdForType('train.logistic_regression')).toBe('logistic_regression');
    expect(baseIdForType('acme.3d')).toBe('n_3d');
  });

  it('names it by what it does when the last part is a port type, so ids never read like ports', () => {
    expect(baseIdForType('validate.model')).toBe('validate');
    expect(baseIdForType('export.onnx')).toBe('export');
    expect(baseIdForType('data.json')).toBe('data');
    expect(baseIdForType('model')).toBe('model');
  });

  it('numbers ids that are taken', () => {
    expect(uniqueId('validate', new Set(['validate']))).toBe('validate_2');
  });
});
