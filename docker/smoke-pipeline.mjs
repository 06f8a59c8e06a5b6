#!/usr/bin/env node
// Runs one pipeline through a running Loom (compose, or the same processes started from a checkout) and
// checks that its model is served: the bundled iris example, as the server reads it, is saved, run
// (its steps go to the workers when the server has REDIS_URL), deployed, and answered by the model server.
//   LOOM_API_TOKEN=… node docker/smoke-pipeline.mjs <server URL> <model server URL>
// LOOM_SMOKE_BACKEND=kubernetes sends every step to that backend (each a Kubernetes Job:
// docker/kubernetes/smoke-test.sh).
// Plain Node.js, no dependencies: docker/ci-engine-check.sh runs it from the host against the containers,
// and scripts/docker-files.test.ts against processes started from this checkout.
const [serverUrl = 'http://127.0.0.1:8080', modelServerUrl = 'http://127.0.0.1:8081'] = process.argv.slice(2);
const token = process.env.LOOM_API_TOKEN;
const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
const EXAMPLE = 'iris-classification';
const MODEL = 'iris';
const DEADLINE = Date.now() + Number(process.env.LOOM_SMOKE_TIMEOUT_MS ?? 180_000);

async function call(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: method === 'GET' ? { authorization: headers.authorization ?? '' } : headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

async function expectOk(base, method, path, body) {
  const reply = await call(base, method, path, body);
  if (reply.status >= 300)
    throw new Error(`${method} ${base}${path} answered ${reply.status}: ${reply.text.slice(0, 500)}`);
  return reply.json;
}

async function until(what, check) {
  for (;;) {
    const result = await check().catch(() => undefined);
    if (result !== undefined) return result;
    if (Date.now() > DEADLINE) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const { document } = await expectOk(serverUrl, 'GET', `/api/examples/${EXAMPLE}`);
const backend = process.env.LOOM_SMOKE_BACKEND;
if (backend) document.nodes = document.nodes.map((node) => ({ ...node, backend }));
const pipeline = await expectOk(serverUrl, 'POST', '/api/pipelines', { ...document, name: `smoke ${Date.now()}` });
const started = await expectOk(serverUrl, 'POST', `/api/pipelines/${encodeURIComponent(pipeline.id)}/runs`, {});
process.stdout.write(`run ${started.id} of ${EXAMPLE} started\n`);
const run = await until('the run to end', async () => {
  const current = await expectOk(serverUrl, 'GET', `/api/runs/${encodeURIComponent(started.id)}`);
  return ['succeeded', 'failed', 'cancelled'].includes(current.status) ? current : undefined;
});
const steps = Object.entries(run.steps ?? {}).map(([key, step]) => `${step.id ?? step.stepId ?? key} ${step.status}`);
process.stdout.write(`run ${run.id} ${run.status}: ${steps.join(', ')}\n`);
if (run.status !== 'succeeded') {
  const failures = Object.values(run.steps ?? {}).filter((step) => step.failure !== undefined);
  for (const step of failures) process.stdout.write(`  ${step.id}: ${step.failure.message}\n`);
  throw new Error(`the run ${run.status}`);
}

const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const answer = await until(`${modelServerUrl} to serve ${MODEL}`, async () => {
  const ready = await call(modelServerUrl, 'GET', '/v2/health/ready');
  if (ready.status !== 200) return undefined;
  const reply = await call(modelServerUrl, 'POST', `/v2/models/${MODEL}/infer`, { rows: [row] });
  return reply.status === 200 ? reply.json : undefined;
});
const label = answer.predictions?.[0]?.label;
process.stdout.write(`model server: ${MODEL} v${answer.model_version} answered ${label}\n`);
if (label !== 'setosa') throw new Error(`expected setosa, got ${JSON.stringify(answer)}`);
