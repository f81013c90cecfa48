/**
 * What one member, one client or one odd request may cost the relay
 * (CONTRACT.md, "Limits"): over real HTTP, against a fake Magicline.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { createMemoryState, createRelay, type RelayOptions } from '../../src/server/index.js';
import {
  checkinBody,
  MAGICLINE_KEY,
  postWebhook,
  recordingLogger,
  sleep,
  until,
  WEBHOOK_KEY,
  type EventReader,
  asMember,
  cleanupsAfterEach,
  startRelay,
} from './helpers.js';

const cleanups = cleanupsAfterEach();
const setup = (options: Partial<RelayOptions> = {}) => startRelay(cleanups, options);
const as = asMember;

/** A client that sends its request and then never reads a byte of the answer. */
function stalledClient(port: number, path: string, headers: Record<string, string>): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.pause();
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines.join('')}\r\n`);
  cleanups.push(() => void socket.destroy());
  return socket;
}

/** A check-in webhook of about `size` bytes. */
function bigCheckin(id: string, size: number): string {
  return checkinBody(id).replace('"content":{}', `"content":{"pad":"${'x'.repeat(size)}"}`);
}

const LIMIT = 256 * 1024;

describe('HEAD on the events route', () => {
  it('answers the headers and holds nothing: no open stream, no copy of a check-in', async () => {
    const { url, relay } = await setup();
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${url}/v1/customers/5/events`, { method: 'HEAD', headers: as('5') });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('Content-Type'), 'text/event-stream');
    }
    assert.equal(relay.openStreams('5'), 0);
    await postWebhook(url, checkinBody('5'));
    await sleep(50);
    assert.deepEqual(relay.streamStats(), { open: 0, bufferedBytes: 0, delivered: 0 });
  });
});

describe('the upstream budget of one member', () => {
  it("a member's 404 storm costs at most its budget of upstream calls, and another member is still served", async () => {
    const { code, upstream } = await setup();
    upstream.answer = (id, res) => {
      if (id === '404') void res.writeHead(404, { 'Content-Type': 'application/json' }).end('{}');
      else void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"content":"1","format":"QR_CODE"}');
    };
    const statuses = new Set<number>();
    for (let i = 0; i < 100; i++) statuses.add((await code('404')).status);
    assert.ok(upstream.callsFor('404') <= 6, `${upstream.callsFor('404')} upstream calls`);
    assert.deepEqual([...statuses].sort(), [404]);
    assert.equal((await code('777')).status, 200);
    assert.equal(upstream.callsFor('777'), 1);
  });

  it('past MEMBER_UPSTREAM_LIMIT_PER_MINUTE calls a minute: 429 with Retry-After, no upstream call; others unaffected', async () => {
    let now = Date.parse('2026-03-02T07:00:00Z');
    const { code, upstream } = await setup({
      memberUpstreamLimitPerMinute: 3,
      state: createMemoryState({ now: () => now }),
    });
    // Codes too short-lived to hand out twice: every request would need a call.
    upstream.lifetimeMs = 5_000;
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 5; i++) {
      const response = await code('31');
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assert.equal(upstream.callsFor('31'), 3);
    const retryAfter = Number(refused!.headers.get('Retry-After'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal((await code('32')).status, 200, 'another member has budget of its own');
    now += 60_000;
    assert.equal((await code('31')).status, 200, 'a new minute, a new budget');
    assert.equal(upstream.callsFor('31'), 4);
  });

  it('remembers a 404 or a 401/403 of Magicline for 30 s per customer', async () => {
    let now = Date.parse('2026-03-02T07:00:00Z');
    const { code, upstream } = await setup({ state: createMemoryState({ now: () => now }) });
    let status = 404;
    upstream.answer = (_id, res) => void res.writeHead(status, { 'Content-Type': 'application/json' }).end('{}');
    assert.equal((await code('41')).status, 404);
    now += 29_000;
    assert.equal((await code('41')).status, 404);
    assert.equal(upstream.callsFor('41'), 1);
    now += 2_000;
    status = 403;
    assert.equal((await code('41')).status, 502);
    assert.equal((await code('41')).status, 502);
    assert.equal(upstream.callsFor('41'), 2);
    assert.equal((await code('42')).status, 502, 'per customer');
    assert.equal(upstream.callsFor('42'), 1);
  });
});

describe('stream caps', () => {
  it("a customer's 6th stream on an instance ends the oldest", async () => {
    const { events, relay } = await setup();
    const streams: EventReader[] = [];
    for (let i = 0; i < 5; i++) {
      const stream = await events('/v1/customers/9/events', as('9'));
      await stream.waitFor(() => stream.text().includes('event: ready'), 2_000, 'the ready event');
      streams.push(stream);
    }
    assert.equal(relay.openStreams('9'), 5);
    const sixth = await events('/v1/customers/9/events', as('9'));
    await sixth.waitFor(() => sixth.text().includes('event: ready'), 2_000, 'the ready event');
    await until(() => streams[0]!.ended(), 2_000, 'the oldest to end');
    assert.equal(relay.openStreams('9'), 5);
    assert.deepEqual(
      streams.slice(1).map((stream) => stream.ended()),
      [false, false, false, false],
    );
  });

  it("on a full instance a customer's 6th stream still takes the place of their oldest; another's gets 503", async () => {
    const { events, relay, url } = await setup({ maxStreams: 5 });
    const streams: EventReader[] = [];
    for (let i = 0; i < 5; i++) {
      const stream = await events('/v1/customers/9/events', as('9'));
      await stream.waitFor(() => stream.text().includes('event: ready'), 2_000, 'the ready event');
      streams.push(stream);
    }
    assert.equal((await fetch(`${url}/v1/customers/10/events`, { headers: as('10') })).status, 503);
    const sixth = await events('/v1/customers/9/events', as('9'));
    assert.equal(sixth.response.status, 200);
    await sixth.waitFor(() => sixth.text().includes('event: ready'), 2_000, 'the ready event');
    await until(() => streams[0]!.ended(), 2_000, 'the oldest to end');
    assert.equal(relay.streamStats().open, 5);
  });

  it('past MAX_STREAMS on an instance a new stream gets 503 with Retry-After, and a place freed is taken again', async () => {
    const { events, relay, url } = await setup({ maxStreams: 3 });
    const open = [];
    for (const id of ['1', '2', '3']) open.push(await events(`/v1/customers/${id}/events`, as(id)));
    await until(() => relay.streamStats().open === 3, 2_000, 'three streams');
    const refused = await fetch(`${url}/v1/customers/4/events`, { headers: as('4') });
    assert.equal(refused.status, 503);
    assert.ok(Number(refused.headers.get('Retry-After')) >= 1);
    open[0]!.close();
    await until(() => relay.streamStats().open === 2, 2_000, 'the relay to notice');
    const admitted = await events('/v1/customers/4/events', as('4'));
    assert.equal(admitted.response.status, 200);
  });
});

describe('slow readers', () => {
  it('a reader that never reads is ended past 256 KiB unsent, and further check-ins cost it nothing', async () => {
    const { url, port, relay } = await setup();
    const socket = stalledClient(port, '/v1/customers/66/events', as('66'));
    let closed = false;
    socket.once('close', () => (closed = true));
    await until(() => relay.openStreams('66') === 1, 2_000, 'the stream to open');
    let posted = 0;
    let mostBuffered = 0;
    // 60 KB check-ins: the socket's buffers take some, then the relay's bound must end the stream.
    while (relay.openStreams('66') === 1 && posted < 300) {
      assert.equal((await postWebhook(url, bigCheckin('66', 60_000))).status, 200);
      posted++;
      await sleep(5);
      if (relay.openStreams('66')) mostBuffered = Math.max(mostBuffered, relay.streamStats().bufferedBytes);
    }
    assert.equal(relay.openStreams('66'), 0, `still open after ${posted} check-ins of 60 KB`);
    console.log(
      `# a reader that never reads: ended at check-in ${posted} of 60 KB, ${mostBuffered} bytes held at most`,
    );
    assert.ok(mostBuffered <= LIMIT, `${mostBuffered} bytes waited for one reader`);
    // Read at last: what reached the socket before the cut arrives, then the connection ends.
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.resume();
    await until(() => closed, 2_000, 'the connection to be cut');
    for (let i = 0; i < 20; i++) await postWebhook(url, bigCheckin('66', 60_000));
    await sleep(50);
    assert.equal(relay.streamStats().bufferedBytes, 0);
    assert.equal(relay.streamStats().open, 0);
  });

  it('a replay is written in pieces within the same bound, and a reader that reads gets all of it', async () => {
    const { url, port, relay } = await setup();
    const bodies: string[] = [];
    for (let i = 0; i < 40; i++) {
      bodies.push(bigCheckin('67', 60_000));
      await postWebhook(url, bodies.at(-1)!);
    }
    await sleep(50);
    const socket = stalledClient(port, '/v1/customers/67/events?lastEventId=0-0', as('67'));
    await until(() => relay.openStreams('67') === 1, 2_000, 'the stream to open');
    await sleep(200);
    assert.ok(relay.streamStats().bufferedBytes <= LIMIT, `${relay.streamStats().bufferedBytes} bytes held at once`);
    assert.equal(relay.openStreams('67'), 1, 'a replay is not a slow reader');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.resume();
    await until(() => received.includes('event: ready'), 5_000, 'the whole replay');
    for (const body of bodies) assert.ok(received.includes(`data: ${body}\n`));
    assert.ok(received.indexOf(`data: ${bodies[39]}`) < received.indexOf('event: ready'), 'the replay comes first');
  });
  it('a replay comes in pieces of one check-in each, as the reader takes them', async () => {
    const state = createMemoryState();
    const relay = createRelay({
      magiclineBaseUrl: 'http://127.0.0.1:9',
      magiclineApiKey: 'k',
      webhookApiKey: WEBHOOK_KEY,
      authorize: () => 'allow',
      logger: recordingLogger(),
      state,
    });
    cleanups.push(
      () => relay.close(),
      () => state.close(),
    );
    for (let i = 0; i < 20; i++) await state.publish('68', bigCheckin('68', 60_000));
    const response = await relay.fetch(new Request('http://relay.test/v1/customers/68/events?lastEventId=0-0'));
    const reader = response.body!.getReader();
    const pieces: number[] = [];
    for (;;) {
      const { value } = await reader.read();
      pieces.push(value!.byteLength);
      if (new TextDecoder().decode(value).includes('event: ready')) break;
    }
    await reader.cancel();
    assert.equal(pieces.length, 21, 'twenty check-ins, then the ready event');
    assert.ok(Math.max(...pieces) < 64 * 1024, `the largest piece: ${Math.max(...pieces)} bytes`);
  });
});

describe('ids from clients', () => {
  for (const [what, id] of [
    ['a future', '9999999999999-0'],
    ['a malformed', 'abc-1'],
    ['an overlong', '1'.repeat(30) + '-0'],
  ] as const) {
    it(`${what} Last-Event-ID counts as absent: the log's real position, then every live check-in`, async () => {
      const { url, events, relay } = await setup();
      const earlier = (await (await postWebhook(url, checkinBody('88'))).json()) as unknown;
      assert.deepEqual(earlier, { received: true });
      const stream = await events('/v1/customers/88/events', { ...as('88'), 'Last-Event-ID': id });
      await stream.waitFor(() => stream.text().includes('event: ready'), 2_000, 'the ready event');
      const ready = /id: (.+)\nevent: ready/.exec(stream.text())![1]!;
      assert.notEqual(ready, id);
      assert.match(ready, /^\d{13}-\d+$/);
      assert.deepEqual(stream.messages(), [], 'nothing replayed it cannot vouch for');
      assert.equal(relay.openStreams('88'), 1);
      const live = [checkinBody('88'), checkinBody('88')];
      for (const body of live) await postWebhook(url, body);
      await stream.waitFor(() => stream.messages().length === 2, 2_000, 'both live check-ins');
      assert.deepEqual(
        stream.messages().map((message) => message.data),
        live,
      );
    });
  }

  it('in memory, ids keep rising when the clock steps back, so a client that resumes still hears', async () => {
    let now = Date.parse('2026-03-02T07:00:00Z');
    const { url, events } = await setup({ state: createMemoryState({ now: () => now }) });
    const first = await events('/v1/customers/89/events', as('89'));
    await postWebhook(url, checkinBody('89'));
    await first.waitFor(() => first.messages().length === 1, 2_000, 'the first check-in');
    first.close();
    now -= 60_000;
    const again = await events('/v1/customers/89/events', { ...as('89'), 'Last-Event-ID': first.messages()[0]!.id });
    await again.waitFor(() => again.text().includes('event: ready'), 2_000, 'the ready event');
    const live = checkinBody('89');
    await postWebhook(url, live);
    await again.waitFor(() => again.messages().length === 1, 2_000, 'the check-in after the step back');
    assert.equal(again.messages()[0]!.data, live);
  });
});

describe('token expiry', () => {
  it('ends a stream when the expiry authorize gave passes; a plain allow keeps it open', async () => {
    const expiresAt = Date.now() + 400;
    const { events, url, relay } = await setup({
      authorize: (request) =>
        request.headers.get('Authorization') === 'Bearer short' ? { allow: true, expiresAt } : 'allow',
    });
    const short = await events('/v1/customers/55/events', { Authorization: 'Bearer short' });
    const plain = await events('/v1/customers/55/events', { Authorization: 'Bearer plain' });
    await short.waitFor(() => short.text().includes('event: ready'), 2_000, 'the ready event');
    await plain.waitFor(() => plain.text().includes('event: ready'), 2_000, 'the ready event');
    await until(() => short.ended(), 3_000, 'the stream to end with its token');
    assert.ok(Date.now() >= expiresAt);
    await postWebhook(url, checkinBody('55'));
    await plain.waitFor(() => plain.messages().length === 1, 2_000, 'the check-in on the other stream');
    assert.deepEqual(short.messages(), []);
    assert.equal(relay.openStreams('55'), 1);
  });
});

describe('webhook parsing', () => {
  it('wants entityId as a JSON integer: a string, a float or digits with letters are 400 and relay nothing', async () => {
    const { url, events, relay } = await setup();
    const stream = await events('/v1/customers/1234567/events', as('1234567'));
    await until(() => relay.openStreams('1234567') === 1, 2_000, 'the stream to open');
    for (const entityId of ['"1234567abc"', '"1234567"', '1234567.0', '1234567e0', '-1234567', '9223372036854775808']) {
      const body = checkinBody(entityId);
      assert.equal((await postWebhook(url, body)).status, 400, entityId);
    }
    const good = checkinBody('1234567');
    assert.equal((await postWebhook(url, good)).status, 200);
    await stream.waitFor(() => stream.messages().length === 1, 2_000, 'the good check-in');
    assert.deepEqual(
      stream.messages().map((message) => message.data),
      [good],
    );
  });

  it('refuses duplicate keys at the top level with 400 (nested ones are the payload’s business)', async () => {
    const { url } = await setup();
    const dup = `{"entityId":1,"uuid":"u","entityId":2,"payload":[{"type":"CUSTOMER_CHECKIN","timestamp":1}]}`;
    assert.equal((await postWebhook(url, dup)).status, 400);
    const escaped = `{"entityId":1,"uuid":"u","entity\\u0049d":2,"payload":[]}`;
    assert.equal((await postWebhook(url, escaped)).status, 400, 'the same key, escaped');
    const nested = `{"entityId":1,"uuid":"u","payload":[{"type":"CUSTOMER_CHECKIN","timestamp":1,"x":1,"x":2}]}`;
    assert.equal((await postWebhook(url, nested)).status, 200);
  });

  it('answers 408 to a webhook body that does not arrive within the limit (10 s by default)', async () => {
    const { url } = await setup({ webhookBodyTimeoutMs: 300 });
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const trickle = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode('{"entityId":1,'));
        await stopped;
        controller.close();
      },
    });
    cleanups.push(stop);
    const answered = await fetch(`${url}/webhooks/magicline`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-KEY': WEBHOOK_KEY },
      body: trickle,
      duplex: 'half',
      signal: AbortSignal.timeout(3_000),
    } as RequestInit).then(
      (response) => response.status,
      () => 'no answer within 3 s',
    );
    assert.equal(answered, 408);
  });
});

describe('secrets in logs', () => {
  it('refuses a Magicline URL with user-info without echoing it', () => {
    assert.throws(
      () =>
        createRelay({
          magiclineBaseUrl: 'https://partner:hunter2-secret@mystudio.open-api.magicline.com',
          magiclineApiKey: 'k',
          webhookApiKey: 'w',
          authorize: () => 'allow',
        }),
      (error: Error) => error instanceof TypeError && !error.message.includes('hunter2-secret'),
    );
  });

  it('logs no user-info of a URL in an error', async () => {
    const { code, upstream, logger } = await setup();
    upstream.answer = (_id, res) => void res.destroy();
    const relay = createRelay({
      magiclineBaseUrl: upstream.url,
      magiclineApiKey: MAGICLINE_KEY,
      webhookApiKey: WEBHOOK_KEY,
      authorize: () => 'allow',
      logger,
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: new Error('connect to https://partner:hunter2-secret@x failed') });
      },
    });
    cleanups.push(() => relay.close());
    assert.equal((await relay.fetch(new Request('http://relay.test/v1/customers/1/access-code'))).status, 503);
    await code('2');
    assert.ok(logger.lines.some((line) => line.includes('Magicline unreachable')));
    assert.ok(!logger.lines.some((line) => line.includes('hunter2-secret')), logger.lines.join('\n'));
  });
});
