import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is built into <repo>/dist/console, which `yiyun serve` serves with an SPA fallback for every
// path outside /api. Paths are absolute (base '/') because the app uses browser-history routes.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../../dist/console',
    emptyOutDir: true,
    sourcemap: false,
    // Libraries change less often than the console: a separate chunk stays cached across our releases.
    rolldownOptions: {
      // elkjs (the topology page's layout engine, ~1.5 MB) stays in the page's own lazily loaded chunk.
      output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules[\\/](?!elkjs[\\/])/ }] } },
    },
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `vite --config platform/console/vite.config.ts` for development against a running `yiyun serve`.
    // The Host header is kept (no changeOrigin) so the server's same-origin check on state changes passes.
    proxy: { '/api': { target: 'http://127.0.0.1:8080' } },
  },
});
