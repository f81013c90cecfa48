/**
 * The relay's routes over real HTTP: a fake Magicline on a free port that
 * counts its calls, the relay on another, requests with fetch.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, mock } from 'node:test';
import { createMemoryState, createRelay, type RelayOptions, type SharedState } from '../../src/server/index.js';
import { readyFrame } from '../../src/server/relay.js';
import {
  checkinBody,
  MAGICLINE_KEY,
  postWebhook,
  recordingLogger,
  sleep,
  startUpstream,
  until,
  WEBHOOK_KEY,
  asMember,
  cleanupsAfterEach,
  startRelay,
} from './helpers.js';

const cleanups = cleanupsAfterEach();
const setup = (options: Partial<RelayOptions> = {}) => startRelay(cleanups, options);
const as = asMember;

/** A fixed Magicline clock, so Date headers can be compared exactly. */
const MAGICLINE_NOW = Date.parse('2026-03-02T07:00:00Z');

describe('GET /v1/customers/{id}/access-code', () => {
  it('answers 400 for a malformed id, 401 without credentials, 403 for another member, without calling Magicline', async () => {
    const { code, upstream } = await setup();
    assert.equal((await code('12a4', as('1234'))).status, 400);
    assert.equal((await code('12345678901234567890', as('1'))).status, 400);
    assert.equal((await code('1234', {})).status, 401);
    assert.equal((await code('1234', { Authorization: 'Bearer nonsense' })).status, 401);
    assert.equal((await code('1234', as('4321'))).status, 403);
    assert.equal(upstream.calls, 0);
  });

  it('fails closed when authorize answers something else (403) or throws (500, logged)', async () => {
    const { code, upstream, logger } = await setup({
      authorize: (request) => {
        if (request.headers.get('X-Case') === 'throw') throw new Error('session store down');
        return true as unknown as 'allow';
      },
    });
    assert.equal((await code('1', { 'X-Case': 'odd' })).status, 403);
    assert.equal((await code('1', { 'X-Case': 'throw' })).status, 500);
    assert.ok(logger.lines.some((line) => line.includes('session store down')));
    assert.equal(upstream.calls, 0);
  });

  it("answers Magicline's JSON unchanged, with no-store and Magicline's Date, having sent the API key", async () => {
    const { code, upstream } = await setup();
    upstream.clock = () => MAGICLINE_NOW;
    const sent = `{ "format": "QR_CODE",\n  "expiresAt": "2026-03-02T07:00:30Z", "content": "0049267681211943991" }`;
    upstream.answer = (_id, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', Date: new Date(MAGICLINE_NOW).toUTCString() });
      res.end(sent);
    };
    const response = await code('1234567');
    assert.equal(response.status, 200);
    assert.equal(await response.text(), sent);
    assert.equal(response.headers.get('Cache-Control'), 'no-store');
    assert.equal(response.headers.get('Content-Type'), 'application/json');
    assert.equal(response.headers.get('Date'), 'Mon, 02 Mar 2026 07:00:00 GMT');
    assert.deepEqual(upstream.keys, [MAGICLINE_KEY]);
  });

  it('answers the same code, headers and errors through relay.fetch as over HTTP, and HEAD with no body', async () => {
    const { code, upstream, relay, url } = await setup({ authorize: () => 'allow' });
    upstream.clock = () => MAGICLINE_NOW;
    const sent = '{"format":"QR_CODE","expiresAt":"2026-03-02T07:00:30Z","content":"0049267681211943991"}';
    upstream.answer = (id, res) => {
      if (id === '404') return void res.writeHead(404, { 'Content-Type': 'application/json' }).end('{}');
      res.writeHead(200, { 'Content-Type': 'application/json', Date: new Date(MAGICLINE_NOW).toUTCString() });
      res.end(sent);
    };
    const overHttp = await code('1234567');
    const direct = await relay.fetch(new Request('http://relay.test/v1/customers/1234567/access-code'));
    for (const response of [overHttp, direct]) {
      assert.equal(response.status, 200);
      assert.equal(await response.text(), sent);
      assert.equal(response.headers.get('Cache-Control'), 'no-store');
      assert.equal(response.headers.get('Content-Type'), 'application/json');
    }
    assert.equal(overHttp.headers.get('Content-Length'), String(sent.length));
    const missing = await relay.fetch(new Request('http://relay.test/v1/customers/404/access-code'));
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'customer not found' });
    for (const head of [
      await fetch(`${url}/v1/customers/1234567/access-code`, { method: 'HEAD' }),
      await relay.fetch(new Request('http://relay.test/v1/customers/1234567/access-code', { method: 'HEAD' })),
    ]) {
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
    }
  });

  it('makes one upstream call for 50 concurrent requests for one customer', async () => {
    const { code, upstream } = await setup();
    upstream.delayMs = 100;
    const responses = await Promise.all(Array.from({ length: 50 }, () => code('555')));
    const bodies = await Promise.all(responses.map((response) => response.text()));
    console.log(`# 50 concurrent requests for one customer: ${upstream.calls} upstream call(s)`);
    assert.equal(upstream.calls, 1);
    assert.deepEqual(new Set(responses.map((response) => response.status)), new Set([200]));
    assert.equal(new Set(bodies).size, 1, 'all got the same code');
  });

  it("hands a code out again while it has 10 s left on Magicline's clock, with Date advanced by its age", async () => {
    let monotonic = 0;
    const { code, upstream } = await setup({ state: createMemoryState({ monotonic: () => monotonic }) });
    upstream.clock = () => MAGICLINE_NOW;
    const first = await code('42');
    const body = await first.text();
    monotonic += 19_000; // 11 s left
    const reused = await code('42');
    assert.equal(await reused.text(), body);
    assert.equal(reused.headers.get('Date'), new Date(MAGICLINE_NOW + 19_000).toUTCString());
    assert.equal(reused.headers.get('Cache-Control'), 'no-store');
    assert.equal(upstream.calls, 1);
    monotonic += 1_500; // 9.5 s left: too little to hand out
    const fresh = await code('42');
    assert.notEqual(await fresh.text(), body);
    assert.equal(fresh.headers.get('Date'), new Date(MAGICLINE_NOW).toUTCString());
    assert.equal(upstream.calls, 2);
  });

  it('does not hand out a code again after a check-in for that customer, nor one without expiresAt', async () => {
    const { code, upstream, url } = await setup();
    const first = await (await code('0042')).text();
    assert.equal(await (await code('42')).text(), first, 'leading zeros name the same customer');
    assert.equal((await postWebhook(url, checkinBody('42'))).status, 200);
    await until(async () => (await (await code('42')).text()) !== first, 2_000, 'a new code after the check-in');
    assert.equal(upstream.calls, 2);

    upstream.answer = (_id, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"format":"QR_CODE","content":"1234567890123456789"}');
    };
    await code('77');
    await code('77');
    assert.equal(upstream.callsFor('77'), 2);
  });

  it("maps Magicline's answers: 404, 429 with Retry-After, 5xx and non-JSON to 502, 401/403 to 502 logged for the operator", async () => {
    const { code, upstream, logger } = await setup();
    const reply = (status: number, headers: Record<string, string> = {}, body = '{}') => {
      upstream.answer = (_id, res) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(body);
      };
    };
    const cases: [() => void, number, string | null][] = [
      [() => reply(404), 404, null],
      [() => reply(429, { 'Retry-After': '7' }), 429, '7'],
      [() => reply(500), 502, null],
      [() => reply(503), 502, null],
      [() => reply(200, {}, '{"format":'), 502, null],
      [() => reply(401), 502, null],
      [() => reply(403), 502, null],
    ];
    // A customer a case: 404 and 401/403 are remembered per customer, and each member has a budget of calls.
    for (const [index, [arrange, status, retryAfter]] of cases.entries()) {
      arrange();
      const response = await code(String(90 + index));
      assert.equal(response.status, status);
      assert.equal(response.headers.get('Retry-After'), retryAfter);
      assert.equal(response.headers.get('Cache-Control'), 'no-store');
    }
    const refusals = logger.lines.filter(
      (line) => line.includes('"level":"error"') && line.includes('refused the API key'),
    );
    assert.deepEqual(
      refusals.map((line) => JSON.parse(line).status),
      [401, 403],
    );
    // The operator is told which setting to check, never the key itself.
    assert.ok(!logger.lines.some((line) => line.includes(MAGICLINE_KEY)), 'no log line holds the API key');
  });

  it('answers 503 when Magicline is unreachable and 504 when it is slower than the limit', async () => {
    const { code, upstream } = await setup({ upstreamTimeoutMs: 200 });
    upstream.delayMs = 1_000;
    assert.equal((await code('9')).status, 504);
    await upstream.close();
    assert.equal((await code('10')).status, 503);
  });

  it('caps upstream calls a minute: past the cap it answers 429 with Retry-After and does not call Magicline', async () => {
    const { code, upstream } = await setup({ upstreamLimitPerMinute: 2 });
    for (;;) {
      const minute = Math.floor(Date.now() / 60_000);
      const statuses = [(await code('1')).status, (await code('2')).status];
      const refused = await code('3');
      if (Math.floor(Date.now() / 60_000) !== minute) continue; // a new minute began: measure again
      assert.deepEqual(statuses, [200, 200]);
      assert.equal(refused.status, 429);
      const retryAfter = Number(refused.headers.get('Retry-After'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.equal(upstream.callsFor('3'), 0);
      break;
    }
  });

  it('logs one line a request, without the code, the keys or the token', async () => {
    const { code, url, logger, upstream } = await setup();
    const contents: string[] = [];
    const answer = upstream.answer;
    upstream.answer = (id, res) => {
      const end = res.end.bind(res);
      res.end = ((chunk: string) => {
        contents.push(JSON.parse(chunk).content);
        return end(chunk);
      }) as typeof res.end;
      return answer(id, res);
    };
    await code('31');
    await code('32', { Authorization: 'Bearer member-secret-token' });
    await postWebhook(url, checkinBody('31'));
    await postWebhook(url, '{}', 'wrong-key-value');
    const requests = logger.lines.filter((line) => JSON.parse(line).message === 'request');
    assert.deepEqual(
      requests.map((line) => [JSON.parse(line).method, JSON.parse(line).path, JSON.parse(line).status]),
      [
        ['GET', '/v1/customers/31/access-code', 200],
        ['GET', '/v1/customers/32/access-code', 401],
        ['POST', '/webhooks/magicline', 200],
        ['POST', '/webhooks/magicline', 401],
      ],
    );
    assert.equal(contents.length, 1);
    for (const secret of [
      ...contents,
      MAGICLINE_KEY,
      WEBHOOK_KEY,
      'member-31',
      'member-secret-token',
      'wrong-key-value',
    ]) {
      assert.ok(!logger.lines.some((line) => line.includes(secret)), `a log line holds ${secret}`);
    }
  });

  it('lets allowed origins in (preflight with Authorization, Date exposed) and no others', async () => {
    const { url, code } = await setup({ allowedOrigins: ['https://app.example'] });
    const preflight = await fetch(`${url}/v1/customers/5/access-code`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('Access-Control-Allow-Origin'), 'https://app.example');
    assert.match(preflight.headers.get('Access-Control-Allow-Headers') ?? '', /Authorization/);
    assert.match(preflight.headers.get('Access-Control-Allow-Methods') ?? '', /GET/);
    const eventsPreflight = await fetch(`${url}/v1/customers/5/events`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization,last-event-id',
      },
    });
    assert.match(eventsPreflight.headers.get('Access-Control-Allow-Headers') ?? '', /Last-Event-ID/);

    const allowed = await code('5', { ...as('5'), Origin: 'https://app.example' });
    assert.equal(allowed.headers.get('Access-Control-Allow-Origin'), 'https://app.example');
    assert.equal(allowed.headers.get('Access-Control-Expose-Headers'), 'Date');
    const refused = await code('5', { Origin: 'https://app.example' });
    assert.equal(refused.status, 401);
    assert.equal(
      refused.headers.get('Access-Control-Allow-Origin'),
      'https://app.example',
      'the page can read the 401',
    );
    const stranger = await code('5', { ...as('5'), Origin: 'https://evil.example' });
    assert.equal(stranger.headers.get('Access-Control-Allow-Origin'), null);
  });
});

describe('GET /v1/customers/{id}/events', () => {
  it('authorizes like the access code: 400, 401, 403', async () => {
    const { url } = await setup();
    assert.equal((await fetch(`${url}/v1/customers/x1/events`, { headers: as('1') })).status, 400);
    assert.equal((await fetch(`${url}/v1/customers/1/events`)).status, 401);
    assert.equal((await fetch(`${url}/v1/customers/1/events`, { headers: as('2') })).status, 403);
  });

  it('streams each check-in with an id and the webhook body byte for byte, to that customer only', async () => {
    const { url, events, relay } = await setup();
    const big = '9007199254740993'; // 2^53 + 1: a JS number would end in ...992
    const mine = await events(`/v1/customers/000${big}/events`, as(big));
    const other = await events(`/v1/customers/9007199254740992/events`, as('9007199254740992'));
    assert.equal(mine.response.status, 200);
    assert.equal(mine.response.headers.get('Content-Type'), 'text/event-stream');
    assert.equal(
      mine.response.headers.get('X-Content-Type-Options'),
      'nosniff',
      'no sniffing: it would hold the replay back',
    );
    assert.equal(mine.response.headers.get('Cache-Control'), 'no-store');
    await until(() => relay.openStreams(big) === 1 && mine.text().length > 0, 2_000, 'the stream to open');
    const bodies = [
      checkinBody(big),
      `{"entityId" : ${big},"uuid":"b","payload":[{"type":"CUSTOMER_CHECKIN","timestamp":1,"content":{"x":"ä \\n"}}]}`,
    ];
    for (const body of bodies) assert.equal((await postWebhook(url, body)).status, 200);
    await until(() => mine.messages().length === 2, 2_000, 'two messages');
    assert.deepEqual(
      mine.messages().map((message) => message.data),
      bodies,
    );
    const [a, b] = mine.messages().map((message) => message.id);
    assert.match(a!, /^\d+-\d+$/);
    assert.notEqual(a, b);
    await sleep(50);
    assert.deepEqual(other.messages(), []);
  });

  it('sends a comment at the keep-alive interval, every 15 s by default', async () => {
    const { events } = await setup({ keepAliveMs: 40 });
    const stream = await events('/v1/customers/8/events', as('8'));
    await until(
      () => stream.frames().filter((frame) => frame === ': keep-alive').length >= 2,
      2_000,
      'two keep-alive comments',
    );

    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const relay = createRelay({
        magiclineBaseUrl: 'http://127.0.0.1:9',
        magiclineApiKey: 'k',
        webhookApiKey: 'w',
        authorize: () => 'allow',
        logger: recordingLogger(),
      });
      const response = await relay.fetch(new Request('http://relay.test/v1/customers/8/events'));
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      assert.equal((await reader.read()).value, readyFrame('0-0'));
      mock.timers.tick(14_999);
      const next = reader.read();
      mock.timers.tick(1);
      assert.equal((await next).value, ': keep-alive\n\n');
      await relay.close();
    } finally {
      mock.timers.reset();
    }
  });

  for (const how of ['the Last-Event-ID header', 'the lastEventId query parameter']) {
    it(`replays what came after the id in ${how} first, in order, then goes live`, async () => {
      const { url, events, relay } = await setup();
      const first = await events('/v1/customers/600/events', as('600'));
      await until(() => relay.openStreams('600') === 1, 2_000, 'the stream to open');
      const sent = [checkinBody('600'), checkinBody('601'), checkinBody('600'), checkinBody('600')];
      for (const body of sent) await postWebhook(url, body);
      await until(() => first.messages().length === 3, 2_000, 'three messages');
      first.close();
      const [one, two, three] = first.messages();

      const path = how.includes('header')
        ? '/v1/customers/600/events'
        : `/v1/customers/600/events?lastEventId=${encodeURIComponent(one!.id)}`;
      const again = await events(path, {
        ...as('600'),
        ...(how.includes('header') ? { 'Last-Event-ID': one!.id } : {}),
      });
      await until(() => again.text().includes(': connected'), 2_000, 'the replay');
      assert.ok(again.text().startsWith(`id: ${two!.id}\n`), 'the replay comes before anything else');
      assert.deepEqual(again.messages(), [two, three]);
      const live = checkinBody('600');
      await postWebhook(url, live);
      await until(() => again.messages().length === 3, 2_000, 'the live message');
      assert.equal(again.messages()[2]!.data, live);
      assert.deepEqual(
        [one, two, three].map((message) => message!.data),
        [sent[0], sent[2], sent[3]],
      );
    });
  }

  it('opens each stream with the log position as an id, so a client that saw no check-in yet can resume', async () => {
    const { url, events, relay } = await setup();
    await postWebhook(url, checkinBody('700'));
    const first = await events('/v1/customers/700/events', as('700'));
    await first.waitFor(() => first.text().includes('event: ready'), 2_000, 'the ready event');
    const ready = first.frames().find((frame) => frame.includes('event: ready'))!;
    const position = /^id: (.+)$/m.exec(ready)![1]!;
    assert.match(position, /^\d+-\d+$/);
    assert.deepEqual(first.messages(), [], 'what came before the stream is not sent');
    first.close();
    await until(() => relay.openStreams('700') === 0, 2_000, 'the relay to notice');

    // Checked in while the page was away: the reconnect with the ready event's id gets it first.
    const missed = checkinBody('700');
    await postWebhook(url, missed);
    const again = await events('/v1/customers/700/events', { ...as('700'), 'Last-Event-ID': position });
    await again.waitFor(() => again.text().includes('event: ready'), 2_000, 'the replay');
    assert.deepEqual(
      again.messages().map((message) => message.data),
      [missed],
    );
    assert.ok(again.text().startsWith('id: '), 'the replay comes before anything else');
  });

  it('lets go of a stream when its client leaves', async () => {
    const { events, relay } = await setup();
    const stream = await events('/v1/customers/4/events', as('4'));
    await until(() => relay.openStreams('4') === 1, 2_000, 'the stream to open');
    stream.close();
    await until(() => relay.openStreams('4') === 0, 2_000, 'the relay to notice');
  });

  it('ends its streams on close()', async () => {
    const { events, relay } = await setup();
    const stream = await events('/v1/customers/3/events', as('3'));
    await until(() => relay.openStreams('3') === 1, 2_000, 'the stream to open');
    assert.equal(stream.ended(), false);
    await relay.close();
    await until(() => stream.ended(), 2_000, 'the stream to end');
    assert.equal(relay.openStreams('3'), 0);
  });
});

describe('POST /webhooks/magicline', () => {
  it('wants the X-API-KEY, compared as a whole', async () => {
    const { url } = await setup();
    for (const key of ['', 'wrong', `${WEBHOOK_KEY}x`, WEBHOOK_KEY.slice(0, -1)]) {
      assert.equal((await postWebhook(url, checkinBody('1'), key)).status, 401, `key "${key}"`);
    }
    assert.equal((await postWebhook(url, checkinBody('1'))).status, 200);
  });

  it('refuses a body over 64 KiB with 413, with Content-Length and chunked without it', async () => {
    const { url } = await setup();
    const fits = `{"entityId":1,"pad":"${'x'.repeat(64 * 1024 - 23)}"}`;
    assert.equal(new TextEncoder().encode(fits).length, 64 * 1024);
    assert.equal((await postWebhook(url, fits)).status, 200);
    assert.equal((await postWebhook(url, `${fits} `)).status, 413);
    const chunks = (count: number) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < count; i++) controller.enqueue(new Uint8Array(16 * 1024).fill(32));
          controller.enqueue(new TextEncoder().encode('{}'));
          controller.close();
        },
      });
    const chunked = await postWebhook(url, chunks(5));
    assert.equal(chunked.status, 413);
    assert.equal((await postWebhook(url, chunks(3))).status, 200, 'a chunked body under the limit is read');
  });

  it('answers 400 to a body that is not JSON, 200 to JSON, relaying only check-ins', async () => {
    const { url, events, relay } = await setup();
    const stream = await events('/v1/customers/12/events', as('12'));
    await until(() => relay.openStreams('12') === 1, 2_000, 'the stream to open');
    assert.equal((await postWebhook(url, '{"entityId":12,')).status, 400);
    assert.equal((await postWebhook(url, new Uint8Array([0x7b, 0xff, 0x7d]))).status, 400);
    const other = '{"entityId":12,"uuid":"u","payload":[{"type":"CUSTOMER_UPDATED","timestamp":1}]}';
    const response = await postWebhook(url, other);
    assert.deepEqual([response.status, await response.json()], [200, { received: true }]);
    const checkin = checkinBody('12');
    await postWebhook(url, checkin);
    await until(() => stream.messages().length === 1, 2_000, 'the check-in');
    assert.deepEqual(
      stream.messages().map((message) => message.data),
      [checkin],
    );
  });

  it('answers before the check-in is relayed', async () => {
    const memory = createMemoryState();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: SharedState = Object.assign(Object.create(memory) as SharedState, {
      publish: async (key: string, body: string) => {
        await held;
        return memory.publish(key, body);
      },
    });
    const { url } = await setup({ state: slow });
    const response = await postWebhook(url, checkinBody('5'));
    assert.equal(response.status, 200);
    release();
    await memory.close();
  });
});

describe('nodeHandler', () => {
  it("mounts in a Node server like Express middleware: the app's own routes pass on, authorize sees the Node request", async () => {
    const upstream = await startUpstream();
    const relay = createRelay({
      magiclineBaseUrl: upstream.url,
      magiclineApiKey: MAGICLINE_KEY,
      webhookApiKey: WEBHOOK_KEY,
      logger: recordingLogger(),
      // As with a session middleware that ran before the relay.
      authorize: (_request, customerId, { incoming }) => {
        const member = (incoming as { member?: string } | undefined)?.member;
        if (!member) return 'unauthorized';
        return member === customerId ? 'allow' : 'forbidden';
      },
    });
    const server = createServer((req, res) => {
      (req as { member?: string }).member = req.headers['x-demo-member'] as string | undefined;
      relay.nodeHandler(req, res, () => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('the app');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cleanups.push(
      () => upstream.close(),
      () => relay.close(),
      () => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    assert.equal(await (await fetch(`${base}/members/home`)).text(), 'the app');
    assert.equal((await fetch(`${base}/v1/customers/21/access-code`)).status, 401);
    assert.equal(
      (await fetch(`${base}/v1/customers/21/access-code`, { headers: { 'X-Demo-Member': '22' } })).status,
      403,
    );
    assert.equal(
      (await fetch(`${base}/v1/customers/21/access-code`, { headers: { 'X-Demo-Member': '21' } })).status,
      200,
    );
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });
});

describe('GET /healthz', () => {
  it('answers 200 while the state is reachable', async () => {
    const { url } = await setup();
    const response = await fetch(`${url}/healthz`);
    assert.deepEqual([response.status, await response.json()], [200, { ok: true }]);
  });
});
