import { expect } from '@open-wc/testing';
import { configure, magicline, post, scan, uniqueCustomer, until } from './backend.js';

/**
 * The mock Magicline Open API (reached directly under /magicline/), its gate,
 * and the check-in webhooks it posts to the relay in front of it.
 */
describe('mock Open API', () => {
  describe('GET /v1/customers/{id}/access-code', () => {
    it('asks for the API key, as Magicline does', async () => {
      const id = uniqueCustomer();
      const response = await fetch(`/magicline/v1/customers/${id}/access-code`);
      expect(response.status).to.equal(401);
      expect(
        (await fetch(`/magicline/v1/customers/${id}/access-code`, { headers: { 'X-API-KEY': 'wrong' } })).status,
      ).to.equal(401);
    });

    it('issues a 19-digit code with expiresAt ahead, a Date header, and no caching', async () => {
      const id = uniqueCustomer();
      const response = await magicline(id);
      const body = await response.json();
      expect(response.status).to.equal(200);
      expect(body.format).to.equal('QR_CODE');
      expect(body.content).to.match(/^[1-9][0-9]{18}$/);
      const date = Date.parse(response.headers.get('Date')!);
      expect(Date.parse(body.expiresAt) - date).to.be.within(29_000, 31_000);
      expect(response.headers.get('Cache-Control')).to.equal('no-store');
    });

    it('gives each request a new code', async () => {
      const id = uniqueCustomer();
      const [a, b] = await Promise.all([1, 2].map(() => magicline(id).then((r) => r.json())));
      expect(a.content).to.not.equal(b.content);
    });

    it('plays the chosen fault for one customer only', async () => {
      const id = uniqueCustomer();
      await configure(id, { fault: 'rate-limited', retryAfterSeconds: 3 });
      const limited = await magicline(id);
      expect([limited.status, limited.headers.get('Retry-After')]).to.deep.equal([429, '3']);
      const other = await magicline(uniqueCustomer());
      expect(other.status).to.equal(200);
    });

    it('refuses bad settings', async () => {
      for (const settings of [{ fault: 'meltdown' }, { lifetimeSeconds: 0 }, { singleUse: 'yes' }]) {
        expect((await configure(uniqueCustomer(), settings)).status, JSON.stringify(settings)).to.equal(400);
      }
    });
  });

  describe('POST /gate/scan', () => {
    it('grants a fresh code once in single-use mode, then denies it as used', async () => {
      const id = uniqueCustomer();
      const { content } = await magicline(id).then((r) => r.json());
      expect(await scan(content)).to.deep.equal({ status: 200, body: { customerId: id, result: 'granted' } });
      expect(await scan(content)).to.deep.equal({ status: 403, body: { result: 'denied', reason: 'used' } });
    });

    it('reports a grant to the relay as a check-in webhook, delivered once GET /mock/webhooks answers', async () => {
      const id = uniqueCustomer();
      const { content } = await magicline(id).then((r) => r.json());
      expect((await scan(content)).status).to.equal(200);
      expect((await fetch('/mock/webhooks')).status).to.equal(200);
      // Replayed from the start of the customer's log: the relay already has it, no waiting.
      const response = await fetch(`/v1/customers/${id}/events?lastEventId=0-0`);
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      try {
        // The replay is written in one piece, but a browser may hand it over in several.
        let text = '';
        let data: string | undefined;
        while (data === undefined) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
          data = /^data: (\{.*\})\n/m.exec(text)?.[1];
        }
        expect(data && JSON.parse(data), text).to.include({ entityId: Number(id) });
        expect(JSON.parse(data!).payload[0].type).to.equal('CUSTOMER_CHECKIN');
      } finally {
        await reader.cancel();
      }
    });

    it('denies unknown and expired codes, and a malformed body', async () => {
      expect(await scan('1111111111111111111')).to.deep.equal({
        status: 403,
        body: { result: 'denied', reason: 'unknown' },
      });
      const id = uniqueCustomer();
      await configure(id, { lifetimeSeconds: 1 });
      const { content } = await magicline(id).then((r) => r.json());
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await scan(content)).to.deep.equal({ status: 403, body: { result: 'denied', reason: 'expired' } });
      expect((await post('/gate/scan', '{"content":')).status).to.equal(400);
      expect((await post('/gate/scan', { content: 42 })).status).to.equal(400);
    });
  });

  describe("the relay's POST /webhooks/magicline and event stream, fed by the gate", () => {
    const webhook = (entityId: number) => ({
      entityId,
      uuid: crypto.randomUUID(),
      payload: [{ timestamp: Date.now(), type: 'CUSTOMER_CHECKIN', content: {} }],
    });

    it("checks X-API-KEY and the body, and relays a check-in webhook (only that) to that customer's stream", async () => {
      const id = uniqueCustomer();
      const body = webhook(Number(id));
      expect((await post('/webhooks/magicline', body)).status).to.equal(401);
      expect((await post('/webhooks/magicline', body, { 'X-API-KEY': 'wrong' })).status).to.equal(401);
      expect((await post('/webhooks/magicline', 'not json', { 'X-API-KEY': 'demo-api-key' })).status).to.equal(400);

      const messages: string[] = [];
      const source = new EventSource(`/v1/customers/${id}/events`);
      source.onmessage = (event) => messages.push(event.data);
      try {
        await until(() => source.readyState === EventSource.OPEN, 5_000, 'the stream to open');
        // JSON, but no check-in: accepted, not relayed (its entityId need not be a customer).
        const other = {
          entityId: Number(id),
          uuid: crypto.randomUUID(),
          payload: [{ timestamp: Date.now(), type: 'CONTRACT_CREATED', content: {} }],
        };
        expect(await post('/webhooks/magicline', other, { 'X-API-KEY': 'demo-api-key' })).to.deep.equal({
          status: 200,
          body: { received: true },
        });
        expect(await post('/webhooks/magicline', body, { 'X-API-KEY': 'demo-api-key' })).to.deep.equal({
          status: 200,
          body: { received: true },
        });
        await until(() => messages.length > 0, 5_000, 'the relayed webhook');
        expect(messages.map((data) => JSON.parse(data))).to.deep.equal([body]);
      } finally {
        source.close();
      }
    });

    it('relays the webhook text as sent, so an int64 entityId keeps every digit', async () => {
      const id = '9007199254740993'; // 2^53 + 1: a JS number would turn it into ...992
      const text = `{"entityId":${id},"uuid":"${crypto.randomUUID()}","payload":[{"timestamp":${Date.now()},"type":"CUSTOMER_CHECKIN","content":{}}]}`;
      const messages: string[] = [];
      const source = new EventSource(`/v1/customers/${id}/events`);
      source.onmessage = (event) => messages.push(event.data);
      try {
        await until(() => source.readyState === EventSource.OPEN, 5_000, 'the stream to open');
        expect((await post('/webhooks/magicline', text, { 'X-API-KEY': 'demo-api-key' })).status).to.equal(200);
        await until(() => messages.length > 0, 5_000, 'the relayed webhook');
        expect(messages).to.deep.equal([text]);
      } finally {
        source.close();
      }
    });

    it('relays a granted scan as a check-in webhook', async () => {
      const id = uniqueCustomer();
      const messages: string[] = [];
      const source = new EventSource(`/v1/customers/${id}/events`);
      source.onmessage = (event) => messages.push(event.data);
      try {
        await until(() => source.readyState === EventSource.OPEN, 5_000, 'the stream to open');
        const { content } = await magicline(id).then((r) => r.json());
        const before = Date.now();
        await scan(content);
        await until(() => messages.length > 0, 5_000, 'the check-in');
        const relayed = JSON.parse(messages[0]!);
        expect(relayed.entityId).to.equal(Number(id));
        expect(relayed.uuid).to.match(/^[0-9a-f-]{36}$/);
        expect(relayed.payload).to.have.length(1);
        expect(relayed.payload[0].type).to.equal('CUSTOMER_CHECKIN');
        expect(relayed.payload[0].timestamp).to.be.within(before - 1_000, Date.now() + 1_000);
        expect(JSON.stringify(relayed)).to.not.include(content);
      } finally {
        source.close();
      }
    });
  });
});
