/**
 * A deploy loses no check-in: two gym-access-qr-relay processes serving two
 * studios on one real redis-server; SIGTERM to one while a webhook to it is
 * half sent.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { checkinBody, openEvents, sleep, startRedis, until, type EventReader, type RedisServer } from './helpers.js';

const root = resolve(import.meta.dirname, '../..');
const SECRET = 'a-member-token-secret-of-32-bytes-or-more';

function bin(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', './scripts/ts-loader.mjs', 'src/server/bin.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stdout += chunk));
  const exited = new Promise<{ code: number | null; at: number }>((done) =>
    child.once('exit', (code) => done({ code, at: performance.now() })),
  );
  const listening = async () => {
    await until(() => stdout.includes('relay listening'), 15_000, 'the relay to listen');
    const line = stdout.split('\n').find((l) => l.includes('relay listening'))!;
    const url = `http://127.0.0.1:${JSON.parse(line).port}`;
    await until(async () => (await fetch(`${url}/healthz`)).status === 200, 5_000, 'the relay to reach Redis');
    return url;
  };
  return { child, exited, listening, stdout: () => stdout };
}

/** A webhook sent in two parts: the headers and the first half now, the rest when asked. */
function halfSentWebhook(url: string, body: string, key: string) {
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  const { hostname, port } = new URL(url);
  const req = request({
    hostname,
    port,
    method: 'POST',
    path: '/webhooks/magicline',
    headers: { 'Content-Type': 'application/json', 'Content-Length': bytes.length, 'X-API-KEY': key },
  });
  const answered = new Promise<{ status: number; connection: string | undefined; at: number }>((done, fail) => {
    req.once('response', (res) => {
      res.resume();
      done({ status: res.statusCode!, connection: res.headers.connection, at: performance.now() });
    });
    req.once('error', fail);
  });
  req.write(bytes.subarray(0, half));
  return { answered, rest: () => req.end(bytes.subarray(half)) };
}

describe('gym-access-qr-relay on SIGTERM', () => {
  let redis: RedisServer;
  let dir: string;
  const streams: EventReader[] = [];

  before(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'gym-access-qr-shutdown-'));
  });
  after(async () => {
    streams.forEach((stream) => stream.close());
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the webhook it has begun, publishes it to the other instance, ends its streams with retry: and exits 0 within 10 s', async () => {
    const file = join(dir, 'studios.json');
    writeFileSync(
      file,
      JSON.stringify({
        studios: [
          { id: 'north', magiclineBaseUrl: 'http://127.0.0.1:9', magiclineApiKey: 'n-key', webhookApiKey: 'n-hook' },
          { id: 'south', magiclineBaseUrl: 'http://127.0.0.1:9', magiclineApiKey: 's-key', webhookApiKey: 's-hook' },
        ],
      }),
    );
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      RELAY_STUDIOS_FILE: file,
      MEMBER_TOKEN_SECRET: SECRET,
      REDIS_URL: redis.url,
    };
    const [a, b] = [bin(env), bin(env)];
    try {
      const [urlA, urlB] = [await a.listening(), await b.listening()];
      const member = async (studio: string) => ({
        Authorization: `Bearer ${await new SignJWT({ studio })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('123')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(SECRET))}`,
      });
      const open = async (url: string, studio: string) => {
        const stream = await openEvents(`${url}/v1/studios/${studio}/customers/123/events`, await member(studio));
        streams.push(stream);
        await stream.waitFor(() => stream.text().includes('event: ready'), 5_000, 'the stream to open');
        return stream;
      };
      const [onA, northOnB, southOnB] = [
        await open(urlA, 'north'),
        await open(urlB, 'north'),
        await open(urlB, 'south'),
      ];

      const body = checkinBody('123');
      const webhook = halfSentWebhook(urlA, body, 'n-hook');
      // The request is under way on A (its headers and half its body there) before A hears SIGTERM.
      await sleep(300);
      const signalled = performance.now();
      a.child.kill('SIGTERM');
      await until(() => a.stdout().includes('relay stopping'), 5_000, 'A to start stopping');

      await until(() => onA.ended(), 5_000, "A's stream to end");
      assert.match(onA.text(), /\nretry: \d+\n\n$/, "A's stream ends with a retry: hint");
      const refused = await new Promise<string>((done) => {
        const socket = connect(Number(new URL(urlA).port), '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), done('connected')));
        socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
      });
      assert.equal(refused, 'ECONNREFUSED', 'A accepts no new connection');

      // Magicline is slow with the rest of the body: A still waits for it.
      await sleep(1_000);
      webhook.rest();
      const answer = await webhook.answered;
      assert.equal(answer.status, 200);
      assert.equal(answer.connection, 'close', 'the sender is told not to reuse the connection');

      await northOnB.waitFor(
        () => northOnB.messages().some((message) => message.data === body),
        5_000,
        "the check-in on B's stream for north's customer 123",
      );
      const exit = await a.exited;
      assert.equal(exit.code, 0);
      const exitMs = exit.at - signalled;
      assert.ok(exitMs < 10_000, `exited ${exitMs.toFixed(0)} ms after SIGTERM`);
      assert.deepEqual(southOnB.messages(), [], "south's customer 123 hears nothing of north's");
      console.log(
        `# SIGTERM -> webhook answered ${(answer.at - signalled).toFixed(0)} ms (the rest of its body sent at 1000 ms), ` +
          `SIGTERM -> exit 0 ${exitMs.toFixed(0)} ms`,
      );
    } finally {
      a.child.kill('SIGKILL');
      b.child.kill('SIGKILL');
    }
  });
});
