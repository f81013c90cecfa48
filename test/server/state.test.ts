/**
 * The shared state's one test suite, run against the in-memory state and
 * against Redis (a real redis-server): both must behave the same.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemoryState, createRedisState, type CheckinMessage, type SharedState } from '../../src/server/index.js';
import { compareEventIds } from '../../src/server/state.js';
import { sleep, startRedis, until, type RedisServer } from './helpers.js';

interface Backend {
  /** A handle on the store; with Redis each call is a new connection, as another instance would have. */
  connect(): Promise<SharedState>;
  close(): Promise<void>;
}

function sharedStateSuite(name: string, backend: () => Promise<Backend>) {
  describe(`shared state: ${name}`, () => {
    let store: Backend;
    const handles: SharedState[] = [];
    const connect = async () => {
      const state = await store.connect();
      handles.push(state);
      return state;
    };
    before(async () => {
      store = await backend();
    });
    after(async () => {
      await Promise.all(handles.map((state) => state.close()));
      await store.close();
    });

    it('delivers a published body, byte for byte, to every subscriber with an id', async () => {
      const [a, b] = [await connect(), await connect()];
      const seenA: CheckinMessage[] = [];
      const seenB: CheckinMessage[] = [];
      a.subscribe((message) => seenA.push(message));
      const stop = b.subscribe((message) => seenB.push(message));
      const body = '{"entityId":9007199254740993, "uuid":"ü\\u0000","payload":[]}\n';
      const id = await a.publish('9007199254740993', body);
      await until(() => seenA.length === 1 && seenB.length === 1, 2_000, 'delivery to both');
      assert.deepEqual(seenA, [{ id, customerKey: '9007199254740993', body }]);
      assert.deepEqual(seenB, seenA);
      stop();
      await a.publish('9007199254740993', '{}');
      await until(() => seenA.length === 2, 2_000, 'the second delivery');
      await sleep(50);
      assert.equal(seenB.length, 1, 'no delivery after unsubscribing');
    });

    it('hands out ids that order messages across handles', async () => {
      const [a, b] = [await connect(), await connect()];
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push((await (i % 2 ? a : b).publish('77', `{"n":${i}}`))!);
      assert.deepEqual([...ids].sort(compareEventIds), ids);
      assert.equal(new Set(ids).size, ids.length);
    });

    it("replays a customer's messages after an id, in order, and nothing else", async () => {
      const [a, b] = [await connect(), await connect()];
      const first = (await a.publish('4242', '{"n":1}'))!;
      await b.publish('1111', '{"other":true}');
      const second = (await b.publish('4242', '{"n":2}'))!;
      const third = (await a.publish('4242', '{"n":3}'))!;
      assert.deepEqual(await b.replay('4242', first), [
        { id: second, customerKey: '4242', body: '{"n":2}' },
        { id: third, customerKey: '4242', body: '{"n":3}' },
      ]);
      assert.deepEqual(await a.replay('4242', third), []);
      assert.deepEqual(
        (await a.replay('4242', '0-0')).map((message) => message.body),
        ['{"n":1}', '{"n":2}', '{"n":3}'],
      );
      assert.deepEqual(await a.replay('4242', 'not-an-id'), []);
      assert.deepEqual(await a.replay('5555', '0-0'), []);
    });

    it("tells where a customer's log stands: its newest id, or 0-0", async () => {
      const [a, b] = [await connect(), await connect()];
      assert.equal(await a.lastId('8484'), '0-0');
      await a.publish('8484', '{"n":1}');
      const second = (await b.publish('8484', '{"n":2}'))!;
      await b.publish('9494', '{"other":true}');
      assert.equal(await a.lastId('8484'), second);
      assert.equal(await b.lastId('8484'), second);
      assert.deepEqual(await a.replay('8484', await a.lastId('8484')), []);
    });

    it('keeps a code for its time to live, with its age, until dropped', async () => {
      const [a, b] = [await connect(), await connect()];
      const entry = { body: '{"content":"1"}', expiresAtMs: 1_700_000_030_000, upstreamDateMs: 1_700_000_000_000 };
      assert.equal(await a.getCode('31'), null);
      await a.putCode('31', entry, 5_000);
      await sleep(60);
      const cached = await b.getCode('31');
      assert.ok(cached);
      assert.deepEqual({ ...cached, ageMs: 0 }, { ...entry, ageMs: 0 });
      assert.ok(cached.ageMs >= 50 && cached.ageMs < 5_000, `age ${cached.ageMs}`);
      await b.dropCode('31');
      assert.equal(await a.getCode('31'), null);

      await a.putCode('32', entry, 100);
      await sleep(150);
      assert.equal(await b.getCode('32'), null, 'gone after its time to live');
    });

    it('counts upstream calls against one limit for all handles', async () => {
      const [a, b] = [await connect(), await connect()];
      const minute = () => Math.floor(Date.now() / 60_000);
      // The count starts afresh each minute: run again if a minute boundary fell inside.
      for (;;) {
        const started = minute();
        const taken = [await a.takeUpstreamSlot(3), await b.takeUpstreamSlot(3), await a.takeUpstreamSlot(3)];
        const refused = await b.takeUpstreamSlot(3);
        const roomy = await a.takeUpstreamSlot(1_000);
        if (minute() !== started) continue;
        if (taken.every((answer) => answer.ok) === false) {
          // An earlier run in this minute took slots: the fourth must be refused all the same.
          assert.equal(refused.ok, false);
        } else assert.deepEqual(taken, [{ ok: true }, { ok: true }, { ok: true }]);
        assert.equal(refused.ok, false, 'the fourth call in a minute is refused');
        if (!refused.ok)
          assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 60_000, `retry after ${refused.retryAfterMs}`);
        assert.deepEqual(roomy, { ok: true }, 'a higher limit still has room');
        break;
      }
    });

    it("counts each bucket (a studio's key) apart, shared by all handles", async () => {
      const [a, b] = [await connect(), await connect()];
      const bucket = `studio-${crypto.randomUUID()}`;
      const minute = () => Math.floor(Date.now() / 60_000);
      for (;;) {
        const started = minute();
        const taken = [await a.takeUpstreamSlot(2, bucket), await b.takeUpstreamSlot(2, bucket)];
        const refused = await a.takeUpstreamSlot(2, bucket);
        const other = await b.takeUpstreamSlot(2, `${bucket}-other`);
        if (minute() !== started) continue;
        assert.deepEqual(taken, [{ ok: true }, { ok: true }]);
        assert.equal(refused.ok, false, "the bucket's third call in a minute is refused");
        assert.deepEqual(other, { ok: true }, 'another bucket still has room');
        break;
      }
    });

    it("counts a member's upstream calls in a minute of its own, for all handles", async () => {
      const [a, b] = [await connect(), await connect()];
      const member = `m${Math.random()}`;
      const taken = [await a.takeMemberSlot(member, 2), await b.takeMemberSlot(member, 2)];
      assert.deepEqual(taken, [{ ok: true }, { ok: true }]);
      const refused = await a.takeMemberSlot(member, 2);
      assert.equal(refused.ok, false);
      if (!refused.ok)
        assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 60_000, `retry after ${refused.retryAfterMs}`);
      assert.deepEqual(await b.takeMemberSlot(`${member}-other`, 2), { ok: true }, 'another member has its own');
    });

    it('remembers an upstream answer for a customer for its time to live, for all handles', async () => {
      const [a, b] = [await connect(), await connect()];
      const customer = String(Math.floor(Math.random() * 1e9));
      assert.equal(await a.rememberedUpstreamStatus(customer), null);
      await a.rememberUpstreamStatus(customer, 404, 5_000);
      assert.equal(await b.rememberedUpstreamStatus(customer), 404);
      assert.equal(await b.rememberedUpstreamStatus(`${customer}1`), null);
      await b.rememberUpstreamStatus(`${customer}2`, 403, 100);
      await sleep(150);
      assert.equal(await a.rememberedUpstreamStatus(`${customer}2`), null, 'gone after its time to live');
    });

    it('answers ping and says it is available', async () => {
      const state = await connect();
      assert.equal(await state.ping(), true);
      assert.equal(state.available, true);
    });
  });
}

sharedStateSuite('memory', async () => {
  const state = createMemoryState();
  return { connect: async () => ({ ...state, close: async () => {} }) as SharedState, close: () => state.close() };
});

sharedStateSuite('redis', async () => {
  const redis: RedisServer = await startRedis();
  const keyPrefix = `test-${process.pid}-${Date.now()}:`;
  return {
    async connect() {
      const state = createRedisState({ url: redis.url, keyPrefix });
      await until(() => state.available, 5_000, 'redis to be available');
      return state;
    },
    close: () => redis.close(),
  };
});
