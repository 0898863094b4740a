import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev:console` sends API calls: the running local stack (`npm start`). */
const api = process.env.CLOSER_API_URL ?? `http://localhost:${process.env.PORT ?? '3000'}`;

export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // A strict CSP (no inline script or style) holds for the built files: nothing is inlined.
    assetsInlineLimit: 0,
    sourcemap: false,
    // Which files the first screen needs: read by the console bench (bench/console.ts).
    manifest: true,
    target: 'es2022',
  },
  server: {
    port: Number(process.env.CONSOLE_PORT ?? 5173),
    strictPort: true,
    proxy: {
      // Everything but the app itself goes to the local stack: the API, the local sign-in, config.json.
      '^/(?!app/(?!config\\.json)|@|node_modules/|src/|console/)': { target: api, changeOrigin: true },
    },
  },
});
