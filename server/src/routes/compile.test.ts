import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testDocument } from '../test-fixtures/test-app.ts';

let test: TestApp;
beforeAll(async () => {
  test = await createTestApp();
});
afterAll(() => test.close());

const compile = (payload: unknown) =>
  test.app.inject({ method: 'POST', url: '/api/compile', payload: payload as object });

describe('POST /api/compile', () => {
  it('answers a plan for a document that compiles', async () => {
    const reply = await compile({ document: testDocument() });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(body).toMatchObject({ ok: true, diagnostics: [] });
    expect(body.plan).toMatchObject({ planVersion: 1, pipeline: 'demo', parameters: { epochs: 3 } });
    expect(body.plan.steps.map((s: { id: string }) => s.id)).toEqual(['load', 'train']);
    expect(body.plan.steps[1]).toMatchObject({
      params: { epochs: 3 },
      inputs: { train: [{ step: 'load', port: 'table' }] },
      backend: 'gpu',
      cacheKey: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('passes parameter values through with their JSON types', async () => {
    const reply = await compile({ document: testDocument(), parameters: { epochs: 7 } });
    expect(reply.json().plan.parameters).toEqual({ epochs: 7 });
    const wrong = await compile({ document: testDocument(), parameters: { epochs: '7' } });
    expect(wrong.statusCode).toBe(200);
    expect(wrong.json()).toEqual({
      ok: false,
      diagnostics: [expect.objectContaining({ code: 'parameter.bad-value', path: '/parameters/epochs' })],
    });
  });

  it("answers the compiler's own diagnostics for a document that does not compile", async () => {
    const document = testDocument();
    (document.nodes as Array<Record<string, unknown>>)[1] = { id: 'train', type: 'test.nope', version: '1.0.0' };
    const reply = await compile({ document });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({
      ok: false,
      diagnostics: [
        {
          code: 'node.unknown-type',
          message: 'unknown node type "test.nope"; is the plugin that provides it installed?',
          severity: 'error',
          nodeId: 'train',
          path: '/nodes/1/type',
        },
      ],
    });
  });

  it('answers document diagnostics for a document of the wrong shape', async () => {
    const reply = await compile({ document: { format: 'loom.pipeline', formatVersion: 2, nodes: [], edges: [] } });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({
      ok: false,
      diagnostics: [expect.objectContaining({ code: 'document.schema', message: 'missing required property "name"' })],
    });
  });

  it('refuses a request without a document, naming what is missing and where', async () => {
    const reply = await compile({ parameters: {} });
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toEqual({
      error: 'bad-request',
      message: 'invalid request: body/document: missing required property "document"',
      problems: [{ in: 'body', path: '/document', message: 'missing required property "document"' }],
    });
  });

  it('refuses parameter values that are not strings, numbers or booleans', async () => {
    const reply = await compile({ document: testDocument(), parameters: { epochs: { n: 1 } } });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().problems).toEqual([expect.objectContaining({ in: 'body', path: '/parameters/epochs' })]);
  });

  it('refuses a request without a body', async () => {
    const reply = await test.app.inject({
      method: 'POST',
      url: '/api/compile',
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().problems).toEqual([{ in: 'body', path: '', message: 'expected object' }]);
  });
});
