import { defineConfig } from 'vite';

/**
 * The drop-in bundles: `dist/gym-access-qr.js` (ES module) and
 * `dist/gym-access-qr.iife.js` (classic script), each with Lit,
 * qrcode-generator and zod/mini inlined, registering the tag on load.
 */
export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: true,
    lib: {
      entry: 'src/define.ts',
      name: 'GymAccessQr',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'gym-access-qr.js' : `gym-access-qr.${format}.js`),
    },
    rolldownOptions: {
      output: {
        // Library mode leaves the ES output's whitespace alone; this bundle ships as is, so minify it too.
        minify: true,
      },
    },
  },
});
