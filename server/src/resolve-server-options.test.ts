import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveServerOptions } from './resolve-server-options.ts';
import { testRegistry } from './test-fixtures/test-app.ts';

const registry = testRegistry();

describe('resolveServerOptions', () => {
  it('defaults without an environment', () => {
    const options = resolveServerOptions({ registry }, {});
    expect(options).toEqual({
      registry,
      home: './.loom',
      dataRoots: [process.cwd()],
      host: '127.0.0.1',
      // This repository's examples, found from the server's own files.
      examplesDir: fileURLToPath(new URL('../../examples', import.meta.url)),
    });
  });

  it('reads LOOM_HOME, LOOM_DATA_ROOTS, LOOM_API_TOKEN and REDIS_URL', () => {
    const options = resolveServerOptions(
      { registry },
      {
        LOOM_HOME: '/srv/loom',
        LOOM_DATA_ROOTS: '/data/a:/data/b:',
        LOOM_API_TOKEN: 't0k',
        REDIS_URL: 'redis://r:6379',
      },
    );
    expect(options).toMatchObject({
      home: '/srv/loom',
      dataRoots: ['/data/a', '/data/b'],
      apiToken: 't0k',
      redisUrl: 'redis://r:6379',
    });
  });

  it('reads LOOM_DESIGNER_DIR, and lets a given designerDir win', () => {
    expect(resolveServerOptions({ registry }, { LOOM_DESIGNER_DIR: '/srv/designer' }).designerDir).toBe(
      '/srv/designer',
    );
    expect(
      resolveServerOptions({ registry, designerDir: 'mine' }, { LOOM_DESIGNER_DIR: '/srv/designer' }).designerDir,
    ).toBe('mine');
    expect('designerDir' in resolveServerOptions({ registry }, { LOOM_DESIGNER_DIR: '' })).toBe(false);
  });

  it('prefers given options and treats empty variables as unset', () => {
    const options = resolveServerOptions(
      { registry, home: 'mine', host: '0.0.0.0', apiToken: 'given' },
      { LOOM_HOME: '/srv/loom', LOOM_API_TOKEN: 'env', REDIS_URL: '', LOOM_DATA_ROOTS: ' ' },
    );
    expect(options).toMatchObject({ home: 'mine', host: '0.0.0.0', apiToken: 'given', dataRoots: [process.cwd()] });
    expect('redisUrl' in options).toBe(false);
  });

  it('reads LOOM_ALLOWED_HOSTS and LOOM_ALLOWED_ORIGINS as comma-separated lists', () => {
    const options = resolveServerOptions(
      { registry },
      { LOOM_ALLOWED_HOSTS: 'loom.example.com, .corp.example,', LOOM_ALLOWED_ORIGINS: 'https://dash.example.com' },
    );
    expect(options.allowedHosts).toEqual(['loom.example.com', '.corp.example']);
    expect(options.allowedOrigins).toEqual(['https://dash.example.com']);
    expect('allowedHosts' in resolveServerOptions({ registry }, { LOOM_ALLOWED_HOSTS: '' })).toBe(false);
  });

  it('turns the model server off with LOOM_MODEL_SERVER=off, and refuses other values naming the variable', () => {
    expect(resolveServerOptions({ registry }, { LOOM_MODEL_SERVER: 'off' }).modelServer).toBe(false);
    expect(resolveServerOptions({ registry }, { LOOM_MODEL_SERVER: 'OFF' }).modelServer).toBe(false);
    expect('modelServer' in resolveServerOptions({ registry }, { LOOM_MODEL_SERVER: 'on' })).toBe(false);
    expect('modelServer' in resolveServerOptions({ registry }, {})).toBe(false);
    const given = { threads: 2 };
    expect(resolveServerOptions({ registry, modelServer: given }, { LOOM_MODEL_SERVER: 'off' }).modelServer).toBe(
      given,
    );
    expect(() => resolveServerOptions({ registry }, { LOOM_MODEL_SERVER: 'no' })).toThrow(
      'LOOM_MODEL_SERVER must be "on" or "off", not "no"',
    );
  });

  it('takes the model server address from LOOM_MODEL_SERVER_URL, unless one is given', () => {
    expect(resolveServerOptions({ registry }, { LOOM_MODEL_SERVER_URL: 'https://models.example.com' })).toMatchObject({
      modelServerUrl: 'https://models.example.com',
    });
    expect(
      resolveServerOptions({ registry, modelServerUrl: 'http://given:9' }, { LOOM_MODEL_SERVER_URL: 'http://env:1' })
        .modelServerUrl,
    ).toBe('http://given:9');
    expect('modelServerUrl' in resolveServerOptions({ registry }, {})).toBe(false);
  });
});
