// The entry of the request log's writer thread. Worker threads do not inherit the parent's module
// hooks, so the thread registers tsx itself before loading its TypeScript (as the inference pool's does).
import { register } from 'tsx/esm/api';

register();
await import('./request-log-thread.ts');
