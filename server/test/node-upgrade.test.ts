/** `POST /api/nodes/upgrade`: parameters carried up through each version's migration, and every refusal. */
import { type AnyNodeDefinition, defineNode, NodeRegistry, output, Type } from '@loom/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../src/test-fixtures/test-app.ts';

const run = async () => ({ text: '' });

/** `test.greet`: 1.0.0 has `name`; 2.0.0 renames it `who`; 3.0.0 adds `punctuation`. */
const greetVersions = [
  defineNode({
    type: 'test.greet',
    version: '1.0.0',
    title: 'Greet',
    description: '',
    category: 'utility',
    params: Type.Object({ name: Type.String() }),
    outputs: { text: output('text') },
    run,
  }),
  defineNode({
    type: 'test.greet',
    version: '2.0.0',
    title: 'Greet',
    description: '',
    category: 'utility',
    params: Type.Object({ who: Type.String() }),
    outputs: { text: output('text') },
    migrate: { from: '1.0.0', params: ({ name, ...rest }) => ({ ...rest, who: String(name) }) },
    run,
  }),
  defineNode({
    type: 'test.greet',
    version: '3.0.0',
    title: 'Greet',
    description: '',
    category: 'utility',
    params: Type.Object({ who: Type.String(), punctuation: Type.String() }),
    outputs: { text: output('text') },
    migrate: { from: '2.0.0', params: (old) => ({ ...old, punctuation: '!' }) },
    run,
  }),
];

/** A version whose migration is broken, as a plugin's may be. */
const brokenVersions = [
  defineNode({ ...greetVersions[0], type: 'test.broken', version: '1.0.0', run } as AnyNodeDefinition),
  defineNode({
    ...greetVersions[1],
    type: 'test.broken',
    version: '2.0.0',
    migrate: {
      from: '1.0.0',
      params: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'trim')");
      },
    },
    run,
  } as AnyNodeDefinition),
];

let test: TestApp;
beforeAll(async () => {
  const registry = new NodeRegistry(
    [...greetVersions, ...brokenVersions].map((definition) => ({ definition, source: 'test-plugin@1.0.0' })),
  );
  test = await createTestApp({ registry });
});
afterAll(() => test.close());

const upgrade = (payload: Record<string, unknown>) =>
  test.app.inject({ method: 'POST', url: '/api/nodes/upgrade', payload });

describe('POST /api/nodes/upgrade', () => {
  it('carries the parameters up to the latest version through each migration', async () => {
    const reply = await upgrade({ type: 'test.greet', from: '1.0.0', params: { name: 'Ada' } });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({
      type: 'test.greet',
      version: '3.0.0',
      params: { who: 'Ada', punctuation: '!' },
      migrations: [
        { from: '1.0.0', to: '2.0.0' },
        { from: '2.0.0', to: '3.0.0' },
      ],
    });
  });

  it('stops at `to`, and keeps a pipeline-parameter binding as the document has it', async () => {
    const reply = await upgrade({ type: 'test.greet', from: '1.0.0', to: '2.0.0', params: { name: 'Ada' } });
    expect(reply.json()).toEqual({
      type: 'test.greet',
      version: '2.0.0',
      params: { who: 'Ada' },
      migrations: [{ from: '1.0.0', to: '2.0.0' }],
    });
    const keepsBinding = await upgrade({ type: 'test.greet', from: '2.0.0', params: { who: { $param: 'n' } } });
    expect(keepsBinding.json().params).toEqual({ who: { $param: 'n' }, punctuation: '!' });
  });

  it('answers 404 for an unknown type or target version', async () => {
    const type = await upgrade({ type: 'test.nope', from: '1.0.0', params: {} });
    expect(type.statusCode).toBe(404);
    expect(type.json()).toEqual({ error: 'not-found', message: 'no node type test.nope is installed' });
    const version = await upgrade({ type: 'test.greet', from: '1.0.0', to: '9.0.0', params: {} });
    expect(version.statusCode).toBe(404);
    expect(version.json().message).toBe('test.greet@9.0.0 is not installed (installed: 1.0.0, 2.0.0, 3.0.0)');
  });

  it('answers 400 when the target is not newer, or the request is malformed', async () => {
    const same = await upgrade({ type: 'test.greet', from: '3.0.0', params: {} });
    expect(same.statusCode).toBe(400);
    expect(same.json()).toMatchObject({
      error: 'bad-request',
      message: expect.stringMatching(/not newer than 3\.0\.0/),
    });
    const badVersion = await upgrade({ type: 'test.greet', from: 'one', params: {} });
    expect(badVersion.statusCode).toBe(400);
    expect(badVersion.json().problems[0]).toMatchObject({ in: 'body', path: '/from' });
    const noParams = await upgrade({ type: 'test.greet', from: '1.0.0' });
    expect(noParams.statusCode).toBe(400);
    const extra = await upgrade({ type: 'test.greet', from: '1.0.0', params: {}, force: true });
    expect(extra.statusCode).toBe(400);
  });

  it('answers a migration that throws with 400 naming the node, the versions and the error, and keeps serving', async () => {
    const reply = await upgrade({ type: 'test.broken', from: '1.0.0', params: { name: 'Ada' } });
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toEqual({
      error: 'migration-failed',
      message:
        "the migration of test.broken@2.0.0 from 1.0.0 failed: Cannot read properties of undefined (reading 'trim')",
    });
    const after = await upgrade({ type: 'test.greet', from: '2.0.0', params: { who: 'Ada' } });
    expect(after.statusCode).toBe(200);
  });

  it('is documented in OpenAPI with the catalog stream', async () => {
    const { paths } = (await test.app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/nodes/upgrade', '/api/nodes/events']));
  });
});
