#!/usr/bin/env node
// The CLI is written in TypeScript and runs from source: tsx compiles it on the fly, so `loom` works
// straight after `pnpm install` with no build step.
import { register } from 'tsx/esm/api';

// `pnpm loom …` runs this from the workspace root; file arguments are meant from where the user typed
// the command, which package managers pass on as INIT_CWD.
if (process.env.npm_lifecycle_event === 'loom' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

register();
await import('../src/main.ts');
