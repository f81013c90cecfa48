// Prints the drop-in bundles' sizes and fails when one is over its budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/**
 * Bytes, gzipped at level 9, that a phone downloads for the member element;
 * one limit for both of its bundles. Lit, the QR encoder
 * (src/internal/qr-encoder.ts) and zod/mini alone take about 13.3 kB of it
 * (the bench's floor); the element (core, full-screen view, clock, live
 * regions) and check-ins (stream controller, the SSE parser of
 * src/internal/sse.ts, webhook schema) the rest.
 */
const MEMBER_BUDGET = 24_000;
/**
 * The front desk's feed: Lit (about 6 kB) and the element (stream reader and
 * parser shared with the member element, tally, chart, list). A tablet on the
 * studio's Wi-Fi, but the same care: room for small changes, not for a library.
 */
const FEED_BUDGET = 12_288;

const BUDGETS = {
  'dist/gym-access-qr.js': MEMBER_BUDGET,
  'dist/gym-access-qr.iife.js': MEMBER_BUDGET,
  'dist/gym-checkin-feed.js': FEED_BUDGET,
};
let over = false;
for (const [file, budget] of Object.entries(BUDGETS)) {
  const source = readFileSync(file);
  const gzipped = gzipSync(source, { level: 9 }).length;
  const verdict = gzipped <= budget ? 'ok' : 'OVER BUDGET';
  if (gzipped > budget) over = true;
  console.log(`${file}: ${source.length} B minified, ${gzipped} B gzipped (budget ${budget} B) ${verdict}`);
}
process.exit(over ? 1 : 0);
