import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, LoomApi } from './loom-api.ts';

/** Answers every fetch with `status`, `body` (as JSON) and `headers`, and keeps what was asked. */
function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  const requests: Array<{ url: string; init: RequestInit }> = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  });
  return requests;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('LoomApi.inferRows', () => {
  it('posts the row form to the model’s /v2 infer route and reads the version that answered', async () => {
    const requests = answer(
      200,
      {
        model_name: 'iris',
        model_version: '2',
        id: 'r1',
        predictions: [{ label: 'setosa', probabilities: { setosa: 1 } }],
      },
      { 'x-loom-model-version': '3' },
    );
    const api = new LoomApi({ baseUrl: 'http://loom.test', token: 'secret' });
    const result = await api.inferRows('iris flowers', { id: 'r1', rows: [{ sepal_length: 5.1 }] });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe('http://loom.test/v2/models/iris%20flowers/infer');
    expect(requests[0]?.init.method).toBe('POST');
    expect(requests[0]?.init.body).toBe('{"id":"r1","rows":[{"sepal_length":5.1}]}');
    expect(requests[0]?.init.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer secret',
    });
    // The header is what the model server sets for every answer; it wins over the body's field.
    expect(result.version).toBe('3');
    expect(result.reply.predictions).toEqual([{ label: 'setosa', probabilities: { setosa: 1 } }]);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('falls back to the body’s model_version without the header', async () => {
    answer(200, { model_name: 'iris', model_version: '2', predictions: [{ value: 1 }] });
    expect((await new LoomApi().inferRows('iris', { rows: [{}] })).version).toBe('2');
  });

  it('turns a 400 into an ApiError with the path it names, and a 503 with how long to wait', async () => {
    answer(400, {
      statusCode: 400,
      error: 'Bad Request',
      message: 'rows[0]: needs the input "petal_width"',
      path: '/rows/0',
    });
    const refused = await new LoomApi().inferRows('iris', { rows: [{}] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      status: 400,
      code: 'Bad Request',
      message: 'rows[0]: needs the input "petal_width"',
      path: '/rows/0',
      retryAfterSeconds: undefined,
    });

    answer(
      503,
      { statusCode: 503, error: 'Service Unavailable', message: 'iris@2 is overloaded' },
      { 'retry-after': '1' },
    );
    const busy = await new LoomApi().inferRows('iris', { rows: [{}] }).catch((error: unknown) => error);
    expect(busy).toMatchObject({ status: 503, message: 'iris@2 is overloaded', retryAfterSeconds: 1, path: undefined });
  });
});

describe('LoomApi registry calls', () => {
  it('moves and rolls back aliases with the routes of the model registry', async () => {
    const requests = answer(200, {
      alias: 'production',
      version: 1,
      previousVersion: 2,
      moved: true,
      updatedAt: 'now',
    });
    const api = new LoomApi();
    await api.setAlias('iris', 'production', 2);
    await api.rollbackAlias('iris', 'production');
    expect(requests.map(({ url, init }) => `${init.method} ${url} ${init.body ?? ''}`)).toEqual([
      'PUT /api/models/iris/aliases/production {"version":2}',
      'POST /api/models/iris/aliases/production/rollback ',
    ]);
    // The server takes a POST only as JSON, body or not (its guard against other sites' forms).
    expect(requests[1]?.init.headers).toMatchObject({ 'content-type': 'application/json' });
  });
});

describe('LoomApi monitor calls', () => {
  it('creates, pauses, evaluates and deletes monitors, and resolves alerts, at the monitors API’s routes', async () => {
    const requests = answer(200, {});
    const api = new LoomApi();
    await api.listMonitors('iris flowers');
    await api.createMonitor({ model: 'iris', windowSeconds: 600 });
    await api.updateMonitor('mon_1', { paused: true });
    await api.monitorWindows('mon_1', 50);
    await api.windowReport('mon_1', '2026-05-01T10:00:00.000Z');
    await api.evaluateMonitor('mon_1');
    await api.deleteMonitor('mon_1');
    await api.listAlerts({ status: 'open', model: 'iris' });
    await api.resolveAlert('alr_1');
    expect(requests.map(({ url, init }) => `${init.method} ${url}`)).toEqual([
      'GET /api/monitors?model=iris%20flowers',
      'POST /api/monitors',
      'PATCH /api/monitors/mon_1',
      'GET /api/monitors/mon_1/windows?limit=50',
      'GET /api/monitors/mon_1/windows/2026-05-01T10%3A00%3A00.000Z/report',
      'POST /api/monitors/mon_1/evaluate',
      'DELETE /api/monitors/mon_1',
      'GET /api/alerts?status=open&model=iris',
      'POST /api/alerts/alr_1/resolve',
    ]);
    expect(requests[1]?.init.body).toBe('{"model":"iris","windowSeconds":600}');
    expect(requests[2]?.init.headers).toMatchObject({ 'content-type': 'application/json' });
  });

  it('keeps a 400’s problems, which name the field at fault', async () => {
    answer(400, {
      error: 'bad-request',
      message: 'rules/0/threshold: threshold must be a finite number',
      problems: [{ in: 'body', path: '/rules/0/threshold', message: 'threshold must be a finite number' }, 'junk'],
    });
    const refused = await new LoomApi().createMonitor({ model: 'iris' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).problems).toEqual([
      { in: 'body', path: '/rules/0/threshold', message: 'threshold must be a finite number' },
    ]);
    answer(404, { error: 'not-found', message: 'no monitor "x"' });
    expect(await new LoomApi().deleteMonitor('x').catch((error: ApiError) => error.problems)).toEqual([]);
  });
});
