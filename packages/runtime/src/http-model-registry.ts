import type { DeployResult } from '@loom/sdk';
import { deployRefused, type HostDeployRequest, type ModelRegistryHost } from './model-registry-host.ts';

export interface HttpModelRegistryOptions {
  /** The Loom server's address, e.g. `http://loom.internal:8080` (what `LOOM_API_URL` holds). */
  apiUrl: string;
  /** Sent as `Authorization: Bearer …` when set (`LOOM_API_TOKEN`). */
  apiToken?: string;
  /** How long one deploy may take before it fails (and is retried as the step's retries allow). @default 30000 */
  timeoutMs?: number;
}

/**
 * The model registry of a Loom server, reached over its HTTP API (`POST /api/models/{model}/deployments`):
 * what a `loom worker` on another machine offers its steps. The ONNX file must be in the artifact store
 * the server reads (the one the workers share with it); only its sha256 travels. An answer of 4xx is the
 * server refusing the deploy (not retried); anything else (5xx, no answer) is retried like any failure.
 *
 * @example
 * const models = httpModelRegistry({ apiUrl: process.env.LOOM_API_URL, apiToken: process.env.LOOM_API_TOKEN });
 */
export function httpModelRegistry(options: HttpModelRegistryOptions): ModelRegistryHost {
  const base = options.apiUrl.replace(/\/+$/, '');
  return {
    async deploy(request: HostDeployRequest): Promise<DeployResult> {
      const url = `${base}/api/models/${encodeURIComponent(request.model)}/deployments`;
      const body: Record<string, unknown> = {
        alias: request.alias,
        onnx: request.onnx.sha256,
        trafficPercent: request.trafficPercent,
        provenance: { runId: request.provenance.runId, stepId: request.provenance.stepId },
      };
      if (request.metrics !== undefined) body.metrics = request.metrics;
      if (request.description !== undefined) body.description = request.description;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.apiToken !== undefined && options.apiToken !== '')
        headers.authorization = `Bearer ${options.apiToken}`;
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
      } catch (cause) {
        throw new Error(
          `deploying model "${request.model}": the Loom server at ${base} did not answer: ${reason(cause)}`,
          {
            cause,
          },
        );
      }
      const text = await response.text();
      if (response.ok) return JSON.parse(text) as DeployResult;
      const message = `deploying model "${request.model}": ${url} answered ${response.status}: ${serverMessage(text)}`;
      if (response.status >= 400 && response.status < 500) throw deployRefused(message);
      throw new Error(message);
    },
  };
}

function serverMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not the API's JSON error (a proxy's page): its first line says enough.
  }
  return text.split('\n')[0]?.slice(0, 200) || '(no body)';
}

function reason(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  return `${cause.message}${inner}`;
}
