import { describe, expect, it } from 'vitest';
import { resolveServerOptions } from '../resolve-server-options.ts';
import { testRegistry } from '../test-fixtures/test-app.ts';
import { resolveModelServerOptions } from './model-server-app.ts';
import { requestLogSettingsFromEnv, sampleRateOf } from './model-server-options.ts';

const readFrom = (env: Record<string, string>) => (name: string) => env[name];

describe('requestLogSettingsFromEnv', () => {
  it('reads one rate, rates per model with a default, and off', () => {
    expect(requestLogSettingsFromEnv(readFrom({ LOOM_REQUEST_LOG_SAMPLE: '0.25' }))).toEqual({
      requestLogSampleRate: 0.25,
    });
    expect(requestLogSettingsFromEnv(readFrom({ LOOM_REQUEST_LOG_SAMPLE: 'iris=0.1, *=1' }))).toEqual({
      requestLogSampleRate: { iris: 0.1, '*': 1 },
    });
    expect(requestLogSettingsFromEnv(readFrom({ LOOM_REQUEST_LOG: 'OFF' }))).toEqual({ requestLog: false });
    expect(requestLogSettingsFromEnv(readFrom({ LOOM_REQUEST_LOG: 'on' }))).toEqual({});
    expect(requestLogSettingsFromEnv(readFrom({}))).toEqual({});
  });

  it('refuses what it cannot read, naming the variable and the entry', () => {
    expect(() => requestLogSettingsFromEnv(readFrom({ LOOM_REQUEST_LOG_SAMPLE: '2' }))).toThrow(
      'LOOM_REQUEST_LOG_SAMPLE: "2" is not a rate from 0 to 1',
    );
    expect(() => requestLogSettingsFromEnv(readFrom({ LOOM_REQUEST_LOG_SAMPLE: 'iris=half' }))).toThrow(
      'LOOM_REQUEST_LOG_SAMPLE: "iris=half" is not a rate from 0 to 1',
    );
    expect(() => requestLogSettingsFromEnv(readFrom({ LOOM_REQUEST_LOG_SAMPLE: 'iris=0.1,=1' }))).toThrow(
      'LOOM_REQUEST_LOG_SAMPLE: "=1" is not model=rate',
    );
    expect(() => requestLogSettingsFromEnv(readFrom({ LOOM_REQUEST_LOG: 'sometimes' }))).toThrow(
      'LOOM_REQUEST_LOG must be "on" or "off", not "sometimes"',
    );
  });

  it('gives each model its rate, the default for the rest, and 1 when nothing is set', () => {
    expect(sampleRateOf({ iris: 0.1, '*': 0.5 }, 'iris')).toBe(0.1);
    expect(sampleRateOf({ iris: 0.1, '*': 0.5 }, 'diabetes')).toBe(0.5);
    expect(sampleRateOf({ iris: 0.1 }, 'diabetes')).toBe(1);
    expect(sampleRateOf(0.3, 'iris')).toBe(0.3);
    expect(sampleRateOf(undefined, 'iris')).toBe(1);
  });

  it('reaches both loom start and loom serve, unless model server options are given', () => {
    const env = { LOOM_REQUEST_LOG_SAMPLE: '0.5' };
    expect(resolveServerOptions({ registry: testRegistry() }, env).modelServer).toEqual({ requestLogSampleRate: 0.5 });
    expect(resolveModelServerOptions({}, env).modelServer).toEqual({ requestLogSampleRate: 0.5 });
    const given = { threads: 2 };
    expect(resolveModelServerOptions({ modelServer: given }, env).modelServer).toBe(given);
    expect(resolveServerOptions({ registry: testRegistry() }, { ...env, LOOM_MODEL_SERVER: 'off' }).modelServer).toBe(
      false,
    );
  });
});
