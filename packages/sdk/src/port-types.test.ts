import { describe, expect, it } from 'vitest';
import { BUILTIN_PORT_TYPES, definePortType, isPortTypeCompatible, type PortTypeDefinition } from './port-types.ts';

const builtins = new Map(BUILTIN_PORT_TYPES.map((type) => [type.name, type]));
const lookup = (name: string): PortTypeDefinition | undefined => builtins.get(name);

describe('BUILTIN_PORT_TYPES', () => {
  it('has unique names, and every extends names a built-in type', () => {
    expect(new Set(builtins.keys()).size).toBe(BUILTIN_PORT_TYPES.length);
    for (const type of BUILTIN_PORT_TYPES) {
      if (type.extends !== undefined) expect(builtins.has(type.extends)).toBe(true);
    }
  });

  it('stores values as the design says', () => {
    const storage = Object.fromEntries(BUILTIN_PORT_TYPES.map((t) => [t.name, t.storage]));
    expect(storage).toEqual({
      any: 'abstract',
      json: 'json',
      text: 'text',
      transform: 'file',
      metrics: 'json',
      endpoint: 'json',
      file: 'file',
      table: 'file',
      model: 'file',
      onnx: 'file',
    });
  });

  it('gives file-stored types a file ancestor and json-stored types a json ancestor', () => {
    for (const type of BUILTIN_PORT_TYPES) {
      if (type.storage === 'file') expect(isPortTypeCompatible(type.name, 'file', lookup)).toBe(true);
      if (type.storage === 'json') expect(isPortTypeCompatible(type.name, 'json', lookup)).toBe(true);
    }
  });
});

describe('definePortType', () => {
  it('returns the definition as given', () => {
    const definition = { name: 'image', description: 'd', storage: 'file', extends: 'file', color: '#123' } as const;
    expect(definePortType(definition)).toBe(definition);
  });
});

describe('isPortTypeCompatible', () => {
  it('uses the lookup it is given for types beyond the built-ins', () => {
    const image = definePortType({ name: 'image', description: '', storage: 'file', extends: 'file', color: '#000' });
    const png = definePortType({ name: 'png', description: '', storage: 'file', extends: 'image', color: '#000' });
    const withPlugins = (name: string) => (name === 'image' ? image : name === 'png' ? png : lookup(name));
    expect(isPortTypeCompatible('png', 'image', withPlugins)).toBe(true);
    expect(isPortTypeCompatible('png', 'file', withPlugins)).toBe(true);
    expect(isPortTypeCompatible('png', 'any', withPlugins)).toBe(true);
    expect(isPortTypeCompatible('image', 'png', withPlugins)).toBe(false);
    expect(isPortTypeCompatible('png', 'image', lookup)).toBe(false);
  });
});
