/**
 * Several relays on one real redis-server: fan-out, replay, code cache and
 * rate cap shared; and what happens while Redis is away and after it returns.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createRelay, type Relay } from '../../src/server/index.js';
import {
  checkinBody,
  freePort,
  MAGICLINE_KEY,
  openEvents,
  postWebhook,
  recordingLogger,
  sleep,
  startRedis,
  startUpstream,
  until,
  WEBHOOK_KEY,
  type EventReader,
  type FakeUpstream,
  type RedisServer,
} from './helpers.js';

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

describe('relays sharing Redis', () => {
  let redis: RedisServer;
  let upstream: FakeUpstream;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async () => {
    redis = await startRedis();
    upstream = await startUpstream();
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  after(async () => {
    await upstream.close();
    await redis.close();
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });

  async function instance(options: { upstreamLimitPerMinute?: number } = {}) {
    const logger = recordingLogger();
    const relay: Relay = createRelay({
      magiclineBaseUrl: upstream.url,
      magiclineApiKey: MAGICLINE_KEY,
      webhookApiKey: WEBHOOK_KEY,
      authorize: () => 'allow',
      redisUrl: redis.url,
      logger,
      ...options,
    });
    const { url } = await relay.listen({ hostname: '127.0.0.1' });
    cleanups.push(() => relay.close());
    await until(async () => (await fetch(`${url}/healthz`)).status === 200, 5_000, 'the instance to reach Redis');
    return { relay, url, logger };
  }
  const streams: EventReader[] = [];
  const events = async (url: string) => {
    const stream = await openEvents(url);
    streams.push(stream);
    cleanups.push(() => stream.close());
    return stream;
  };

  it('a webhook to one instance reaches a stream on another, and both replay the same log', async () => {
    const [a, b] = [await instance(), await instance()];
    const id = String(1e15 + Math.floor(Math.random() * 1e12));
    const stream = await events(`${b.url}/v1/customers/${id}/events`);
    await until(() => stream.text().includes(': connected'), 2_000, 'the stream to open');

    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const body = checkinBody(id);
      const arrived = stream.waitFor(
        () => stream.messages().some((message) => message.data === body),
        2_000,
        'the check-in on the other instance',
      );
      const sent = performance.now();
      assert.equal((await postWebhook(a.url, body)).status, 200);
      await arrived;
      latencies.push(performance.now() - sent);
    }
    latencies.sort((x, y) => x - y);
    console.log(
      `# webhook to instance A -> stream on instance B: median ${latencies[2]!.toFixed(1)} ms, max ${latencies[4]!.toFixed(1)} ms (5 webhooks)`,
    );

    const [first, ...rest] = stream.messages();
    const again = await events(`${a.url}/v1/customers/${id}/events?lastEventId=${encodeURIComponent(first!.id)}`);
    await until(() => again.text().includes(': connected'), 2_000, 'the replay');
    assert.deepEqual(again.messages(), rest);
  });

  it('share the code cache and the upstream cap', async () => {
    const [a, b] = [await instance({ upstreamLimitPerMinute: 3 }), await instance({ upstreamLimitPerMinute: 3 })];
    const id = String(2e15 + Math.floor(Math.random() * 1e12));
    const first = await (await fetch(`${a.url}/v1/customers/${id}/access-code`)).text();
    const second = await (await fetch(`${b.url}/v1/customers/${id}/access-code`)).text();
    assert.equal(second, first);
    assert.equal(upstream.callsFor(id), 1);

    for (;;) {
      const minute = Math.floor(Date.now() / 60_000);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await fetch(`${(i % 2 ? a : b).url}/v1/customers/${id}${i}/access-code`)).status);
      if (Math.floor(Date.now() / 60_000) !== minute) continue;
      // Three calls a minute between them: the first code took one.
      assert.deepEqual(statuses, [200, 200, 429, 429]);
      break;
    }
  });

  it('start without Redis reachable: codes served, health and streams 503, closed cleanly', async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const logger = recordingLogger();
    const relay = createRelay({
      magiclineBaseUrl: upstream.url,
      magiclineApiKey: MAGICLINE_KEY,
      webhookApiKey: WEBHOOK_KEY,
      authorize: () => 'allow',
      redisUrl: nowhere,
      logger,
    });
    cleanups.push(() => relay.close());
    const { url } = await relay.listen({ hostname: '127.0.0.1' });
    await sleep(300);
    assert.equal((await fetch(`${url}/healthz`)).status, 503);
    assert.equal((await fetch(`${url}/v1/customers/7/events`)).status, 503);
    assert.equal((await fetch(`${url}/v1/customers/7/access-code`)).status, 200);
    assert.equal((await postWebhook(url, checkinBody('7'))).status, 200);
    // One warning per distinct connection error, not one per retry.
    assert.ok(
      logger.lines.filter((line) => line.includes('redis connection error')).length <= 2,
      logger.lines.join('\n'),
    );
  });

  it('keep serving codes while Redis is away, say 503 on health and streams, and recover within 10 s of its return', async () => {
    const a = await instance();
    const id = String(3e15 + Math.floor(Math.random() * 1e12));
    const open = await events(`${a.url}/v1/customers/${id}/events`);
    await until(() => open.text().includes(': connected'), 2_000, 'the stream to open');
    const before = checkinBody(id);
    await postWebhook(a.url, before);
    await until(() => open.messages().length === 1, 2_000, 'a check-in before the outage');
    const lastId = open.messages()[0]!.id;

    await redis.stop();
    await until(async () => (await fetch(`${a.url}/healthz`)).status === 503, 5_000, 'healthz 503');
    await until(() => open.ended(), 5_000, 'the open stream to end');
    const refused = await fetch(`${a.url}/v1/customers/${id}/events`);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('Retry-After'), '5');
    const codes = await Promise.all([1, 2, 3].map(() => fetch(`${a.url}/v1/customers/${id}/access-code`)));
    assert.deepEqual(
      codes.map((response) => response.status),
      [200, 200, 200],
    );
    const during = checkinBody(id);
    assert.equal((await postWebhook(a.url, during)).status, 200, 'webhooks are taken while Redis is away');

    const back = performance.now();
    await redis.start();
    await until(async () => (await fetch(`${a.url}/healthz`)).status === 200, 10_000, 'healthz 200 within 10 s');
    const recovery = performance.now() - back;
    console.log(`# Redis restarted -> healthz 200 after ${recovery.toFixed(0)} ms (redis-server start included)`);

    // The check-in taken during the outage is replayed to a client that last saw the one before.
    const resumed = await events(`${a.url}/v1/customers/${id}/events?lastEventId=${encodeURIComponent(lastId)}`);
    assert.equal(resumed.response.status, 200);
    await until(() => resumed.messages().length === 1, 5_000, 'the check-in kept during the outage');
    assert.equal(resumed.messages()[0]!.data, during);
    const live = checkinBody(id);
    await postWebhook(a.url, live);
    await until(() => resumed.messages().length === 2, 5_000, 'a live check-in after recovery');
    assert.equal(resumed.messages()[1]!.data, live);
    await sleep(10);
  });
});
