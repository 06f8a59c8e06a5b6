import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER, LoomApi, resolveServer } from './loom-api.ts';

describe('resolveServer', () => {
  it('takes --server, then LOOM_SERVER, then the default, without a trailing slash', () => {
    expect(resolveServer('https://loom.example.com/', { LOOM_SERVER: 'http://other:8080' })).toBe(
      'https://loom.example.com',
    );
    expect(resolveServer(undefined, { LOOM_SERVER: ' http://ci.internal:9000/loom/ ' })).toBe(
      'http://ci.internal:9000/loom',
    );
    expect(resolveServer(undefined, { LOOM_SERVER: '' })).toBe(DEFAULT_SERVER);
  });

  it('refuses what is not an http(s) address, as a usage error', () => {
    expect(() => resolveServer('loom.example.com', {})).toThrow(
      /--server loom\.example\.com: expected the server's address/,
    );
    expect(() => resolveServer('ftp://loom.example.com', {})).toThrow(/expected an http:\/\/ or https:\/\/ address/);
    expect(() => resolveServer('nope', {})).toThrow(expect.objectContaining({ name: 'UserError', exitCode: 2 }));
  });
});

describe('LoomApi', () => {
  it("links a run's page in the designer", () => {
    const api = LoomApi.fromEnv('http://127.0.0.1:8080', {});
    expect(api.runPage('p1', '20261207T0000Z-ab')).toBe('http://127.0.0.1:8080/#/pipelines/p1/runs/20261207T0000Z-ab');
  });
});
