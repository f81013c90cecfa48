// The Vue 3 example as an app builds it: `npm install && npm run build` in this folder.
// gym-access-qr comes from node_modules (here a link to the package two folders up, which
// must be built first: `npm run build` at the root).
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  plugins: [
    vue({
      // Without this Vue tries to resolve <gym-access-qr> as a Vue component and warns.
      template: { compilerOptions: { isCustomElement: (tag) => tag === 'gym-access-qr' } },
    }),
  ],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  build: { target: 'es2022' },
  logLevel: 'warn',
});
