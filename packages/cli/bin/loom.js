#!/usr/bin/env node
// The CLI is written in TypeScript and runs from source: tsx compiles it on the fly, so `loom` works
// straight after `pnpm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
