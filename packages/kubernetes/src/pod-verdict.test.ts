import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { decodeLogLine, encodeReport, parseTerminationMessage } from './pod-protocol.ts';
import { podVerdict } from './pod-verdict.ts';

/** Pod statuses as a 1.30 cluster reports them (the shapes `kubectl get pod -o json` shows). */
function pod(status: NonNullable<V1Pod['status']>, metadata: NonNullable<V1Pod['metadata']> = {}): V1Pod {
  return { metadata: { name: 'loom-train-1-abc-xyz12', ...metadata }, status };
}

describe('podVerdict', () => {
  it('names the scheduler reason of an unschedulable pod', () => {
    const verdict = podVerdict(
      pod({
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
          },
        ],
      }),
    );
    expect(verdict).toEqual({
      state: 'pending',
      reason: 'Unschedulable',
      message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
      fatal: false,
    });
  });

  it('fails at once on ImagePullBackOff, not on ErrImagePull (the kubelet tries again)', () => {
    const waiting = (reason: string) =>
      podVerdict(
        pod({
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'step',
              image: 'loom/worker:nope',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason, message: 'Back-off pulling image "loom/worker:nope"' } },
            },
          ],
        }),
      );
    expect(waiting('ImagePullBackOff')).toMatchObject({ state: 'pending', reason: 'ImagePullBackOff', fatal: true });
    expect(waiting('ErrImagePull')).toMatchObject({ state: 'pending', fatal: false });
    expect(waiting('ContainerCreating')).toMatchObject({ state: 'pending', fatal: false });
  });

  it('reads OOMKilled and the termination message from the terminated container', () => {
    const terminated = (exitCode: number, reason: string, message?: string) =>
      podVerdict(
        pod({
          phase: 'Failed',
          containerStatuses: [
            {
              name: 'step',
              image: 'x',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode, reason, ...(message === undefined ? {} : { message }) } },
            },
          ],
        }),
      );
    expect(terminated(137, 'OOMKilled')).toEqual({ state: 'terminated', exitCode: 137, reason: 'OOMKilled' });
    expect(terminated(1, 'Error', '{"outcome":{}}')).toEqual({
      state: 'terminated',
      exitCode: 1,
      reason: 'Error',
      terminationMessage: '{"outcome":{}}',
    });
  });

  it('calls a pod taken by the taint manager or evicted lost', () => {
    expect(
      podVerdict(
        pod(
          {
            phase: 'Running',
            conditions: [
              {
                type: 'DisruptionTarget',
                status: 'True',
                reason: 'DeletionByTaintManager',
                message: 'Taint manager: deleting due to NoExecute taint',
              },
            ],
          },
          { deletionTimestamp: new Date() },
        ),
      ),
    ).toEqual({ state: 'lost', message: 'DeletionByTaintManager: Taint manager: deleting due to NoExecute taint' });
    expect(
      podVerdict(pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' })),
    ).toEqual({ state: 'lost', message: 'Evicted: The node was low on resource: memory.' });
  });

  it('is running once the container runs', () => {
    expect(
      podVerdict(
        pod({
          phase: 'Running',
          containerStatuses: [
            {
              name: 'step',
              image: 'x',
              imageID: '',
              ready: true,
              restartCount: 0,
              state: { running: { startedAt: new Date('2026-12-07T15:00:00Z') } },
            },
          ],
        }),
      ),
    ).toEqual({ state: 'running', startedAt: '2026-12-07T15:00:00.000Z' });
  });
});

describe('pod protocol', () => {
  it('round-trips reports and shows anything else the step prints as info', () => {
    const report = { kind: 'metric', name: 'loss', value: 0.25, step: 3 } as const;
    expect(decodeLogLine(encodeReport(report))).toEqual(report);
    expect(decodeLogLine('epoch 3: loss 0.25')).toEqual({ kind: 'log', level: 'info', message: 'epoch 3: loss 0.25' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(decodeLogLine(encodeReport({ kind: 'log', level: 'warn', message: 'm', fields: cyclic }))).toEqual({
      kind: 'log',
      level: 'warn',
      message: 'm (fields not serialisable)',
    });
  });

  it('reads an outcome or a blob reference from the termination message, nothing from anything else', () => {
    const outcome = { ok: true, durationMs: 5, outputs: {}, metrics: {} };
    expect(parseTerminationMessage(JSON.stringify({ outcome }))).toEqual({ outcome });
    expect(parseTerminationMessage(JSON.stringify({ outcomeBlob: 'f'.repeat(64) }))).toEqual({
      outcomeBlob: 'f'.repeat(64),
    });
    expect(parseTerminationMessage('Traceback (most recent call last):')).toBeUndefined();
    expect(parseTerminationMessage(undefined)).toBeUndefined();
  });
});
