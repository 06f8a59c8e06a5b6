import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** `vite` serves the designer on :5173 and forwards the API and the model server to a `loom start` on :8080. */
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2000 },
  worker: { format: 'es' },
  // Found only when the layout worker first loads otherwise, which reloads the page once in development.
  optimizeDeps: { include: ['elkjs/lib/elk.bundled.js'] },
  server: {
    // The request keeps its Host (`localhost:5173`), which the browser's Origin matches: Loom refuses
    // requests whose Origin is not the Host they name, and Vite's short form would rewrite the Host.
    proxy: {
      '/api': { target: process.env.LOOM_API_URL ?? 'http://127.0.0.1:8080', changeOrigin: false },
      '/docs': { target: process.env.LOOM_API_URL ?? 'http://127.0.0.1:8080', changeOrigin: false },
      // The model server's routes, which "Try it" in Models and endpoints sends rows to.
      '/v2': { target: process.env.LOOM_API_URL ?? 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
});
