import { copyFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineNode, NodeError, output, Type } from '@loom/sdk';

export const waitForFile = defineNode({
  type: 'core.wait_for_file',
  version: '1.0.0',
  title: 'Wait for file',
  description:
    'Waits until a file exists and has stopped growing, then passes it on: a sensor for data another system drops off.',
  category: 'data',
  params: Type.Object({
    path: Type.String({
      minLength: 1,
      description: 'File path; relative paths are taken from the pipeline file’s folder.',
    }),
    poll_interval_ms: Type.Integer({ minimum: 50, default: 1000, description: 'How often to look for the file.' }),
    settle_ms: Type.Integer({
      minimum: 0,
      default: 0,
      description: 'How long the file must keep the same size before it counts as complete.',
    }),
  }),
  outputs: { file: output('file', { description: 'A copy of the file, in the artifact store.' }) },
  // A sensor waits by design; the step timeout (override it per node with timeoutMs) bounds the wait.
  timeoutMs: 3_600_000,
  fingerprint: async (ctx) => ctx.hashFile(ctx.resolvePath(ctx.params.path)),
  async run(ctx) {
    const resolved = ctx.resolvePath(ctx.params.path);
    ctx.progress(0, `waiting for ${ctx.params.path}`);
    let stableSince: number | undefined;
    let lastSize = -1;
    for (;;) {
      const info = await stat(resolved).catch(() => undefined);
      if (info !== undefined && !info.isFile()) {
        throw new NodeError(`${ctx.params.path} exists but is not a regular file`, { retryable: false });
      }
      if (info !== undefined) {
        if (info.size !== lastSize) {
          lastSize = info.size;
          stableSince = Date.now();
        }
        if (Date.now() - (stableSince ?? 0) >= ctx.params.settle_ms) break;
      }
      // Rejects at once when the step is cancelled or times out.
      await sleep(ctx.params.poll_interval_ms, undefined, { signal: ctx.signal });
    }
    const copy = join(await ctx.artifacts.tempDir(), basename(resolved));
    await copyFile(resolved, copy);
    ctx.log.info(`found ${ctx.params.path} (${lastSize} bytes)`);
    return { file: await ctx.artifacts.importFile(copy) };
  },
});
