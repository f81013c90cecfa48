// A fake Magicline Open API for the relay benchmark: GET /v1/customers/{id}/access-code answers at
// once with a code that expires 30 s ahead (and node:http's `Date` header); it counts the calls per
// customer (GET /_calls) so the bench can tell how many reached it.
import { createServer } from 'node:http';

const CODE_LIFETIME_MS = 30_000;
const ACCESS_CODE = /^\/v1\/customers\/(\d+)\/access-code$/;
/** Calls per customer id since start or the last POST /_reset. */
let calls = new Map();
let counter = 0;

const server = createServer((req, res) => {
  const match = ACCESS_CODE.exec(req.url ?? '');
  if (req.method === 'GET' && match) {
    const id = match[1];
    calls.set(id, (calls.get(id) ?? 0) + 1);
    const content = String(1_000_000_000_000_000_000n + BigInt(++counter));
    const expiresAt = new Date(Date.now() + CODE_LIFETIME_MS).toISOString();
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ format: 'QR_CODE', expiresAt, content }));
  } else if (req.url === '/_calls') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(Object.fromEntries(calls)));
  } else if (req.method === 'POST' && req.url === '/_reset') {
    calls = new Map();
    res.writeHead(204).end();
  } else {
    res.writeHead(404).end();
  }
});

server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0));
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
