/** The gym-access-qr-relay bin, spawned as a process: its configuration checks and JWT sign-in. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { startUpstream, until } from './helpers.js';

const root = resolve(import.meta.dirname, '../..');
const SECRET = 'a-member-token-secret-of-32-bytes-or-more';
const GOOD: Record<string, string> = {
  PORT: '0',
  MAGICLINE_BASE_URL: 'http://127.0.0.1:9',
  MAGICLINE_API_KEY: 'bin-magicline-key',
  MAGICLINE_WEBHOOK_API_KEY: 'bin-webhook-key',
  MEMBER_TOKEN_SECRET: SECRET,
};

/** Runs the bin from its source with `env` (and nothing else from this process's environment but PATH). */
function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', './scripts/ts-loader.mjs', 'src/server/bin.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // 'close', not 'exit': the process may exit before its last words on stderr have been read.
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

// Each case starts a process: run them side by side.
describe('gym-access-qr-relay', { concurrency: 4 }, () => {
  const bad: [string, Record<string, string | undefined>, RegExp][] = [
    ['MAGICLINE_BASE_URL', { MAGICLINE_BASE_URL: undefined }, /MAGICLINE_BASE_URL is required/],
    [
      'MAGICLINE_BASE_URL',
      { MAGICLINE_BASE_URL: 'ftp://magicline.example' },
      /MAGICLINE_BASE_URL must be an http: or https: URL/,
    ],
    ['MAGICLINE_BASE_URL', { MAGICLINE_BASE_URL: 'not a url' }, /MAGICLINE_BASE_URL must be an http: or https: URL/],
    ['MAGICLINE_API_KEY', { MAGICLINE_API_KEY: undefined }, /MAGICLINE_API_KEY is required/],
    ['MAGICLINE_WEBHOOK_API_KEY', { MAGICLINE_WEBHOOK_API_KEY: ' ' }, /MAGICLINE_WEBHOOK_API_KEY is required/],
    ['MEMBER_TOKEN_SECRET', { MEMBER_TOKEN_SECRET: undefined }, /MEMBER_TOKEN_SECRET is required/],
    ['MEMBER_TOKEN_SECRET', { MEMBER_TOKEN_SECRET: 'short-secret' }, /MEMBER_TOKEN_SECRET must be at least 32 bytes/],
    ['PORT', { PORT: 'eighty' }, /PORT must be a whole number/],
    ['PORT', { PORT: '70000' }, /PORT must be a whole number/],
    ['REDIS_URL', { REDIS_URL: 'http://redis:6379' }, /REDIS_URL must start with redis:\/\//],
    [
      'UPSTREAM_LIMIT_PER_MINUTE',
      { UPSTREAM_LIMIT_PER_MINUTE: '0' },
      /UPSTREAM_LIMIT_PER_MINUTE must be a whole number/,
    ],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://app.example,app2.example' }, /ALLOWED_ORIGINS must list origins/],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://app.example/path' }, /ALLOWED_ORIGINS must list origins/],
    [
      'MAGICLINE_BASE_URL',
      { MAGICLINE_BASE_URL: 'https://partner:hunter2-secret@magicline.example' },
      /MAGICLINE_BASE_URL must not hold a user name or password/,
    ],
    [
      'MAGICLINE_BASE_URL',
      { MAGICLINE_BASE_URL: 'ftp://partner:hunter2-secret@magicline.example' },
      /MAGICLINE_BASE_URL must be an http: or https: URL/,
    ],
    [
      'MAGICLINE_BASE_URL',
      { MAGICLINE_BASE_URL: 'https://partner:hunter2-secret@magic line' },
      /MAGICLINE_BASE_URL must be an http: or https: URL/,
    ],
    [
      'MEMBER_UPSTREAM_LIMIT_PER_MINUTE',
      { MEMBER_UPSTREAM_LIMIT_PER_MINUTE: 'six' },
      /MEMBER_UPSTREAM_LIMIT_PER_MINUTE must be a whole number/,
    ],
    ['MAX_STREAMS', { MAX_STREAMS: '0' }, /MAX_STREAMS must be a whole number/],
  ];
  for (const [name, change, message] of bad) {
    it(`exits non-zero at start, naming ${name}, for ${JSON.stringify(change)}`, async () => {
      const env = { ...GOOD, ...change };
      for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
      const bin = run(env as Record<string, string>);
      // A bin that starts after all must not outlive the test.
      const running = setTimeout(() => bin.child.kill('SIGKILL'), 15_000);
      const code = await bin.exited;
      clearTimeout(running);
      assert.equal(code, 2);
      assert.match(bin.stderr(), message);
      assert.ok(
        !bin.stderr().includes('short-secret') &&
          !bin.stderr().includes('bin-magicline-key') &&
          !bin.stderr().includes('hunter2-secret'),
        'no secret in the message',
      );
    });
  }

  it('serves members holding an HS256 token for their own id, logs without tokens, and stops on SIGTERM', async () => {
    const upstream = await startUpstream();
    const bin = run({
      ...GOOD,
      MAGICLINE_BASE_URL: upstream.url,
      ALLOWED_ORIGINS: 'https://app.example, https://other.example',
    });
    try {
      await until(() => bin.stdout().includes('relay listening'), 10_000, 'the relay to listen');
      const { port } = JSON.parse(
        bin
          .stdout()
          .split('\n')
          .find((line) => line.includes('relay listening'))!,
      );
      const base = `http://127.0.0.1:${port}`;
      const key = new TextEncoder().encode(SECRET);
      const token = (claims: { sub?: string; exp?: string | number }, secret = key, alg = 'HS256') => {
        let jwt = new SignJWT({}).setProtectedHeader({ alg });
        if (claims.sub !== undefined) jwt = jwt.setSubject(claims.sub);
        if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
        return jwt.sign(secret);
      };
      const get = async (id: string, jwt?: string) =>
        (
          await fetch(
            `${base}/v1/customers/${id}/access-code`,
            jwt ? { headers: { Authorization: `Bearer ${jwt}` } } : {},
          )
        ).status;

      const good = await token({ sub: '1234567', exp: '5m' });
      assert.equal(await get('1234567', good), 200);
      assert.equal(await get('01234567', good), 200, 'leading zeros name the same customer');
      assert.equal(await get('7654321', good), 403);
      assert.equal(await get('1234567'), 401);
      assert.equal(await get('1234567', await token({ sub: '1234567' })), 401, 'exp is required');
      assert.equal(
        await get('1234567', await token({ sub: '1234567', exp: Math.floor(Date.now() / 1000) - 120 })),
        401,
        'expired',
      );
      assert.equal(
        await get(
          '1234567',
          await token({ sub: '1234567', exp: '5m' }, new TextEncoder().encode('another-secret-that-is-32-bytes-long!')),
        ),
        401,
      );
      assert.equal(await get('1234567', await token({ sub: '1234567', exp: '5m' }, key, 'HS512')), 401, 'only HS256');

      const preflight = await fetch(`${base}/v1/customers/1234567/access-code`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://other.example',
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
      assert.equal(preflight.headers.get('Access-Control-Allow-Origin'), 'https://other.example');

      // Log lines are written once per turn of the event loop: the last request's line may follow its answer.
      const requestLines = () =>
        bin
          .stdout()
          .split('\n')
          .filter((line) => line.includes('"message":"request"'));
      await until(() => requestLines().length >= 9, 5_000, 'a log line for every request');
      assert.equal(requestLines().length, 9);
      assert.ok(
        !bin.stdout().includes(good) && !bin.stdout().includes('bin-magicline-key'),
        'no token or key in the log',
      );

      bin.child.kill('SIGTERM');
      assert.equal(await bin.exited, 0);
    } finally {
      bin.child.kill('SIGKILL');
      await upstream.close();
    }
  });
});

describe('gym-access-qr-relay with RELAY_STUDIOS_FILE and HOST', { concurrency: 4 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gym-access-qr-bin-studios-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, studios: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ studios }));
    return path;
  };
  const studio = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    magiclineBaseUrl: 'https://studio.example',
    magiclineApiKey: `secret-api-key-${id}`,
    webhookApiKey: `secret-webhook-key-${id}`,
    ...extra,
  });
  const { MAGICLINE_BASE_URL: _u, MAGICLINE_API_KEY: _k, MAGICLINE_WEBHOOK_API_KEY: _w, ...common } = GOOD;

  const bad: [string, () => Record<string, string>, RegExp][] = [
    [
      'a studio without its webhook key',
      () => ({ RELAY_STUDIOS_FILE: file('no-hook.json', [studio('a'), studio('b', { webhookApiKey: '' })]) }),
      /RELAY_STUDIOS_FILE: studio "b": webhookApiKey is required/,
    ],
    [
      'a studio whose URL is not http(s)',
      () => ({
        RELAY_STUDIOS_FILE: file('ftp.json', [studio('c', { magiclineBaseUrl: 'ftp://user:url-password@x' })]),
      }),
      /RELAY_STUDIOS_FILE: studio "c": magiclineBaseUrl must be an http: or https: URL/,
    ],
    [
      'a studio URL with a password in it',
      () => ({
        RELAY_STUDIOS_FILE: file('user.json', [studio('e', { magiclineBaseUrl: 'https://user:url-password@x' })]),
      }),
      /RELAY_STUDIOS_FILE: studio "e": magiclineBaseUrl must not hold a user name or password/,
    ],
    [
      'a file that is missing',
      () => ({ RELAY_STUDIOS_FILE: join(dir, 'nowhere.json') }),
      /RELAY_STUDIOS_FILE cannot be read \(ENOENT\)/,
    ],
    [
      'the file beside the single-studio keys',
      () => ({ RELAY_STUDIOS_FILE: file('both.json', [studio('d')]), MAGICLINE_API_KEY: 'bin-magicline-key' }),
      /MAGICLINE_API_KEY and RELAY_STUDIOS_FILE are both set/,
    ],
    ['a HOST that is no address', () => ({ ...GOOD, HOST: 'http://0.0.0.0' }), /HOST must be an address/],
  ];
  for (const [what, env, message] of bad) {
    it(`exits with 2 at start for ${what}, naming the studio and field, echoing no key or URL`, async () => {
      const started = run({ ...common, ...env() });
      assert.equal(await started.exited, 2);
      assert.match(started.stderr(), message);
      assert.doesNotMatch(started.stderr(), /secret-|url-password|bin-magicline-key/);
    });
  }

  it('listens on HOST and serves every studio of the file', async () => {
    const upstream = await startUpstream();
    const path = file('good.json', [
      studio('north', { magiclineBaseUrl: upstream.url }),
      studio('south', { magiclineBaseUrl: upstream.url }),
    ]);
    const started = run({ ...common, RELAY_STUDIOS_FILE: path, HOST: '127.0.0.1', METRICS_TOKEN: 'scrape-me' });
    try {
      await until(() => started.stdout().includes('relay listening'), 10_000, 'the relay to listen');
      const line = JSON.parse(
        started
          .stdout()
          .split('\n')
          .find((l) => l.includes('relay listening'))!,
      );
      assert.equal(line.host, '127.0.0.1');
      assert.deepEqual(line.studios, ['north', 'south']);
      const jwt = await new SignJWT({ studio: 'south' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('42')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(SECRET));
      const response = await fetch(`http://127.0.0.1:${line.port}/v1/studios/south/customers/42/access-code`, {
        headers: { Authorization: `Bearer ${jwt}` },
      });
      assert.equal(response.status, 200);
      assert.equal(upstream.keys.at(-1), 'secret-api-key-south');
      const metrics = `http://127.0.0.1:${line.port}/metrics`;
      assert.equal((await fetch(metrics)).status, 401, 'METRICS_TOKEN is required');
      const scraped = await fetch(metrics, { headers: { Authorization: 'Bearer scrape-me' } });
      assert.equal(scraped.status, 200);
      assert.match(await scraped.text(), /^gym_access_qr_upstream_calls_total\{studio="south",status="200"\} 1$/m);
      assert.doesNotMatch(started.stdout(), /secret-|url-password/);
      started.child.kill('SIGTERM');
      assert.equal(await started.exited, 0);
    } finally {
      started.child.kill('SIGKILL');
      await upstream.close();
    }
  });
});
