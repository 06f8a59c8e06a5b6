import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';
import { GUIDES_DIR } from './guides.ts';

let test: TestApp;
beforeAll(async () => {
  // With a token, to show the guides stay open as /docs does.
  test = await createTestApp({ apiToken: 'secret' });
});
afterAll(async () => {
  await test.close();
});

describe('GET /guides/:name', () => {
  it.each(['plugins', 'sdk-reference'])('serves docs/%s.md as it is, as plain text, without a token', async (name) => {
    const reply = await test.app.inject({ url: `/guides/${name}` });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.body).toBe(await readFile(join(GUIDES_DIR, `${name}.md`), 'utf8'));
  });

  it('is a 404 naming the guide it does not have', async () => {
    const reply = await test.app.inject({ url: '/guides/cooking' });
    expect(reply.statusCode).toBe(404);
    expect(reply.json()).toEqual({ error: 'not-found', message: `no guide "cooking" in ${GUIDES_DIR}` });
  });

  it.each(['..%2Fpackage', 'PLUGINS', 'plugins.md', '.hidden'])(
    'refuses the name %s: guides are names, not paths',
    async (name) => {
      const reply = await test.app.inject({ url: `/guides/${name}` });
      expect(reply.statusCode).toBe(400);
      expect(reply.json().problems).toEqual([expect.objectContaining({ in: 'params', path: '/name' })]);
    },
  );
});
