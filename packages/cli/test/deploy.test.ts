// `loom run` of the iris example deploys into the registry of its home; a second run is a cache hit
// that changes nothing there.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoomStore } from '@loom/server/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXAMPLES, loom } from './loom-process.ts';

interface RunReport {
  runId: string;
  status: string;
  steps: Array<{ id: string; status: string; cached: boolean; outputs: Array<{ port: string; path: string }> }>;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-deploy-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const home = () => join(dir, 'home');

async function runIris(env: Record<string, string> = {}): Promise<RunReport> {
  const result = await loom(['run', join(EXAMPLES, 'iris-classification', 'pipeline.loom.json'), '--json'], dir, {
    LOOM_HOME: home(),
    ...env,
  });
  if (result.code !== 0) throw new Error(`loom run exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as RunReport;
}

function withStore<T>(read: (store: LoomStore) => T): T {
  const store = LoomStore.open(join(home(), 'loom.db'));
  try {
    return read(store);
  } finally {
    store.close();
  }
}

describe('deploy.endpoint in loom run', { timeout: 180_000 }, () => {
  it('registers iris version 1 with its provenance, sets the alias and the endpoint; a second run is cached and changes nothing', async () => {
    const first = await runIris({ LOOM_MODEL_SERVER_URL: 'http://models.test:8081' });
    expect(first.status).toBe('succeeded');
    const deploy = first.steps.find((step) => step.id === 'deploy');
    expect(deploy).toMatchObject({ status: 'succeeded', cached: false });

    const registered = withStore((store) => ({
      model: store.getModel('iris'),
      version: store.getModelVersion('iris', 1),
      endpoint: store.getEndpoint('iris'),
      events: store.listModelEvents('iris'),
      run: store.getRunSummary(first.runId),
    }));
    expect(registered.model).toMatchObject({
      latestVersion: 1,
      versionCount: 1,
      aliases: [{ alias: 'production', version: 1 }],
    });
    expect(registered.version).toMatchObject({
      task: 'classification',
      label: 'species',
      classes: ['setosa', 'versicolor', 'virginica'],
      trainedBy: 'train.logistic_regression',
      metrics: expect.objectContaining({ accuracy: expect.any(Number) }),
      provenance: {
        pipelineId: registered.run?.pipelineId,
        pipelineVersion: registered.run?.pipelineVersion,
        runId: first.runId,
        stepId: 'deploy',
      },
    });
    expect(registered.version?.inputs.map((input) => input.name)).toEqual([
      'sepal_length',
      'sepal_width',
      'petal_length',
      'petal_width',
    ]);
    expect(registered.endpoint).toMatchObject({
      alias: 'production',
      traffic: [],
      routes: [{ version: 1, percent: 100 }],
    });
    expect(registered.events?.map((event) => event.kind)).toEqual(['alias.moved', 'version.registered']);

    const endpointFile = deploy?.outputs.find((output) => output.port === 'endpoint')?.path ?? '';
    expect(JSON.parse(await readFile(endpointFile, 'utf8'))).toEqual({
      url: 'http://models.test:8081/v2/models/iris',
      model: 'iris',
      version: 1,
      alias: 'production',
    });

    const second = await runIris();
    expect(second.steps.find((step) => step.id === 'deploy')).toMatchObject({ status: 'cached', cached: true });
    const after = withStore((store) => ({
      events: store.listModelEvents('iris'),
      endpoint: store.getEndpoint('iris'),
    }));
    expect(after.events).toEqual(registered.events);
    expect(after.endpoint).toEqual(registered.endpoint);
  });
});
