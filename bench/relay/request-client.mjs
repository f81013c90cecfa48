// A load client in its own process: access-code requests over keep-alive connections from a few
// loopback source addresses, `concurrency` in flight, each timed from send to the end of its body.
import { Agent, request } from 'node:http';
import { memberToken } from './token.mjs';

const now = () => performance.now();

function get(agent, { host, port, localAddress, path, token }) {
  return new Promise((resolve) => {
    const req = request(
      { host, port, localAddress, path, agent, headers: token ? { Authorization: `Bearer ${token}` } : {} },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(String(res.statusCode)));
        res.on('error', () => resolve('error'));
      },
    );
    req.setTimeout(10_000, () => req.destroy());
    req.on('error', (error) => resolve(error.code ?? 'error'));
    req.end();
  });
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null;
}

const commands = {
  /**
   * Asks for `ids` in turn (each once; or round and round while `durationMs` lasts), `concurrency`
   * at a time. Answers the count, the rate and the latency percentiles.
   */
  async run({ host, port, localAddresses, pathOf, ids, secret, concurrency, durationMs, maxRequests }) {
    const tokens = ids.map((id) => (secret ? memberToken(secret, id) : ''));
    const agents = localAddresses.map(
      () => new Agent({ keepAlive: true, maxSockets: Math.ceil(concurrency / localAddresses.length) }),
    );
    const latencies = [];
    const statuses = {};
    const limit = durationMs ? maxRequests : ids.length;
    const started = now();
    const deadline = started + (durationMs ?? 60_000);
    let next = 0;
    const worker = async (slot) => {
      const agent = agents[slot % agents.length];
      const localAddress = localAddresses[slot % localAddresses.length];
      while (next < limit && now() < deadline) {
        const index = next++ % ids.length;
        const sent = now();
        const status = await get(agent, {
          host,
          port,
          localAddress,
          path: pathOf.replace('{id}', ids[index]),
          token: tokens[index],
        });
        latencies.push(now() - sent);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, slot) => worker(slot)));
    const seconds = (now() - started) / 1000;
    for (const agent of agents) agent.destroy();
    latencies.sort((a, b) => a - b);
    return {
      count: latencies.length,
      seconds,
      perSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? null,
      statuses,
    };
  },
};

process.on('message', async (message) => {
  try {
    process.send({ id: message.id, ...(await commands[message.cmd](message)) });
  } catch (error) {
    process.send({ id: message.id, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
