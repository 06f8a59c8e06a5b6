/**
 * Helpers for the test server's own tests: clients made the way Loom makes them, and polling.
 */
import { KubeConfig, type V1Job, type V1JobSpec } from '@kubernetes/client-node';

export function kubeConfigFor(kubeconfig: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromString(kubeconfig);
  return config;
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A minimal valid Job running `command`. */
export function jobManifest(name: string, command: string[], extra: Partial<V1JobSpec> = {}): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: { app: 'loom', step: name } },
    spec: {
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'step', image: 'python:3.12', command }],
        },
      },
      ...extra,
    },
  };
}

/** The body of an ApiException, parsed (client-node keeps it as text). */
export function statusBody(error: unknown): {
  code?: number;
  reason?: string;
  message?: string;
  details?: { causes?: { field?: string }[] };
} {
  const body = (error as { body?: unknown }).body;
  return typeof body === 'string' ? JSON.parse(body) : (body as object);
}
