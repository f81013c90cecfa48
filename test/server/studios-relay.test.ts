/**
 * One relay for several studios, two instances on one real redis-server:
 * each studio's own key and Magicline, its own customers, streams and cap,
 * webhooks routed by key, and the metrics that count it all.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { createRelay, jwtAuthorizer, type MemberContext, type StudioOptions } from '../../src/server/index.js';
import {
  checkinBody,
  openEvents,
  postWebhook,
  recordingLogger,
  startRedis,
  startUpstream,
  until,
  type EventReader,
  type FakeUpstream,
  type RedisServer,
} from './helpers.js';
import { parsePrometheus, sampleValue } from './prometheus.js';

const SECRET = 'a-member-token-secret-of-32-bytes-or-more';
const token = (claims: { sub: string; studio?: string }) =>
  new SignJWT(claims.studio === undefined ? {} : { studio: claims.studio })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
const bearer = async (claims: { sub: string; studio?: string }) => ({
  Authorization: `Bearer ${await token(claims)}`,
});

describe('a relay serving two studios', () => {
  let redis: RedisServer;
  let north: FakeUpstream;
  let south: FakeUpstream;
  const cleanups: (() => Promise<void> | void)[] = [];
  // Each test its own studio ids: every Redis key and counter is fresh, on the one redis-server.
  let run = 0;
  let ids: { a: string; b: string };

  before(async () => {
    redis = await startRedis();
    [north, south] = [await startUpstream(), await startUpstream()];
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  after(async () => {
    await Promise.all([north.close(), south.close()]);
    await redis.close();
  });

  const studios = (limits: { a?: number; b?: number } = {}): StudioOptions[] => {
    run++;
    ids = { a: `north-${run}`, b: `south-${run}` };
    return [
      {
        id: ids.a,
        magiclineBaseUrl: north.url,
        magiclineApiKey: 'north-api-key',
        webhookApiKey: 'north-webhook-key',
        ...(limits.a ? { upstreamLimitPerMinute: limits.a } : {}),
      },
      {
        id: ids.b,
        magiclineBaseUrl: south.url,
        magiclineApiKey: 'south-api-key',
        webhookApiKey: 'south-webhook-key',
        ...(limits.b ? { upstreamLimitPerMinute: limits.b } : {}),
      },
    ];
  };

  async function instance(
    list: StudioOptions[],
    extra: { metricsToken?: string; memberUpstreamLimitPerMinute?: number } = {},
  ) {
    const relay = createRelay({
      studios: list,
      authorize: jwtAuthorizer({ secret: SECRET, requireStudio: true }),
      redisUrl: redis.url,
      logger: recordingLogger(),
      ...extra,
    });
    const { url } = await relay.listen({ hostname: '127.0.0.1' });
    cleanups.push(() => relay.close());
    await until(async () => (await fetch(`${url}/healthz`)).status === 200, 5_000, 'the instance to reach Redis');
    const code = async (studio: string, id: string, headers: Record<string, string>) =>
      fetch(`${url}/v1/studios/${studio}/customers/${id}/access-code`, { headers });
    const events = async (studio: string, id: string, headers: Record<string, string>, query = '') => {
      const stream = await openEvents(`${url}/v1/studios/${studio}/customers/${id}/events${query}`, headers);
      cleanups.push(() => stream.close());
      return stream;
    };
    return { relay, url, code, events };
  }

  const connected = (stream: EventReader) => stream.waitFor(() => stream.text().includes('event: ready'));

  it("calls each studio's Magicline with that studio's key; customer 123 of one is not customer 123 of the other", async () => {
    const list = studios();
    const [one, two] = [await instance(list), await instance(list)];
    const [northBefore, southBefore] = [north.callsFor('123'), south.callsFor('123')];
    const a = await one.code(ids.a, '123', await bearer({ sub: '123', studio: ids.a }));
    const b = await one.code(ids.b, '123', await bearer({ sub: '123', studio: ids.b }));
    assert.deepEqual([a.status, b.status], [200, 200]);
    const [codeA, codeB] = [await a.text(), await b.text()];
    assert.notEqual(codeA, codeB, 'two customers, two codes');
    assert.equal(north.callsFor('123') - northBefore, 1);
    assert.equal(south.callsFor('123') - southBefore, 1);
    assert.equal(north.keys.at(-1), 'north-api-key');
    assert.equal(south.keys.at(-1), 'south-api-key');
    assert.ok(!north.keys.includes('south-api-key') && !south.keys.includes('north-api-key'));

    // Each studio's cache, shared by the instances, answers for its own customer only.
    const againA = await two.code(ids.a, '123', await bearer({ sub: '123', studio: ids.a }));
    const againB = await two.code(ids.b, '0123', await bearer({ sub: '123', studio: ids.b }));
    assert.equal(await againA.text(), codeA);
    assert.equal(await againB.text(), codeB);
    assert.equal(north.callsFor('123') - northBefore, 1, 'from the shared cache');
    assert.equal(south.callsFor('123') - southBefore, 1, 'from the shared cache');
  });

  it('refuses a token for another studio or for none (403), an unknown studio (404), and the single-studio routes without studio default (404)', async () => {
    const list = studios();
    const { url, code } = await instance(list);
    const calls = north.calls + south.calls;
    assert.equal((await code(ids.b, '123', await bearer({ sub: '123', studio: ids.a }))).status, 403);
    assert.equal((await code(ids.a, '123', await bearer({ sub: '123' }))).status, 403, 'the claim is required');
    assert.equal((await code(ids.a, '123', {})).status, 401);
    assert.equal((await code('elsewhere', '123', await bearer({ sub: '123', studio: 'elsewhere' }))).status, 404);
    const old = await fetch(`${url}/v1/customers/123/access-code`, {
      headers: await bearer({ sub: '123', studio: 'default' }),
    });
    assert.equal(old.status, 404);
    const stream = await fetch(`${url}/v1/studios/${ids.b}/customers/123/events`, {
      headers: await bearer({ sub: '123', studio: ids.a }),
    });
    assert.equal(stream.status, 403);
    assert.equal(north.calls + south.calls, calls, 'no call to Magicline for any of them');
  });

  it("routes a webhook by its key to that studio's streams only, on every instance, and replays it there only", async () => {
    const list = studios();
    const [one, two] = [await instance(list), await instance(list)];
    const streamA = await two.events(ids.a, '123', await bearer({ sub: '123', studio: ids.a }));
    const streamB = await two.events(ids.b, '123', await bearer({ sub: '123', studio: ids.b }));
    await Promise.all([connected(streamA), connected(streamB)]);
    assert.equal(two.relay.openStreams('123', ids.b), 1);

    const body = checkinBody('123');
    assert.equal((await postWebhook(one.url, body, 'south-webhook-key')).status, 200);
    await streamB.waitFor(() => streamB.messages().length === 1, 3_000, "the check-in on B's stream");
    assert.equal(streamB.messages()[0]!.data, body);
    assert.equal((await postWebhook(one.url, checkinBody('123'), 'no-studios-key')).status, 401);
    // One more check-in, for A: once it is on A's stream, B's is known to have reached A's too had it gone there.
    const forA = checkinBody('123');
    assert.equal((await postWebhook(one.url, forA, 'north-webhook-key')).status, 200);
    await streamA.waitFor(() => streamA.messages().length === 1, 3_000, "the check-in on A's stream");
    assert.deepEqual(
      streamA.messages().map((m) => m.data),
      [forA],
    );
    assert.equal(streamB.messages().length, 1);

    const replayA = await one.events(ids.a, '123', await bearer({ sub: '123', studio: ids.a }), '?lastEventId=0-0');
    await connected(replayA);
    assert.deepEqual(
      replayA.messages().map((m) => m.data),
      [forA],
      "A's log holds A's check-in only",
    );
  });

  it("caps each studio's upstream calls at its own limit, all instances together", async () => {
    const list = studios({ a: 2 });
    const [one, two] = [await instance(list), await instance(list)];
    for (;;) {
      const minute = Math.floor(Date.now() / 60_000);
      const statuses: number[] = [];
      for (let i = 1; i <= 3; i++) {
        const id = `${run}00${i}`;
        statuses.push((await (i % 2 ? one : two).code(ids.a, id, await bearer({ sub: id, studio: ids.a }))).status);
      }
      const other = await two.code(ids.b, `${run}004`, await bearer({ sub: `${run}004`, studio: ids.b }));
      if (Math.floor(Date.now() / 60_000) !== minute) continue;
      assert.deepEqual(statuses, [200, 200, 429], 'A: two calls a minute between the instances');
      assert.equal(other.status, 200, 'B is still served');
      break;
    }
  });

  it('counts per studio on /metrics, in Prometheus text, behind METRICS_TOKEN', async () => {
    const list = studios();
    const { url, code, events } = await instance(list, {
      metricsToken: 'scrape-token',
      memberUpstreamLimitPerMinute: 1,
    });
    const scrape = async () => {
      const response = await fetch(`${url}/metrics`, { headers: { Authorization: 'Bearer scrape-token' } });
      assert.equal(response.status, 200);
      return parsePrometheus(await response.text());
    };
    assert.equal((await fetch(`${url}/metrics`)).status, 401);
    assert.equal((await fetch(`${url}/metrics`, { headers: { Authorization: 'Bearer other' } })).status, 401);
    const value = (samples: ReturnType<typeof parsePrometheus>, name: string, labels: Record<string, string>) =>
      sampleValue(samples, `gym_access_qr_${name}`, labels);
    const a = { studio: ids.a };
    const b = { studio: ids.b };

    await code(ids.a, '55', await bearer({ sub: '55', studio: ids.a }));
    await code(ids.a, '55', await bearer({ sub: '55', studio: ids.a }));
    await code(ids.b, '55', await bearer({ sub: '55', studio: ids.a }));
    const stream = await events(ids.b, '55', await bearer({ sub: '55', studio: ids.b }));
    await connected(stream);
    // Codes too short-lived to keep: each request would be a call, and the member's budget is one a minute.
    north.lifetimeMs = 5_000;
    try {
      assert.equal((await code(ids.a, '57', await bearer({ sub: '57', studio: ids.a }))).status, 200);
      assert.equal((await code(ids.a, '57', await bearer({ sub: '57', studio: ids.a }))).status, 429);
      assert.equal(
        (await code(ids.b, '57', await bearer({ sub: '57', studio: ids.b }))).status,
        200,
        'customer 57 of the other studio has a budget of its own',
      );
    } finally {
      north.lifetimeMs = 30_000;
    }
    await postWebhook(url, checkinBody('56'), 'south-webhook-key');
    await postWebhook(url, checkinBody('56'), 'wrong-key');
    let samples = await scrape();
    assert.equal(value(samples, 'upstream_calls_total', { ...a, status: '200' }), 2);
    assert.equal(value(samples, 'refusals_total', { ...a, reason: 'budget' }), 1);
    assert.equal(value(samples, 'refusals_total', { ...b, reason: 'budget' }), 0);
    assert.equal(value(samples, 'codes_from_cache_total', a), 1);
    assert.equal(value(samples, 'refusals_total', { ...b, reason: 'auth' }), 1);
    assert.equal(value(samples, 'refusals_total', { ...a, reason: 'auth' }), 0);
    assert.equal(value(samples, 'open_streams', b), 1);
    assert.equal(value(samples, 'open_streams', a), 0);
    await until(
      async () => value(await scrape(), 'webhooks_delivered_total', b) === 1,
      3_000,
      'the webhook to be published',
    );
    samples = await scrape();
    assert.equal(value(samples, 'webhooks_received_total', b), 1);
    assert.equal(value(samples, 'webhooks_received_total', a), 0);
    assert.equal(value(samples, 'webhook_key_refusals_total', {}), 1);
    stream.close();
    await until(async () => value(await scrape(), 'open_streams', b) === 0, 3_000, 'the stream to be counted out');
  });

  it('serves the single-studio routes as studio default when the file has one', async () => {
    const [first, second] = studios();
    const relay = createRelay({
      studios: [{ ...first!, id: 'default' }, second!],
      authorize: jwtAuthorizer({ secret: SECRET, requireStudio: true }),
      logger: recordingLogger(),
    });
    const { url } = await relay.listen({ hostname: '127.0.0.1' });
    cleanups.push(() => relay.close());
    const before = [north.callsFor('777'), south.callsFor('777')];
    const old = await fetch(`${url}/v1/customers/777/access-code`, {
      headers: await bearer({ sub: '777', studio: 'default' }),
    });
    assert.equal(old.status, 200);
    assert.deepEqual([north.callsFor('777') - before[0]!, south.callsFor('777') - before[1]!], [1, 0]);
    const wrong = await fetch(`${url}/v1/customers/777/access-code`, {
      headers: await bearer({ sub: '777', studio: second!.id }),
    });
    assert.equal(wrong.status, 403);
  });

  it("hands the library's callback the studio and the customer id", async () => {
    const list = studios();
    const seen: Omit<MemberContext, 'incoming'>[] = [];
    const relay = createRelay({
      studios: list,
      authorize: (_request, { studio, customerId, incoming }) => {
        seen.push({ studio, customerId });
        return incoming ? 'allow' : 'forbidden';
      },
      logger: recordingLogger(),
    });
    const { url } = await relay.listen({ hostname: '127.0.0.1' });
    cleanups.push(() => relay.close());
    assert.equal((await fetch(`${url}/v1/studios/${ids.b}/customers/0042/access-code`)).status, 200);
    assert.deepEqual(seen, [{ studio: ids.b, customerId: '0042' }]);
  });
});
