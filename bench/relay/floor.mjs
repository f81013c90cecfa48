// The floor: the least a relay can do for the same job. A bare node:http server that holds SSE
// streams (GET /streams/{id}), writes a POSTed body to the streams of one id (POST /publish/{id}),
// and sends one keep-alive comment to all every 15 s. No auth, routing, replay or limits.
import { createServer } from 'node:http';

/** Open streams by id. */
const streams = new Map();
let sequence = 0;

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (req.method === 'GET' && url.startsWith('/streams/')) {
    const id = url.slice('/streams/'.length);
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    res.write(': connected\nid: 0-0\nevent: ready\ndata:\n\n');
    let set = streams.get(id);
    if (!set) streams.set(id, (set = new Set()));
    set.add(res);
    res.on('close', () => {
      set.delete(res);
      if (!set.size && streams.get(id) === set) streams.delete(id);
    });
  } else if (req.method === 'POST' && url.startsWith('/publish/')) {
    const id = url.slice('/publish/'.length);
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}');
      const frame = `id: ${++sequence}\ndata: ${Buffer.concat(chunks)}\n\n`;
      for (const stream of streams.get(id) ?? []) stream.write(frame);
    });
  } else {
    res.writeHead(req.url === '/healthz' ? 200 : 404).end();
  }
});

setInterval(() => {
  for (const set of streams.values()) for (const stream of set) stream.write(': keep-alive\n\n');
}, 15_000);
server.listen(Number(process.env.PORT ?? 0));
process.on('SIGTERM', () => process.exit(0));
