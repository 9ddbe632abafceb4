import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  // root-absolute asset paths: the api serves dist at `/` and falls back to index.html
  base: '/',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // three.js is most of the main chunk (1.36 MB, 376 KB gzip); uPlot loads with the first chart
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `pnpm --filter @ct/console dev` (or preview) against a running api, 8080 unless told
    proxy: { '/api': { target: process.env.CT_API_URL ?? 'http://127.0.0.1:8080', ws: true } },
  },
});
