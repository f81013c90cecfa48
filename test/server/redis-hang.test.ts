/**
 * A Redis that accepts connections but stops answering (a real redis-server
 * frozen with SIGSTOP, as a black-holed network looks): the relay treats it
 * as away within seconds and is whole again soon after it answers.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { createRelay } from '../../src/server/index.js';
import {
  checkinBody,
  MAGICLINE_KEY,
  openEvents,
  postWebhook,
  recordingLogger,
  startRedis,
  startUpstream,
  until,
  WEBHOOK_KEY,
  type FakeUpstream,
  type RedisServer,
} from './helpers.js';

/** A request that must be answered within `ms`: its status, or 'no answer'. */
async function statusWithin(url: string, ms: number, init: RequestInit = {}): Promise<number | 'no answer'> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(ms) });
    await response.body?.cancel();
    return response.status;
  } catch {
    return 'no answer';
  }
}

describe('a Redis that hangs', () => {
  let redis: RedisServer;
  let upstream: FakeUpstream;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async () => {
    redis = await startRedis();
    upstream = await startUpstream();
  });
  afterEach(async () => {
    redis.resume();
    while (cleanups.length) await cleanups.pop()!();
  });
  after(async () => {
    await upstream.close();
    await redis.close();
  });

  it('is treated as away: healthz 503 within 2 s, codes served, streams 503; all back within 10 s of SIGCONT', async () => {
    const relay = createRelay({
      magiclineBaseUrl: upstream.url,
      magiclineApiKey: MAGICLINE_KEY,
      webhookApiKey: WEBHOOK_KEY,
      authorize: () => 'allow',
      redisUrl: redis.url,
      logger: recordingLogger(),
    });
    cleanups.push(() => relay.close());
    const { url } = await relay.listen({ hostname: '127.0.0.1' });
    await until(async () => (await statusWithin(`${url}/healthz`, 1_000)) === 200, 5_000, 'the relay to reach Redis');
    const id = String(4e15 + Math.floor(Math.random() * 1e12));
    const open = await openEvents(`${url}/v1/customers/${id}/events`);
    cleanups.push(() => open.close());
    await open.waitFor(() => open.text().includes('event: ready'), 2_000, 'the stream to open');

    redis.pause();
    assert.equal(await statusWithin(`${url}/healthz`, 2_000), 503, 'healthz within 2 s');
    assert.equal(await statusWithin(`${url}/v1/customers/${id}/access-code`, 3_000), 200, 'a code');
    assert.equal(await statusWithin(`${url}/v1/customers/${id}1/access-code`, 3_000), 200, 'another code');
    assert.equal(await statusWithin(`${url}/v1/customers/${id}/events`, 2_000), 503, 'a new stream');
    await until(() => open.ended(), 2_000, 'the open stream to end');
    const during = checkinBody(id);
    assert.equal((await postWebhook(url, during)).status, 200);

    redis.resume();
    const resumed = performance.now();
    await until(
      async () => (await statusWithin(`${url}/healthz`, 1_000)) === 200,
      10_000,
      'healthz 200 within 10 s of SIGCONT',
    );
    const again = await openEvents(`${url}/v1/customers/${id}/events?lastEventId=0-0`);
    cleanups.push(() => again.close());
    assert.equal(again.response.status, 200);
    await again.waitFor(
      () => again.messages().some((message) => message.data === during),
      10_000 - (performance.now() - resumed),
      'the check-in taken while Redis hung',
    );
    assert.equal(
      again.messages().filter((message) => message.data === during).length,
      1,
      'published once, though it was tried while Redis hung',
    );
    const live = checkinBody(id);
    await postWebhook(url, live);
    await again.waitFor(() => again.messages().some((message) => message.data === live), 2_000, 'a live check-in');
  });

  it('lets the bin exit within 5 s of SIGTERM', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const secret = 'a-member-token-secret-of-32-bytes-or-more';
    const child = spawn(process.execPath, ['--import', './scripts/ts-loader.mjs', 'src/server/bin.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        MAGICLINE_BASE_URL: upstream.url,
        MAGICLINE_API_KEY: MAGICLINE_KEY,
        MAGICLINE_WEBHOOK_API_KEY: WEBHOOK_KEY,
        MEMBER_TOKEN_SECRET: secret,
        REDIS_URL: redis.url,
      },
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.resume();
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    cleanups.push(() => void child.kill('SIGKILL'));
    await until(() => stdout.includes('relay listening'), 10_000, 'the relay to listen');
    const { port } = JSON.parse(stdout.split('\n').find((line) => line.includes('relay listening'))!);
    const base = `http://127.0.0.1:${port}`;
    await until(async () => (await statusWithin(`${base}/healthz`, 1_000)) === 200, 5_000, 'the bin to reach Redis');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('12')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));
    const stream = await openEvents(`${base}/v1/customers/12/events`, { Authorization: `Bearer ${token}` });
    cleanups.push(() => stream.close());
    await stream.waitFor(() => stream.text().includes('event: ready'), 2_000, 'a stream to open');

    redis.pause();
    // Work in flight while Redis hangs: a webhook and a code.
    void postWebhook(base, checkinBody('12')).catch(() => {});
    void statusWithin(`${base}/v1/customers/12/access-code`, 5_000, { headers: { Authorization: `Bearer ${token}` } });
    await new Promise((done) => setTimeout(done, 200));
    const sent = performance.now();
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'still running'>((done) => setTimeout(done, 5_000, 'still running')),
    ]);
    assert.notEqual(code, 'still running', `no exit ${Math.round(performance.now() - sent)} ms after SIGTERM`);
  });
});
