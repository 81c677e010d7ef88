import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const uiRoot = fileURLToPath(new URL('./src/ui', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/ui', import.meta.url));

/**
 * The web UI: entry src/ui/index.html, output dist/ui/ (served by the server with SPA fallback).
 * `npx vite` runs a dev server that forwards /api to a local server (UITSLAG_API, default port 20023).
 */
export default defineConfig({
  root: uiRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': process.env.UITSLAG_API ?? 'http://127.0.0.1:20023' },
  },
});
