/**
 * The relay's front-desk feed: staff-only check-in streams per studio, the
 * name from the studio's Magicline, a day's replay and resume, and, on a real
 * redis-server, a check-in posted to one instance on a staff stream of another.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import {
  createMemoryState,
  createRelay,
  jwtAuthorizer,
  staffJwtAuthorizer,
  silentLogger,
  type Relay,
  type RelayOptions,
} from '../../src/server/index.js';
import { checkinBody, openEvents, postWebhook, startRedis, WEBHOOK_KEY, type EventReader } from './helpers.js';
import { parsePrometheus, sampleValue } from './prometheus.js';

const SECRET = 'a-member-token-secret-of-32-bytes-or-more';
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
const bearer = async (claims: Record<string, unknown>) => ({ Authorization: `Bearer ${await sign(claims)}` });
const staff = () => bearer({ role: 'staff', studio: 'default' });

/** Magicline's customer route: "Anna Muster" for everyone, counted, answered after `delayMs` or with `status`. */
async function startCustomers() {
  const upstream = { url: '', calls: 0, delayMs: 0, status: 200, close: async () => {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!/^\/v1\/customers\/\d+$/.test(req.url ?? '')) return void res.writeHead(404).end();
    upstream.calls++;
    const answer = () => {
      if (upstream.status !== 200) return void res.writeHead(upstream.status).end();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ firstName: 'Anna', lastName: 'Muster' }));
    };
    if (upstream.delayMs) setTimeout(answer, upstream.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  upstream.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return upstream;
}

describe('the front desk’s feed on the relay', () => {
  let customers: Awaited<ReturnType<typeof startCustomers>>;
  const cleanups: (() => Promise<void> | void)[] = [];
  before(async () => {
    customers = await startCustomers();
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
    customers.calls = 0;
    customers.delayMs = 0;
    customers.status = 200;
  });
  after(() => customers.close());

  async function start(extra: Partial<RelayOptions> = {}): Promise<{ relay: Relay; url: string }> {
    const relay = createRelay({
      magiclineBaseUrl: customers.url,
      magiclineApiKey: 'key',
      webhookApiKey: WEBHOOK_KEY,
      authorize: jwtAuthorizer({ secret: SECRET }),
      authorizeStaff: staffJwtAuthorizer({ secret: SECRET }),
      logger: silentLogger,
      ...extra,
    });
    const { url } = await relay.listen({ hostname: '127.0.0.1' });
    cleanups.push(() => relay.close());
    return { relay, url };
  }
  async function feed(url: string, headers: Record<string, string> = {}): Promise<EventReader> {
    const reader = await openEvents(`${url}/v1/checkins`, { ...(await staff()), ...headers });
    cleanups.push(() => reader.close());
    await reader.waitFor(() => reader.text().includes('event: ready'), 2_000, 'the ready event');
    return reader;
  }
  const checkins = (reader: EventReader) =>
    reader.messages().flatMap(({ id, data }) => (data ? [{ id, ...JSON.parse(data) }] : []));

  it('lets staff of the studio in; a member token or another studio’s staff is 403, no token 401', async () => {
    const { url } = await start();
    const status = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${url}${path}`, { method: 'HEAD', headers });
      return response.status;
    };
    assert.equal(await status('/v1/checkins', await staff()), 200);
    assert.equal(await status('/v1/studios/default/checkins', await staff()), 200);
    assert.equal(await status('/v1/checkins', await bearer({ sub: '123', studio: 'default' })), 403);
    assert.equal(await status('/v1/checkins', await bearer({ role: 'staff', studio: 'hamburg' })), 403);
    assert.equal(await status('/v1/checkins'), 401);
    assert.equal(await status('/v1/checkins', { Authorization: 'Bearer not.a.token' }), 401);
    assert.equal(await status('/v1/studios/hamburg/checkins', await staff()), 404);
  });

  it('is not served without authorizeStaff', async () => {
    const { url } = await start({ authorizeStaff: undefined });
    const response = await fetch(`${url}/v1/checkins`, { headers: await staff() });
    assert.equal(response.status, 404);
  });

  it('puts a webhook on the feed as the contract’s message with the name, looked up once for two screens and three check-ins', async () => {
    const { url } = await start();
    const [one, two] = [await feed(url), await feed(url)];
    const uuids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    for (const uuid of uuids) assert.equal((await postWebhook(url, checkinBody('42', uuid))).status, 200);
    for (const reader of [one, two])
      await reader.waitFor(() => checkins(reader).length === 3, 5_000, 'three check-ins');
    const [first] = checkins(one);
    assert.deepEqual(Object.keys(first).sort(), ['at', 'customerId', 'id', 'name', 'uuid']);
    assert.equal(first.customerId, '42');
    assert.equal(first.name, 'Anna M.');
    assert.ok(!Number.isNaN(Date.parse(first.at)));
    assert.deepEqual(
      checkins(two).map((checkin) => checkin.uuid),
      uuids,
    );
    assert.equal(customers.calls, 1);
    const metrics = parsePrometheus(await (await fetch(`${url}/metrics`)).text());
    assert.equal(sampleValue(metrics, 'gym_access_qr_name_lookups_total', { studio: 'default', status: '200' }), 1);
    assert.equal(sampleValue(metrics, 'gym_access_qr_staff_streams', { studio: 'default' }), 2);
    assert.equal(sampleValue(metrics, 'gym_access_qr_upstream_calls_total', { studio: 'default', status: '200' }), 0);
  });

  for (const [what, fault] of [
    ['slow (3 s)', () => (customers.delayMs = 3_000)],
    ['failing (500)', () => (customers.status = 500)],
  ] as const)
    it(`a ${what} name lookup still delivers, without the name, within 2.5 s`, async () => {
      fault();
      const { url } = await start();
      const reader = await feed(url);
      await postWebhook(url, checkinBody('7'));
      await reader.waitFor(() => checkins(reader).length === 1, 2_500, 'the check-in');
      assert.equal(checkins(reader)[0].name, undefined);
      assert.equal(checkins(reader)[0].customerId, '7');
    });

  it('replays the last 24 h to a fresh connection, nothing older, and resumes after an id', async () => {
    const [tooOld, anHourAgo, whileAway] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    let now = Date.now() - 25 * 3600_000;
    const { url } = await start({ state: createMemoryState({ now: () => now }) });
    await postWebhook(url, checkinBody('1', tooOld));
    const first = await feed(url);
    await first.waitFor(() => checkins(first).length === 1, 5_000, 'the old check-in live');
    first.close();
    now += 2 * 3600_000;
    await postWebhook(url, checkinBody('2', anHourAgo));
    now = Date.now();
    const fresh = await feed(url);
    await fresh.waitFor(() => checkins(fresh).length === 1, 5_000, 'the replay');
    assert.deepEqual(
      checkins(fresh).map((checkin) => checkin.uuid),
      [anHourAgo],
    );
    const seen = checkins(fresh)[0].id;
    fresh.close();
    await postWebhook(url, checkinBody('3', whileAway));
    const resumed = await feed(url, { 'Last-Event-ID': seen });
    await resumed.waitFor(() => checkins(resumed).length === 1, 5_000, 'the resume');
    assert.deepEqual(
      checkins(resumed).map((checkin) => checkin.uuid),
      [whileAway],
    );
    // An id the relay could not have issued counts as none: the whole day again.
    const forged = await feed(url, { 'Last-Event-ID': '99999999999999-0' });
    await forged.waitFor(() => checkins(forged).length === 2, 5_000, 'the day');
  });

  it('with Redis, a check-in posted to one instance reaches a staff stream on another', async () => {
    const across = crypto.randomUUID();
    const redis = await startRedis();
    cleanups.push(() => redis.close());
    const [a, b] = [await start({ redisUrl: redis.url }), await start({ redisUrl: redis.url })];
    const reader = await feed(b.url);
    assert.equal((await postWebhook(a.url, checkinBody('55', across))).status, 200);
    await reader.waitFor(() => checkins(reader).length === 1, 5_000, 'the check-in on B');
    assert.equal(checkins(reader)[0].uuid, across);
    assert.equal(checkins(reader)[0].name, 'Anna M.');
    // And a fresh connection on A replays it from Redis.
    const replayed = await feed(a.url);
    await replayed.waitFor(() => checkins(replayed).length === 1, 5_000, 'the replay on A');
  });
});
