/**
 * Child process of the concurrent registration test: opens the store at `argv[2]`, waits for the
 * start signal on stdin, then registers the same ONNX file as a version of `iris` and prints the
 * version number it got back.
 */
import { LoomStore } from '../loom-store.ts';
import { classifierVersion } from './models.ts';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: register-same-onnx.ts <database path>');
const store = LoomStore.open(path);
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  const registered = store.registerModelVersion(classifierVersion('iris', 'shared.onnx', { by: `pid ${process.pid}` }));
  process.stdout.write(`${JSON.stringify({ version: registered.version.version, created: registered.created })}\n`);
  store.close();
  process.exit(0);
});
