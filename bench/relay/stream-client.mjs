// A load client in its own process: opens event streams from one loopback source address, tells
// the bench (over IPC) when each block is open, and when a benchmark check-in arrives on any of them.
import { request } from 'node:http';
import { memberToken } from './token.mjs';

/** @type {Set<import('node:http').ClientRequest>} */
const open = new Set();
let ended = 0;
const now = () => performance.timeOrigin + performance.now();
const MARK = /"uuid":"bench-(\d+)"/g;

/** Opens one stream; resolves with its status once its first event (`ready`) arrived. */
function openStream({ host, port, localAddress, path, token }) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result) => {
      if (!settled) resolve(result);
      settled = true;
    };
    const req = request({
      host,
      port,
      localAddress,
      path,
      agent: false,
      headers: { Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    });
    const timer = setTimeout(() => {
      req.destroy();
      settle('timeout');
    }, 30_000);
    req.on('error', (error) => {
      clearTimeout(timer);
      if (settled) open.delete(req);
      settle(error.code ?? 'error');
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        res.resume();
        settle(String(res.statusCode));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (text) => {
        if (!settled && text.includes('event: ready')) {
          clearTimeout(timer);
          open.add(req);
          settle('200');
        }
        if (text.includes('bench-')) {
          const at = now();
          for (const [, seq] of text.matchAll(MARK)) process.send({ type: 'message', seq: Number(seq), at });
        }
      });
      res.on('close', () => {
        if (open.delete(req)) ended++;
      });
    });
    req.end();
  });
}

const commands = {
  /** Opens a stream for each id, `concurrency` at a time. */
  async open({ host, port, localAddress, pathOf, ids, secret, concurrency }) {
    const started = now();
    const statuses = {};
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const status = await openStream({
          host,
          port,
          localAddress,
          path: pathOf.replace('{id}', id),
          token: secret ? memberToken(secret, id) : '',
        });
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
    return { ms: now() - started, statuses, open: open.size, ended };
  },
  clock() {
    return { at: now() };
  },
  stats() {
    return { open: open.size, ended };
  },
  close() {
    for (const req of open) req.destroy();
    open.clear();
    return {};
  },
};

process.on('message', async (message) => {
  try {
    process.send({ id: message.id, ...(await commands[message.cmd](message)) });
  } catch (error) {
    process.send({ id: message.id, error: String(error?.stack ?? error) });
  }
});
// Ends with the bench: a client whose parent is gone must not linger.
process.on('disconnect', () => process.exit(0));
