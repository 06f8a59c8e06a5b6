import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testRegistry } from '../test-fixtures/test-app.ts';
import { DEFAULT_BODY_LIMIT, isLoopbackHost, resolveConfig } from './config-plugin.ts';

const base = { registry: testRegistry(), home: 'state', dataRoots: ['data', '/abs'], host: '127.0.0.1' };

describe('resolveConfig', () => {
  it('fills in the defaults and makes paths absolute', () => {
    const config = resolveConfig(base);
    expect(config.bodyLimit).toBe(DEFAULT_BODY_LIMIT);
    expect(config.queuePrefix).toBe('loom');
    expect(config.inlineConcurrency).toBeGreaterThanOrEqual(1);
    expect(config.logger).toBe(false);
    expect(config.home).toBe(resolve('state'));
    expect(config.dataRoots).toEqual([resolve('data'), '/abs']);
  });

  it("defaults the designer to this repository's apps/designer/dist, wherever the process runs", () => {
    const repository = fileURLToPath(new URL('../../../', import.meta.url));
    expect(resolveConfig(base).designerDir).toBe(resolve(repository, 'apps/designer/dist'));
    expect(resolveConfig({ ...base, designerDir: 'site' }).designerDir).toBe(resolve('site'));
  });

  it('answers to loopback names alone on loopback, and to its own names when it listens on the network', () => {
    expect(resolveConfig(base).requestPolicy).toEqual({ allowedHosts: [], allowedOrigins: [] });
    const shared = resolveConfig({ ...base, host: '0.0.0.0', apiToken: 't', allowedHosts: ['Loom.Example.com'] });
    expect(shared.requestPolicy.allowedHosts).toEqual(['loom.example.com', hostname().toLowerCase()]);
    const named = resolveConfig({ ...base, host: 'loom-server', apiToken: 't' });
    expect(named.requestPolicy.allowedHosts).toContain('loom-server');
  });

  it('keeps what is given', () => {
    const config = resolveConfig({ ...base, bodyLimit: 1000, queuePrefix: 'q', inlineConcurrency: 3, logger: true });
    expect(config).toMatchObject({ bodyLimit: 1000, queuePrefix: 'q', inlineConcurrency: 3, logger: true });
  });

  it('refuses a non-loopback host without a token, and a bad body limit', () => {
    expect(() => resolveConfig({ ...base, host: '0.0.0.0' })).toThrow(/without an API token/);
    expect(() => resolveConfig({ ...base, host: '::' })).toThrow(/without an API token/);
    expect(resolveConfig({ ...base, host: '0.0.0.0', apiToken: 't' }).host).toBe('0.0.0.0');
    expect(() => resolveConfig({ ...base, bodyLimit: 0 })).toThrow(/bodyLimit/);
  });
});

describe('isLoopbackHost', () => {
  it('knows the loopback names', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost', 'LOCALHOST']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'example.com']) expect(isLoopbackHost(host)).toBe(false);
  });
});
