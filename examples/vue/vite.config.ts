// `vite build --config examples/vue/vite.config.ts` (from the repository root): the Vue 3
// example, built with the root's node_modules. `gym-access-qr` points at the sources, so the
// example needs no build of the package; in an app it comes from node_modules.
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [
    vue({
      // Without this Vue tries to resolve <gym-access-qr> as a Vue component and warns.
      template: { compilerOptions: { isCustomElement: (tag) => tag === 'gym-access-qr' } },
    }),
  ],
  resolve: {
    alias: [
      { find: /^gym-access-qr\/define\.js$/, replacement: here('../../src/define.ts') },
      { find: /^gym-access-qr$/, replacement: here('../../src/index.ts') },
    ],
  },
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  build: { outDir: here('dist'), emptyOutDir: true, target: 'es2022' },
  logLevel: 'warn',
});
