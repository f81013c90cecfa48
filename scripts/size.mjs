// Prints the drop-in bundles' sizes and fails when one is over budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/**
 * Bytes, gzipped at level 9, that a phone downloads for the element; one limit
 * for both bundles. Lit, the QR encoder (src/internal/qr-encoder.ts) and
 * zod/mini alone take about 13.3 kB of it (the bench's floor); the element
 * (core, full-screen view, clock, live regions) and check-ins (stream
 * controller, eventsource-parser with short error texts, webhook schema) the
 * rest.
 */
const BUDGET = 24_000;
let over = false;
for (const file of ['dist/gym-access-qr.js', 'dist/gym-access-qr.iife.js']) {
  const source = readFileSync(file);
  const gzipped = gzipSync(source, { level: 9 }).length;
  const verdict = gzipped <= BUDGET ? 'ok' : 'OVER BUDGET';
  if (gzipped > BUDGET) over = true;
  console.log(`${file}: ${source.length} B minified, ${gzipped} B gzipped (budget ${BUDGET} B) ${verdict}`);
}
process.exit(over ? 1 : 0);
