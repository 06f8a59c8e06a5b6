import { stepJobId } from '@loom/runtime';
import { Job } from 'kubernetes-models/batch/v1';
import { describe, expect, it } from 'vitest';
import { parseInputsArgument, TERMINATION_MESSAGE_PATH } from './pod-protocol.ts';
import { labelValue, stepJob, stepJobName } from './step-job.ts';
import { kubernetesPlanStep } from './testing/plan-step.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const job = {
  runId: '20261207T154000Z-a1b2c3',
  stepId: 'train',
  attempt: 2,
  planSha256: 'a'.repeat(64),
  contentKey: 'c'.repeat(64),
  inputs: { train: [{ sha256: 'b'.repeat(64), type: 'table', storage: 'parquet', size: 10 }] },
};

describe('stepJob', () => {
  it('is a valid Job by the official schema, with the step as requests and limits', () => {
    const id = stepJobId(job.runId, job.stepId, job.attempt);
    const manifest = stepJob(
      job as never,
      id,
      kubernetesPlanStep({
        resources: { cpu: 1.5, memoryMb: 2048, gpu: { count: 1, memoryMb: 0, cpuFallback: false } },
        timeoutMs: 90_500,
      }),
      {
        namespace: 'loom',
        image: 'loom/worker:0.1.0',
        artifactVolume: { claimName: 'loom-home', mountPath: '/var/lib/loom' },
        env: { LOOM_API_URL: 'http://loom-server:8080' },
        secretEnv: { LOOM_API_TOKEN: { secret: 'loom-api', key: 'token' } },
      },
    );
    expect(() => new Job(manifest as never).validate()).not.toThrow();
    expect(manifest.spec?.backoffLimit).toBe(0);
    expect(manifest.spec?.activeDeadlineSeconds).toBe(91);
    expect(manifest.spec?.ttlSecondsAfterFinished).toBe(600);
    const container = manifest.spec?.template.spec?.containers[0];
    expect(container?.resources).toEqual({
      requests: { cpu: '1500m', memory: '2048Mi', 'nvidia.com/gpu': '1' },
      limits: { cpu: '1500m', memory: '2048Mi', 'nvidia.com/gpu': '1' },
    });
    expect(container?.command).toEqual(['loom']);
    expect(container?.args?.slice(0, 3)).toEqual(['step', '--run', job.runId]);
    const inputs = container?.args?.[(container?.args?.indexOf('--inputs') ?? 0) + 1] ?? '';
    expect(parseInputsArgument(inputs)).toEqual(job.inputs);
    expect(container?.args?.at(-1)).toBe(TERMINATION_MESSAGE_PATH);
    expect(container?.env).toContainEqual({ name: 'LOOM_HOME', value: '/var/lib/loom' });
    expect(container?.env).toContainEqual({
      name: 'LOOM_API_TOKEN',
      valueFrom: { secretKeyRef: { name: 'loom-api', key: 'token' } },
    });
    expect(manifest.metadata?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'loom',
      'loom.dev/run': job.runId,
      'loom.dev/step': 'train',
      'loom.dev/attempt': '2',
    });
    expect(manifest.metadata?.annotations?.['loom.dev/job-id']).toBe(id);
    expect(manifest.spec?.template.spec?.volumes).toEqual([
      { name: 'artifacts', persistentVolumeClaim: { claimName: 'loom-home' } },
    ]);
  });

  it('leaves out the GPU when the step needs none', () => {
    const manifest = stepJob(
      job as never,
      stepJobId(job.runId, 'train', 2),
      kubernetesPlanStep({
        resources: { cpu: 1.5, memoryMb: 2048, gpu: { count: 0, memoryMb: 0, cpuFallback: false } },
      }),
      {
        namespace: 'loom',
        image: 'x',
      },
    );
    expect(manifest.spec?.template.spec?.containers[0]?.resources?.limits).toEqual({ cpu: '1500m', memory: '2048Mi' });
  });
});

describe('stepJobName', () => {
  it('is a DNS label of at most 63 characters for any step id, the same for the same queue job', () => {
    for (const stepId of ['train', 'Train.Model_v2', `${'x'.repeat(120)}.y`, '_leading', 'a--b..c']) {
      const id = stepJobId(job.runId, stepId, 3);
      const name = stepJobName(id);
      expect(name).toMatch(DNS_LABEL);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(stepJobName(id)).toBe(name);
    }
    expect(stepJobName(stepJobId(job.runId, 'train', 1))).not.toBe(stepJobName(stepJobId(job.runId, 'train', 2)));
    expect(stepJobName(stepJobId(job.runId, 'a.b', 1))).not.toBe(stepJobName(stepJobId(job.runId, 'a-b', 1)));
  });
});

describe('labelValue', () => {
  it('makes any text a valid label value', () => {
    for (const text of ['_x_', 'a b/c', 'x'.repeat(100), '...', 'ok']) {
      const value = labelValue(text);
      expect(value).toMatch(LABEL_VALUE);
      expect(value.length).toBeLessThanOrEqual(63);
    }
  });
});
