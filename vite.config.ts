import { defineConfig, type Plugin } from 'vite';
import { qrcodeGeneratorPlugin } from './scripts/qrcode-generator-build.mjs';

/**
 * Lit's css`` literals reach the bundle as written, comments and indentation
 * included. Our style sheets hold no strings or interpolations, so comments
 * and whitespace around punctuation can go (about 1 kB of the bundle).
 */
const minifyStyles: Plugin = {
  name: 'gym-access-qr-minify-styles',
  transform(code, id) {
    if (!id.endsWith('.styles.ts')) return null;
    const minified = code.replace(/css`([^`]*)`/g, (_, sheet: string) => {
      const min = sheet
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\s+/g, ' ')
        .replace(/\s*([{};,>])\s*/g, '$1')
        .replace(/:\s+/g, ':')
        .replace(/;}/g, '}')
        .trim();
      return `css\`${min}\``;
    });
    // Only the style sheet's own lines change; nothing to map.
    return { code: minified, map: { mappings: '' } };
  },
};

/**
 * The drop-in bundles: `dist/gym-access-qr.js` (ES module) and
 * `dist/gym-access-qr.iife.js` (classic script), each with Lit,
 * qrcode-generator and zod/mini inlined, registering the tag on load.
 */
export default defineConfig({
  plugins: [minifyStyles, qrcodeGeneratorPlugin()],
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
        // Library mode leaves the ES output's whitespace alone; this bundle ships as is, so minify it too,
        // and drop the annotation comments that only a further bundler would read.
        minify: true,
        comments: false,
      },
    },
  },
});
