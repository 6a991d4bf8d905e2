// Builds the web apps. One entry per app, each with its own root, base path and output folder:
// the operator console now (served at /), the member app later (web/member, served at /m/).
// `vite build --config web/vite.config.ts` builds the console; SHEQUN_WEB_APP=member picks another app.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const apps = {
  console: { root: here('./console'), base: '/', outDir: here('./dist/console') },
  member: { root: here('./member'), base: '/m/', outDir: here('./dist/member') },
} as const;

const name = (process.env.SHEQUN_WEB_APP ?? 'console') as keyof typeof apps;
const app = apps[name];
if (!app) throw new Error(`SHEQUN_WEB_APP must be one of ${Object.keys(apps).join(', ')}`);

export default defineConfig({
  root: app.root,
  base: app.base,
  plugins: [react()],
  // The apps import the product's vocabulary from src/modules/enums.ts (no Node dependencies).
  server: { fs: { allow: [here('..')] }, proxy: { '/api': 'http://127.0.0.1:8080' } },
  build: {
    outDir: app.outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
    sourcemap: false,
  },
});
