import type { DeployResult, TrafficWindowRequest } from '@loom/sdk';
import {
  type HostDeployRequest,
  type HostTrafficWindow,
  type ModelRegistryHost,
  registryRefused,
} from './model-registry-host.ts';

export interface HttpModelRegistryOptions {
  /** The Loom server's address, e.g. `http://loom.internal:8080` (what `LOOM_API_URL` holds). */
  apiUrl: string;
  /** Sent as `Authorization: Bearer …` when set (`LOOM_API_TOKEN`). */
  apiToken?: string;
  /** How long one call (a deploy, a traffic read) may take before it fails (and is retried as the step’s retries allow). @default 30000 */
  timeoutMs?: number;
}

/**
 * The model registry of a Loom server, reached over its HTTP API: what a `loom worker` on another
 * machine offers its steps. `deploy` posts to `/api/models/{model}/deployments`, `traffic` to
 * `/api/models/{model}/traffic`. Only artifacts' sha256s travel: the ONNX file a deploy names, and the
 * table a traffic read answers, are in the artifact store the workers share with the server. An answer
 * of 4xx is the server refusing (not retried); anything else (5xx, no answer) is retried like any failure.
 *
 * @example
 * const models = httpModelRegistry({ apiUrl: process.env.LOOM_API_URL, apiToken: process.env.LOOM_API_TOKEN });
 */
export function httpModelRegistry(options: HttpModelRegistryOptions): ModelRegistryHost {
  const base = options.apiUrl.replace(/\/+$/, '');
  const modelUrl = (model: string) => `${base}/api/models/${encodeURIComponent(model)}`;

  /** Posts `body`, answering the parsed 2xx body; `what` starts every error's message. */
  async function post<T>(url: string, body: Record<string, unknown>, what: string, timeoutMs?: number): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.apiToken !== undefined && options.apiToken !== '') headers.authorization = `Bearer ${options.apiToken}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs ?? options.timeoutMs ?? 30_000),
      });
    } catch (cause) {
      throw new Error(`${what}: the Loom server at ${base} did not answer: ${reason(cause)}`, { cause });
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    const message = `${what}: ${url} answered ${response.status}: ${serverMessage(text)}`;
    if (response.status >= 400 && response.status < 500) throw registryRefused(message);
    throw new Error(message);
  }

  return {
    deploy(request: HostDeployRequest): Promise<DeployResult> {
      const body: Record<string, unknown> = {
        alias: request.alias,
        onnx: request.onnx.sha256,
        trafficPercent: request.trafficPercent,
        provenance: { runId: request.provenance.runId, stepId: request.provenance.stepId },
      };
      if (request.metrics !== undefined) body.metrics = request.metrics;
      if (request.description !== undefined) body.description = request.description;
      // Only when not the default, so that a worker talks to a server that predates targets as before.
      if (request.target !== undefined && request.target !== 'local') body.target = request.target;
      // A deploy to Kubernetes answers once the rollout is done (LOOM_KUBERNETES_ENDPOINT_ROLLOUT_TIMEOUT,
      // 10 minutes by default): waited for that long and a little more, not cut off and sent again.
      const timeoutMs =
        body.target === 'kubernetes' ? Math.max(options.timeoutMs ?? 30_000, KUBERNETES_DEPLOY_TIMEOUT_MS) : undefined;
      return post(`${modelUrl(request.model)}/deployments`, body, `deploying model "${request.model}"`, timeoutMs);
    },
    traffic(request: TrafficWindowRequest): Promise<HostTrafficWindow> {
      const body: Record<string, unknown> = { seconds: request.seconds };
      if (request.version !== undefined) body.version = request.version;
      return post(`${modelUrl(request.model)}/traffic`, body, `reading the traffic of model "${request.model}"`);
    },
  };
}

/** How long a worker waits for a deploy with `target: kubernetes`, whose answer waits for the rollout. */
const KUBERNETES_DEPLOY_TIMEOUT_MS = 15 * 60_000;

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
