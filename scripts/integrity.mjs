// The last step of `npm run build`: Subresource Integrity hashes of the
// drop-in bundles, written to dist/integrity.json (read by the snippet
// builder, demo/builder.html) and printed for anyone writing a script tag by hand.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const BUNDLES = ['gym-access-qr.js', 'gym-access-qr.iife.js', 'gym-checkin-feed.js'];
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const files = Object.fromEntries(
  BUNDLES.map((name) => [
    name,
    `sha384-${createHash('sha384')
      .update(readFileSync(`dist/${name}`))
      .digest('base64')}`,
  ]),
);
writeFileSync('dist/integrity.json', `${JSON.stringify({ version, files }, null, 2)}\n`);
for (const [name, integrity] of Object.entries(files)) console.log(`dist/${name}  integrity="${integrity}"`);
