// Builds the web apps. One entry per app, each with its own root, base path and output folder: the
// operator console (served at /) and the member app (web/member, served at /m/).
// `vite build --config web/vite.config.ts` builds the console; `--mode member` builds the member app.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const apps = {
  console: { root: here('./console'), base: '/', outDir: here('./dist/console') },
  member: { root: here('./member'), base: '/m/', outDir: here('./dist/member') },
} as const;

export default defineConfig(({ mode }) => {
  const name = (mode === 'member' ? 'member' : 'console') as keyof typeof apps;
  const app = apps[name];
  return {
    root: app.root,
    base: app.base,
    plugins: [react()],
    // The apps import the product's vocabulary from src/modules (enums, the ritual's nickname check: no Node dependencies).
    server: { fs: { allow: [here('..')] }, proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } } },
    build: {
      outDir: app.outDir,
      emptyOutDir: true,
      chunkSizeWarningLimit: 2000,
      reportCompressedSize: false,
      sourcemap: false,
    },
  };
});
