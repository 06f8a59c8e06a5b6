// The entry of an inference thread. Worker threads do not inherit the parent's module hooks, so the
// thread registers tsx itself before loading its TypeScript (as bin/loom.js does for the CLI).
import { register } from 'tsx/esm/api';

register();
await import('./pool-thread.ts');
