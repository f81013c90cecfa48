// `vite build --config examples/react/vite.config.ts` (from the repository root): the React 19
// example, built with the root's node_modules. `gym-access-qr/define.js` points at the sources,
// so the example needs no build of the package; in an app it comes from node_modules.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  resolve: {
    alias: [{ find: /^gym-access-qr\/define\.js$/, replacement: here('../../src/define.ts') }],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: { outDir: here('dist'), emptyOutDir: true, target: 'es2022' },
  logLevel: 'warn',
});
