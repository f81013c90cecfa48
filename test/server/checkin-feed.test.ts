/** The relay's part of the front-desk feed: messages, names from Magicline, the 24 h window, resume. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import sinon from 'sinon';
import {
  createCheckinFeed,
  createMemoryFeedStore,
  feedFrame,
  shortName,
  type CheckinFeed,
  type FeedEntry,
} from '../../src/server/checkin-feed.js';
import type { RelayLogger } from '../../src/server/log.js';

const KEY = 'test-magicline-key';
const T = Date.parse('2026-03-02T09:30:00Z');

function webhook(entityId: string, timestamp: number, uuid: string = crypto.randomUUID()): string {
  return `{"entityId":${entityId},"uuid":"${uuid}","payload":[{"timestamp":${timestamp},"type":"CUSTOMER_CHECKIN","content":{}}]}`;
}

/** A fake Magicline answering `GET /v1/customers/{id}` from `customers`, counting its calls. */
async function startMagicline(customers: Record<string, { firstName: string; lastName: string }>) {
  const calls: { path: string; key: string | undefined }[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    calls.push({ path: req.url ?? '', key: req.headers['x-api-key'] as string | undefined });
    const id = /^\/v1\/customers\/(\d+)$/.exec(req.url ?? '')?.[1];
    const customer = id ? customers[id] : undefined;
    if (status !== 200 || !customer) {
      res.writeHead(customer ? status : 404, { 'Content-Type': 'application/json' }).end('{}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ id: Number(id), ...customer, email: 'anna@example.com' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    fail(next: number) {
      status = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Log lines as written, to check what they hold. */
function recordingLogger() {
  const lines: string[] = [];
  const write = (message: string, fields?: Record<string, unknown>) => lines.push(JSON.stringify({ message, fields }));
  const logger: RelayLogger = { info: write, warn: write, error: write };
  return { logger, lines };
}

describe('checkin feed: messages and names', () => {
  let magicline: Awaited<ReturnType<typeof startMagicline>>;
  let feed: CheckinFeed;
  const log = recordingLogger();

  beforeEach(async () => {
    magicline = await startMagicline({ '1234567': { firstName: 'Anna', lastName: 'Müller' } });
    feed = createCheckinFeed({ magiclineBaseUrl: magicline.url, magiclineApiKey: KEY, logger: log.logger });
  });

  afterEach(async () => {
    feed.close();
    await magicline.close();
  });

  it('turns a webhook into the contract’s message, with "Anna M." from Magicline', async () => {
    const heard: FeedEntry[] = [];
    feed.subscribe('berlin-mitte', (entry) => heard.push(entry));
    const entry = await feed.publish('berlin-mitte', webhook('1234567', T, 'u-1'));
    assert.equal(entry!.data, `{"customerId":"1234567","at":"2026-03-02T09:30:00.000Z","uuid":"u-1","name":"Anna M."}`);
    assert.deepEqual(heard, [entry]);
    assert.deepEqual(magicline.calls, [{ path: '/v1/customers/1234567', key: KEY }]);
    assert.match(feedFrame(entry!), /^id: \d+-\d+\ndata: \{"customerId":"1234567",.*\}\n\n$/);
  });

  it('looks the name up once for three check-ins of one customer, with two staff streams open', async () => {
    const streams: FeedEntry[][] = [[], []];
    for (const heard of streams) feed.subscribe('berlin-mitte', (entry) => heard.push(entry));
    // Two at once (one lookup between them), one after (from the cache).
    await Promise.all([
      feed.publish('berlin-mitte', webhook('1234567', T)),
      feed.publish('berlin-mitte', webhook('1234567', T + 1_000)),
    ]);
    await feed.publish('berlin-mitte', webhook('1234567', T + 60_000));
    assert.equal(magicline.calls.length, 1);
    assert.equal(feed.lookups, 1);
    for (const heard of streams) {
      assert.equal(heard.length, 3);
      for (const entry of heard) assert.equal(JSON.parse(entry.data).name, 'Anna M.');
    }
  });

  it('a failing lookup still delivers, at once and without the name, and is not repeated per check-in', async () => {
    magicline.fail(500);
    const entry = await feed.publish('berlin-mitte', webhook('1234567', T, 'u-2'));
    assert.equal(entry!.data, `{"customerId":"1234567","at":"2026-03-02T09:30:00.000Z","uuid":"u-2"}`);
    await feed.publish('berlin-mitte', webhook('1234567', T + 1_000));
    assert.equal(magicline.calls.length, 1);
  });

  it('an unknown customer, or Magicline unreachable, leaves the name out', async () => {
    const unknown = await feed.publish('berlin-mitte', webhook('42', T));
    assert.equal(JSON.parse(unknown!.data).name, undefined);
    const away = createCheckinFeed({ magiclineBaseUrl: 'http://127.0.0.1:9', magiclineApiKey: KEY });
    const entry = await away.publish('berlin-mitte', webhook('1234567', T));
    assert.equal(JSON.parse(entry!.data).name, undefined);
    away.close();
  });

  it('never writes a name or a key in a log line', async () => {
    magicline.fail(503);
    await feed.publish('berlin-mitte', webhook('1234567', T));
    assert.ok(log.lines.length > 0);
    for (const line of log.lines) {
      assert.doesNotMatch(line, /Anna|Müller|M\.|test-magicline-key/);
    }
  });

  it('ignores what is not a check-in', async () => {
    assert.equal(await feed.publish('berlin-mitte', 'not json'), null);
    assert.equal(
      await feed.publish(
        'berlin-mitte',
        '{"entityId":1,"uuid":"u","payload":[{"timestamp":1,"type":"CUSTOMER_CHECKOUT"}]}',
      ),
      null,
    );
    assert.equal(await feed.publish('berlin-mitte', '{"entityId":"x","uuid":"u","payload":[]}'), null);
    assert.equal(await feed.publish('berlin-mitte', webhook('1', T).replace('"uuid":"', '"uuid":0,"x":"')), null);
    assert.deepEqual(await feed.replay('berlin-mitte'), []);
    assert.equal(magicline.calls.length, 0);
  });
});

describe('checkin feed: a slow name lookup', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });

  afterEach(() => clock.restore());

  it('delivers without the name at 2 s; the name arrives later and comes with the next check-ins', async () => {
    let calls = 0;
    // Magicline answering after 3 s.
    const slow: typeof fetch = () => {
      calls++;
      return new Promise((resolve) =>
        setTimeout(() => resolve(Response.json({ firstName: 'Anna', lastName: 'Müller' })), 3_000),
      );
    };
    const feed = createCheckinFeed({ magiclineBaseUrl: 'http://magicline.invalid', magiclineApiKey: KEY, fetch: slow });
    const heard: FeedEntry[] = [];
    feed.subscribe('berlin-mitte', (entry) => heard.push(entry));
    void feed.publish('berlin-mitte', webhook('1234567', T));
    await clock.tickAsync(1_999);
    assert.equal(heard.length, 0, 'waits for the name up to 2 s');
    await clock.tickAsync(1);
    assert.equal(heard.length, 1, 'delivered at 2 s');
    assert.equal(JSON.parse(heard[0]!.data).name, undefined);
    // A second check-in meanwhile waits on the same lookup, which answers within its 2 s.
    void feed.publish('berlin-mitte', webhook('1234567', T + 2_500));
    await clock.tickAsync(1_000);
    assert.equal(heard.length, 2);
    assert.equal(JSON.parse(heard[1]!.data).name, 'Anna M.');
    const third = await feed.publish('berlin-mitte', webhook('1234567', T + 4_000));
    assert.equal(JSON.parse(third!.data).name, 'Anna M.');
    assert.equal(calls, 1);
    feed.close();
  });

  it('a lookup that never answers: delivered at 2 s, given up at 8 s', async () => {
    let aborted = false;
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_, reject) =>
        init!.signal!.addEventListener('abort', () => {
          aborted = true;
          reject(new DOMException('aborted', 'AbortError'));
        }),
      );
    const feed = createCheckinFeed({
      magiclineBaseUrl: 'http://magicline.invalid',
      magiclineApiKey: KEY,
      fetch: hanging,
    });
    const delivered = feed.publish('berlin-mitte', webhook('1234567', T));
    await clock.tickAsync(2_000);
    assert.equal(JSON.parse((await delivered)!.data).name, undefined);
    assert.equal(aborted, false);
    await clock.tickAsync(6_000);
    assert.equal(aborted, true);
    feed.close();
  });
});

describe('checkin feed: the 24 h window and resume', () => {
  const noName: typeof fetch = async () => new Response('{}', { status: 404 });
  let now = T;
  const make = () =>
    createCheckinFeed({
      magiclineBaseUrl: 'http://magicline.invalid',
      magiclineApiKey: KEY,
      fetch: noName,
      now: () => now,
      store: createMemoryFeedStore({ now: () => now }),
    });

  beforeEach(() => (now = T));

  it('a fresh connection gets the studio’s last 24 h, and nothing older', async () => {
    const feed = make();
    await feed.publish('berlin-mitte', webhook('1', T - 60_000, 'a'));
    now = T + 60 * 60_000;
    await feed.publish('berlin-mitte', webhook('2', now, 'b'));
    // A webhook about a check-in of the day before yesterday.
    await feed.publish('berlin-mitte', webhook('3', now - 25 * 60 * 60_000, 'c'));
    const uuids = async () => (await feed.replay('berlin-mitte')).map((entry) => JSON.parse(entry.data).uuid);
    assert.deepEqual(await uuids(), ['a', 'b']);
    now = T + 24 * 60 * 60_000 + 1_000;
    assert.deepEqual(await uuids(), ['b']);
    now = T + 25 * 60 * 60_000 + 1_000;
    assert.deepEqual(await uuids(), []);
  });

  it('resumes after an id; an id it cannot have issued, or one from the future, counts as none', async () => {
    const feed = make();
    const first = await feed.publish('berlin-mitte', webhook('1', T, 'a'));
    now += 1_000;
    await feed.publish('berlin-mitte', webhook('2', now, 'b'));
    const uuids = async (id: string) => (await feed.replay('berlin-mitte', id)).map((e) => JSON.parse(e.data).uuid);
    assert.deepEqual(await uuids(first!.id), ['b']);
    assert.deepEqual(await uuids('garbage'), ['a', 'b']);
    assert.deepEqual(await uuids(`${now + 60_000}-0`), ['a', 'b']);
  });

  it('keeps studios apart', async () => {
    const feed = make();
    const heard: string[] = [];
    feed.subscribe('hamburg', (entry) => heard.push(entry.data));
    await feed.publish('berlin-mitte', webhook('1', T, 'a'));
    assert.deepEqual(heard, []);
    assert.deepEqual(await feed.replay('hamburg'), []);
    assert.equal((await feed.replay('berlin-mitte')).length, 1);
  });
});

describe('shortName', () => {
  it('is the first name and the last initial', () => {
    assert.equal(shortName('Anna', 'Müller'), 'Anna M.');
    assert.equal(shortName(' Anna  Lena ', 'von Bergen'), 'Anna Lena V.');
    assert.equal(shortName('Özil', 'ökan'), 'Özil Ö.');
    assert.equal(shortName('Anna', ''), 'Anna');
    assert.equal(shortName('', 'Müller'), null);
    assert.equal(shortName(undefined, undefined), null);
    assert.equal(shortName(42, 'x'), null);
  });
});
