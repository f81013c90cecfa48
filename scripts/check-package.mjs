// The npm package must import in Node (SSR, build tools, tests) without a
// browser: no `window`, no tag registration as a side effect. The relay
// (`gym-access-qr/server`) imports too, and its bin runs as compiled JS.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const entry = await import('../lib/index.js');
if (typeof entry.GymAccessQr !== 'function') throw new Error('lib/index.js does not export GymAccessQr');
if (typeof globalThis.window !== 'undefined') throw new Error('importing the package created window');
if (globalThis.customElements?.get?.('gym-access-qr')) throw new Error('importing the package registered the tag');
console.log('lib/index.js imports in Node without touching window');

// The front desk's feed: its own entry, just as quiet, and never the member element with it.
const feed = await import('../lib/feed/index.js');
if (typeof feed.GymCheckinFeed !== 'function') throw new Error('lib/feed/index.js does not export GymCheckinFeed');
if (typeof globalThis.window !== 'undefined') throw new Error('importing the feed created window');
// The member element's texts and its code schema's format.
if (/Show larger|QR_CODE/.test(readFileSync('dist/gym-checkin-feed.js', 'utf8')))
  throw new Error('dist/gym-checkin-feed.js holds the member element');
console.log('lib/feed/index.js imports in Node without touching window; the feed bundle holds no member element');

// The relay: its own entry point, and the bin as compiled JS that refuses to start without its configuration.
const server = await import('../lib/server/index.js');
if (typeof server.createRelay !== 'function') throw new Error('lib/server/index.js does not export createRelay');
const bin = 'lib/server/bin.js';
if (!readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')) throw new Error(`${bin} lacks its shebang`);
const run = spawnSync(bin, [], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
if (run.status !== 2 || !run.stderr.includes('MAGICLINE_BASE_URL')) {
  throw new Error(`${bin} without configuration: exit ${run.status}, ${run.stderr}`);
}
for (const file of ['dist/gym-access-qr.js', 'dist/gym-access-qr.iife.js', 'dist/gym-checkin-feed.js']) {
  const bundle = readFileSync(file, 'utf8');
  if (/createRelay|X-API-KEY|hono/i.test(bundle)) throw new Error(`${file} holds relay code`);
}
console.log(
  'lib/server/index.js imports; the gym-access-qr-relay bin runs and checks its configuration; the bundles hold no relay code',
);
