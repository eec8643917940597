import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Build: npx vite build --config web/vite.config.ts  (output: web/dist)
// Dev:   npx vite --config web/vite.config.ts  (proxies /v1 to a local `haven serve`)
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    port: 5173,
    proxy: {
      '/v1': { target: process.env.HAVEN_API_URL ?? 'http://localhost:8080', changeOrigin: false },
    },
  },
});
