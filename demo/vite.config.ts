import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { demoBackendPlugin } from './demo-backend.js';

const root = resolve(import.meta.dirname, '..');

/** The demo lives in demo/, next to the sources it imports; `/` leads there. */
const demoHome: Plugin = {
  name: 'gym-access-qr-demo-home',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url !== '/' && req.url !== '/index.html') return next();
      res.writeHead(302, { Location: '/demo/' });
      res.end();
    });
  },
};

/** `npm start`: the demo pages, with the package's relay (in front of the mock Open API) on the same origin. */
export default defineConfig({
  root,
  plugins: [demoHome, demoBackendPlugin()],
  server: { host: true, port: 5173 },
  // Only the demo's pages: the framework examples are projects of their own and import the built package,
  // which a fresh clone does not have yet (Vite's dependency scan reported them as missing).
  optimizeDeps: { entries: ['demo/*.html'] },
});
