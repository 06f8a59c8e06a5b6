// Its own config, so that `pnpm test` in this folder runs this plugin's tests rather than taking the
// Loom workspace's root config (whose patterns name Loom's own packages).
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['src/**/*.test.ts'] } });
