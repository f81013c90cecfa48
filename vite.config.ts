import { defineConfig, type Plugin } from 'vite';

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

/** The member element's drop-in bundles (ES module and classic script), and the feed's (`--mode feed`, ES module). */
const bundles = {
  member: {
    entry: 'src/define.ts',
    name: 'GymAccessQr',
    formats: ['es', 'iife'] as ('es' | 'iife')[],
    fileName: (format: string) => (format === 'es' ? 'gym-access-qr.js' : `gym-access-qr.${format}.js`),
  },
  feed: {
    entry: 'src/feed/define.ts',
    name: 'GymCheckinFeed',
    formats: ['es'] as ('es' | 'iife')[],
    fileName: () => 'gym-checkin-feed.js',
  },
};

/**
 * The drop-in bundles: `dist/gym-access-qr.js` (ES module) and
 * `dist/gym-access-qr.iife.js` (classic script), each with Lit,
 * the QR encoder (src/internal/qr-encoder.ts) and zod/mini inlined, registering the tag on load; and
 * `dist/gym-checkin-feed.js` (`vite build --mode feed`), the front desk's
 * element with Lit inlined. Each is built on its own, so each is whole.
 */
export default defineConfig(({ mode }) => ({
  plugins: [minifyStyles],
  build: {
    target: 'es2022',
    outDir: 'dist',
    // The feed's build runs second and keeps the member's bundles.
    emptyOutDir: mode !== 'feed',
    sourcemap: true,
    minify: true,
    lib: mode === 'feed' ? bundles.feed : bundles.member,
    rolldownOptions: {
      output: {
        // Library mode leaves the ES output's whitespace alone; this bundle ships as is, so minify it too,
        // and drop the annotation comments that only a further bundler would read.
        minify: true,
        comments: false,
      },
    },
  },
}));
