// The React 19 example as an app builds it: `npm install && npm run build` in this folder.
// gym-access-qr comes from node_modules (here a link to the package two folders up, which
// must be built first: `npm run build` at the root).
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  // Vite 8 compiles JSX with oxc: React 19's automatic runtime, no plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: { target: 'es2022' },
  logLevel: 'warn',
});
