import { compileDocument } from '@loom/compiler';
import type { PipelineDocument } from '@loom/graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testDocument, testRegistry } from '../test-fixtures/test-app.ts';

let test: TestApp;
beforeAll(async () => {
  test = await createTestApp();
});
afterAll(() => test.close());

async function create(document: unknown) {
  return test.app.inject({ method: 'POST', url: '/api/pipelines', payload: document as object });
}

/** A document with everything a designer may put in it: ui extras, comments, descriptions. */
function richDocument(): Record<string, unknown> {
  const document = testDocument('rich');
  document.description = 'Trains on the demo table';
  const nodes = document.nodes as Array<Record<string, unknown>>;
  (nodes[0] as Record<string, unknown>).ui = {
    position: { x: 10.5, y: -3 },
    label: 'Load',
    comment: 'from disk',
    collapsed: true,
    badge: { text: 'new', tone: 7 },
  };
  return document;
}

describe('POST /api/pipelines', () => {
  it('saves a document as version 1 and says where it is', async () => {
    const reply = await create(testDocument());
    expect(reply.statusCode).toBe(201);
    const body = reply.json();
    expect(body).toEqual({
      id: expect.stringMatching(/^[a-z2-7]{12}$/),
      version: 1,
      name: 'demo',
      createdAt: expect.any(String),
      diagnostics: [],
    });
    expect(reply.headers.location).toBe(`/api/pipelines/${body.id}`);
  });

  it('saves a document that does not compile yet, and says why', async () => {
    const document = testDocument('wip');
    (document.edges as unknown[]).length = 0;
    const reply = await create(document);
    expect(reply.statusCode).toBe(201);
    expect(reply.json().diagnostics).toEqual([
      expect.objectContaining({ code: 'input.unconnected', nodeId: 'train', severity: 'error' }),
    ]);
  });

  it('refuses a document that is not a valid pipeline document, with its diagnostics', async () => {
    const document = testDocument();
    (document.nodes as Array<Record<string, unknown>>)[1] = { id: 'load', type: 'test.train', version: 'one' };
    const reply = await create(document);
    expect(reply.statusCode).toBe(400);
    const body = reply.json();
    expect(body).toMatchObject({ error: 'invalid-document', message: expect.stringContaining('invalid') });
    expect(body.diagnostics).toEqual([
      expect.objectContaining({ code: 'document.schema', path: '/nodes/1/version', severity: 'error' }),
    ]);
    expect((await create({ format: 'something.else' })).json().diagnostics).toEqual([
      expect.objectContaining({ code: 'document.wrong-format' }),
    ]);
  });

  it('refuses a body that is not an object', async () => {
    const reply = await test.app.inject({
      method: 'POST',
      url: '/api/pipelines',
      headers: { 'content-type': 'application/json' },
      payload: '[1, 2]',
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toMatchObject({ error: 'bad-request', problems: [{ in: 'body', path: '' }] });
  });
});

describe('reading pipelines', () => {
  it('round-trips the document exactly, unknown ui properties and key order included', async () => {
    const document = richDocument();
    const { id } = (await create(document)).json();
    const reply = await test.app.inject({ url: `/api/pipelines/${id}` });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(body).toMatchObject({ id, version: 1, createdAt: expect.any(String), diagnostics: [] });
    expect(JSON.stringify(body.document)).toBe(JSON.stringify(document));
  });

  it('stores and gives back a format version 2 document with canvas notes, exactly', async () => {
    const document = testDocument('noted');
    document.notes = [
      {
        id: 'why',
        text: 'Three epochs are enough for the demo.\nSee the README.',
        position: { x: -40.5, y: 120 },
        size: { width: 240, height: 96 },
        color: '#fde68a',
      },
      { id: 'todo', text: '', position: { x: 0, y: 0 } },
    ];
    expect(document.formatVersion).toBe(2);
    const created = await create(document);
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect(created.json().diagnostics).toEqual([]);

    const reply = await test.app.inject({ url: `/api/pipelines/${id}` });
    expect(reply.statusCode).toBe(200);
    expect(reply.json().diagnostics).toEqual([]);
    expect(reply.json().document).toEqual(document);
    expect(JSON.stringify(reply.json().document)).toBe(JSON.stringify(document));
  });

  it('stores a format version 1 document migrated to version 2', async () => {
    const { id } = (await create({ ...testDocument('old'), formatVersion: 1 })).json();
    const { document } = (await test.app.inject({ url: `/api/pipelines/${id}` })).json();
    expect(document).toEqual(testDocument('old'));
  });

  it('refuses a note that takes a node id, saying where it is', async () => {
    const document = testDocument();
    document.notes = [{ id: 'train', text: 'about train', position: { x: 0, y: 0 } }];
    const reply = await create(document);
    expect(reply.statusCode).toBe(400);
    expect(reply.json().diagnostics).toEqual([
      expect.objectContaining({ code: 'note.id-taken-by-node', path: '/notes/0/id', severity: 'error' }),
    ]);
  });

  it('lists pipelines, newest first', async () => {
    const { id } = (await create(testDocument('listed'))).json();
    const { pipelines } = (await test.app.inject({ url: '/api/pipelines' })).json();
    expect(pipelines[0]).toEqual({
      id,
      name: 'listed',
      latestVersion: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('keeps every version: PUT adds one, GET reads any', async () => {
    const { id } = (await create(testDocument('v1'))).json();
    const put = await test.app.inject({ method: 'PUT', url: `/api/pipelines/${id}`, payload: testDocument('v2') });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ id, version: 2, name: 'v2', diagnostics: [] });

    expect((await test.app.inject({ url: `/api/pipelines/${id}` })).json()).toMatchObject({
      version: 2,
      document: { name: 'v2' },
    });
    const versions = (await test.app.inject({ url: `/api/pipelines/${id}/versions` })).json();
    expect(versions).toEqual({
      id,
      versions: [
        { version: 2, name: 'v2', createdAt: expect.any(String) },
        { version: 1, name: 'v1', createdAt: expect.any(String) },
      ],
    });
    const first = await test.app.inject({ url: `/api/pipelines/${id}/versions/1` });
    expect(first.json()).toMatchObject({ id, version: 1, document: testDocument('v1'), diagnostics: [] });
  });

  it('refuses an invalid document on PUT', async () => {
    const { id } = (await create(testDocument())).json();
    const reply = await test.app.inject({ method: 'PUT', url: `/api/pipelines/${id}`, payload: { format: 1 } });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().error).toBe('invalid-document');
  });

  it('deletes a pipeline', async () => {
    const { id } = (await create(testDocument())).json();
    const deleted = await test.app.inject({ method: 'DELETE', url: `/api/pipelines/${id}` });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await test.app.inject({ url: `/api/pipelines/${id}` })).statusCode).toBe(404);
    expect((await test.app.inject({ method: 'DELETE', url: `/api/pipelines/${id}` })).statusCode).toBe(404);
  });
});

describe('renaming and deleting', () => {
  it('renames a pipeline by saving its latest document under the new name as a new version', async () => {
    const { id } = (await create(testDocument('old-name'))).json();
    const reply = await test.app.inject({ method: 'PATCH', url: `/api/pipelines/${id}`, payload: { name: ' iris ' } });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({ id, version: 2, name: 'iris', diagnostics: [] });
    const latest = (await test.app.inject({ url: `/api/pipelines/${id}` })).json();
    expect(latest.document).toEqual(testDocument('iris'));
    const first = (await test.app.inject({ url: `/api/pipelines/${id}/versions/1` })).json();
    expect(first.document.name).toBe('old-name');
  });

  it('adds no version for a rename to the name it already has', async () => {
    const { id } = (await create(testDocument('same'))).json();
    const reply = await test.app.inject({ method: 'PATCH', url: `/api/pipelines/${id}`, payload: { name: 'same' } });
    expect(reply.json()).toMatchObject({ version: 1, name: 'same' });
  });

  it('refuses a blank name or an unknown field, naming it', async () => {
    const { id } = (await create(testDocument())).json();
    const blank = await test.app.inject({ method: 'PATCH', url: `/api/pipelines/${id}`, payload: { name: '   ' } });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().problems).toEqual([expect.objectContaining({ in: 'body', path: '/name' })]);
    const other = await test.app.inject({ method: 'PATCH', url: `/api/pipelines/${id}`, payload: { colour: 'red' } });
    expect(other.statusCode).toBe(400);
    const unknown = await test.app.inject({ method: 'PATCH', url: '/api/pipelines/nosuch', payload: { name: 'x' } });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses to delete a pipeline while a run of it is queued, and names the run', async () => {
    const { id } = (await create(testDocument('busy'))).json();
    const document = testDocument('busy') as unknown as PipelineDocument;
    const compiled = compileDocument(document, testRegistry(), {});
    if (!compiled.ok) throw new Error(compiled.diagnostics[0]?.message);
    test.app.store.createRun({
      id: 'run-busy',
      pipelineId: id,
      pipelineVersion: 1,
      document,
      plan: compiled.plan,
      options: { parameters: {}, noCache: false },
      createdAt: new Date().toISOString(),
    });
    const reply = await test.app.inject({ method: 'DELETE', url: `/api/pipelines/${id}` });
    expect(reply.statusCode).toBe(409);
    expect(reply.json()).toEqual({ error: 'conflict', message: expect.stringContaining('queued (run-busy)') });
    expect((await test.app.inject({ url: `/api/pipelines/${id}` })).statusCode).toBe(200);
  });
});

describe('unknown pipelines and bad ids', () => {
  it.each([
    ['GET', '/api/pipelines/nosuchpipeline', 'no pipeline "nosuchpipeline"'],
    ['GET', '/api/pipelines/nosuchpipeline/versions', 'no pipeline "nosuchpipeline"'],
    ['GET', '/api/pipelines/nosuchpipeline/versions/3', 'pipeline "nosuchpipeline" has no version 3'],
    ['DELETE', '/api/pipelines/nosuchpipeline', 'no pipeline "nosuchpipeline"'],
  ] as const)('%s %s is a 404', async (method, url, message) => {
    const reply = await test.app.inject({ method, url });
    expect(reply.statusCode).toBe(404);
    expect(reply.json()).toEqual({ error: 'not-found', message });
  });

  it('PUT on an unknown pipeline is a 404', async () => {
    const reply = await test.app.inject({ method: 'PUT', url: '/api/pipelines/nosuch', payload: testDocument() });
    expect(reply.statusCode).toBe(404);
  });

  it('a version that is not a positive integer is a 400 naming the parameter', async () => {
    const { id } = (await create(testDocument())).json();
    for (const version of ['abc', '0', '1.5']) {
      const reply = await test.app.inject({ url: `/api/pipelines/${id}/versions/${version}` });
      expect(reply.statusCode).toBe(400);
      expect(reply.json().problems).toEqual([expect.objectContaining({ in: 'params', path: '/version' })]);
    }
  });

  it('an id with characters no pipeline id has is a 400', async () => {
    const reply = await test.app.inject({ url: `/api/pipelines/${encodeURIComponent('a b$')}` });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().problems).toEqual([{ in: 'params', path: '/id', message: 'must match ^[A-Za-z0-9_-]{1,64}$' }]);
  });
});
