import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import type { GymAccessQr } from '../src/index.js';
import {
  eventStreamResponse,
  freshCode,
  mount,
  qrPathOf,
  record,
  setVisibility,
  visibleText,
  type FetchCall,
  fakeClockAndFetch,
} from './helpers.js';

const CUSTOMER = '1234567';
const ENDPOINT = '/api/customers/{customerId}/access-code';
const EVENTS = '/api/customers/{customerId}/events';

function checkin(timestamp: number, over: Record<string, unknown> = {}) {
  return {
    entityId: Number(CUSTOMER),
    uuid: crypto.randomUUID(),
    payload: [{ timestamp, type: 'CUSTOMER_CHECKIN', content: {} }],
    ...over,
  };
}

/** An SSE message as a backend writes it: optional `id:`, the webhook body as `data:`. */
function message(body: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}data: ${typeof body === 'string' ? body : JSON.stringify(body)}\n\n`;
}

describe('<gym-access-qr> check-ins', () => {
  const { clock, net, settle } = fakeClockAndFetch();
  let el: GymAccessQr | undefined;
  /** The bodies the test is writing, by the stream request they answer. */
  let bodies: Map<FetchCall, ReturnType<typeof eventStreamResponse>>;

  const isStream = (call: FetchCall) => new URL(call.url).pathname.endsWith('/events');
  const codeRequests = () => net.calls.filter((call) => !isStream(call));
  const streamRequests = () => net.calls.filter(isStream);
  /** Stream requests the element has not given up: still connecting, or reading a body. */
  const openStreams = () => streamRequests().filter((call) => !call.aborted() && bodies.get(call)?.open !== false);
  const lastCodeRequest = () => codeRequests().at(-1)!;
  const lastStreamRequest = () => streamRequests().at(-1)!;

  /** Answers a stream request with a body the test writes; `first` is written at once (a replay). */
  async function answer(call: FetchCall, first = '') {
    const body = eventStreamResponse();
    bodies.set(call, body);
    if (first) body.write(first);
    await call.respond(body.response);
    return body;
  }

  async function write(body: ReturnType<typeof eventStreamResponse>, text: string) {
    body.write(text);
    await settle();
  }

  /** The element with a code on screen and its event stream answered. */
  async function showing(attributes: Record<string, string> = {}) {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT, 'events-endpoint': EVENTS, ...attributes });
    await settle();
    await lastCodeRequest().respond(freshCode('0049267681211943991'));
    const stream = await answer(lastStreamRequest(), ': connected\n\n');
    return { el, stream };
  }

  beforeEach(() => {
    bodies = new Map();
  });

  describe('invalidate()', () => {
    it('hides the code at once, fires invalidated with reason manual, and cancels the scheduled refresh', async () => {
      const { el } = await showing();
      const events = record(el, 'gym-access-qr-invalidated');
      el.invalidate();
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(null);
      expect(el.state).to.equal('invalidated');
      expect(events.map((e) => e.detail)).to.deep.equal([{ reason: 'manual', at: new Date().toISOString() }]);
      expect(events[0]!.bubbles && events[0]!.composed).to.equal(true);
      await clock.tickAsync(120_000);
      expect(codeRequests()).to.have.length(1);
      expect(visibleText(el)).to.equal('This code is no longer valid. Show a new code');
    });

    it('passes a given reason on', async () => {
      const { el } = await showing();
      const events = record(el, 'gym-access-qr-invalidated');
      el.invalidate('revoked-by-staff');
      await el.updateComplete;
      expect(events[0]!.detail.reason).to.equal('revoked-by-staff');
    });

    it('prompt: the button fetches a new code, and the state stays invalidated until it arrives', async () => {
      const { el } = await showing();
      el.invalidate();
      await el.updateComplete;
      el.shadowRoot!.querySelector('button')!.click();
      await settle();
      expect(codeRequests()).to.have.length(2);
      expect(el.state).to.equal('invalidated');
      expect(el.shadowRoot!.querySelector('button') === null, 'no button while loading').to.equal(true);
      await lastCodeRequest().respond(freshCode('0049267681211943992'));
      expect(el.state).to.equal('active');
      expect(qrPathOf(el)).to.not.equal(null);
    });

    it('refresh: fetches a new code at once, keeping the confirmation on screen meanwhile', async () => {
      const { el } = await showing({ 'after-checkin': 'refresh' });
      el.invalidate();
      await settle();
      expect(codeRequests()).to.have.length(2);
      expect(visibleText(el)).to.equal('This code is no longer valid.');
      await lastCodeRequest().respond(freshCode('0049267681211943992'));
      expect(el.state).to.equal('active');
    });

    it('prompt: a failed refresh is retried by itself', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      const { el } = await showing();
      el.invalidate();
      await el.updateComplete;
      void el.refresh();
      await settle();
      await lastCodeRequest().fail();
      expect(el.state).to.equal('invalidated');
      await clock.tickAsync(500);
      expect(codeRequests()).to.have.length(3);
    });
  });

  describe('events-endpoint', () => {
    it('reads the templated stream with fetch: event-stream, credentials mode, no cache', async () => {
      await showing();
      const request = lastStreamRequest();
      expect(request.url).to.equal(new URL(`/api/customers/${CUSTOMER}/events`, document.baseURI).href);
      expect(new Headers(request.init.headers).get('Accept')).to.equal('text/event-stream');
      expect([request.init.credentials, request.init.cache]).to.deep.equal(['same-origin', 'no-store']);
      el!.credentials = 'include';
      await settle();
      expect(request.aborted()).to.equal(true);
      expect(openStreams().map((call) => call.init.credentials)).to.deep.equal(['include']);
    });

    it('sends requestHeaders on the stream too, resolved again for each connection', async () => {
      let token = 'first-token';
      sinon.stub(Math, 'random').returns(0.5);
      el = document.createElement('gym-access-qr');
      el.requestHeaders = async () => ({ Authorization: `Bearer ${token}` });
      el.setAttribute('customer-id', CUSTOMER);
      el.setAttribute('token-endpoint', ENDPOINT);
      el.setAttribute('events-endpoint', EVENTS);
      document.body.append(el);
      await settle();
      expect(new Headers(lastStreamRequest().init.headers).get('Authorization')).to.equal('Bearer first-token');
      expect(new Headers(lastCodeRequest().init.headers).get('Authorization')).to.equal('Bearer first-token');
      token = 'second-token';
      const stream = await answer(lastStreamRequest());
      stream.end();
      await settle();
      await clock.tickAsync(500);
      expect(streamRequests()).to.have.length(2);
      expect(new Headers(lastStreamRequest().init.headers).get('Authorization')).to.equal('Bearer second-token');
    });

    it('invalidates on a check-in of this customer, with reason checkin and its time', async () => {
      const { el, stream } = await showing();
      const events = record(el, 'gym-access-qr-invalidated');
      const at = Date.now() + 2_000;
      await clock.tickAsync(2_000);
      await write(stream, message(checkin(at), '1'));
      expect(qrPathOf(el)).to.equal(null);
      expect(events.map((e) => e.detail)).to.deep.equal([{ reason: 'checkin', at: new Date(at).toISOString() }]);
      expect(visibleText(el)).to.equal('You are checked in. Enjoy your workout! Show a new code');
    });

    it('reads a message split across chunks, and one in several data lines', async () => {
      const { el, stream } = await showing();
      const text = message(checkin(Date.now()), '1');
      await write(stream, text.slice(0, 25));
      expect(el.state).to.equal('active');
      await write(stream, text.slice(25));
      expect(el.state).to.equal('invalidated');
    });

    it('after-checkin="refresh" fetches the next code at once', async () => {
      const { el, stream } = await showing({ 'after-checkin': 'refresh' });
      await write(stream, message(checkin(Date.now())));
      expect(codeRequests()).to.have.length(2);
      expect(visibleText(el)).to.equal('You are checked in. Enjoy your workout!');
    });

    it('accepts a check-in up to 5 s older than the code (server clock), not older', async () => {
      const { el, stream } = await showing();
      await write(stream, message(checkin(Date.now() - 5_001)));
      expect(el.state).to.equal('active');
      await write(stream, message(checkin(Date.now() - 5_000)));
      expect(el.state).to.equal('invalidated');
    });

    it('ignores other types, other customers, other event names, repeats and malformed data', async () => {
      const { el, stream } = await showing();
      const errors = record(el, 'gym-access-qr-error');
      const now = Date.now();
      await write(
        stream,
        message(checkin(now, { payload: [{ timestamp: now, type: 'CUSTOMER_UPDATED', content: {} }] })),
      );
      await write(stream, message(checkin(now, { entityId: 7654321 })));
      await write(stream, `event: other\n${message(checkin(now))}`);
      await write(stream, message('{"entityId": 1234567, "uuid": '));
      await write(stream, message(''));
      await write(stream, message({ hello: 'world' }));
      await write(stream, 'nonsense without a colon\n\n');
      expect(el.state).to.equal('active');
      expect(errors).to.have.length(0);

      // One delivery counts once: its repeat after a new code changes nothing.
      const first = checkin(now);
      await write(stream, message(first));
      void el.refresh();
      await settle();
      await lastCodeRequest().respond(freshCode('0049267681211943992'));
      await write(stream, message(first));
      expect(el.state).to.equal('active');
    });

    it('reconnects with growing backoff after drops, and resets it once the stream speaks', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      const { stream } = await showing();
      stream.fail();
      await settle();
      expect(openStreams()).to.have.length(0);
      await clock.tickAsync(499);
      expect(streamRequests()).to.have.length(1);
      await clock.tickAsync(1);
      expect(streamRequests()).to.have.length(2);
      // Refused by the network this time.
      await lastStreamRequest().fail();
      await clock.tickAsync(999);
      expect(streamRequests()).to.have.length(2);
      await clock.tickAsync(1);
      expect(streamRequests()).to.have.length(3);
      // Answered with something that is not an event stream: a failure too.
      await lastStreamRequest().respond(new Response('{}', { headers: { 'Content-Type': 'application/json' } }));
      await clock.tickAsync(1_999);
      expect(streamRequests()).to.have.length(3);
      await clock.tickAsync(1);
      const fourth = await answer(lastStreamRequest(), ': hello\n\n');
      fourth.end();
      await settle();
      await clock.tickAsync(500);
      expect(streamRequests()).to.have.length(5);
    });

    it('gives up on a connection that does not answer within 10 s, and on a stream silent for 45 s', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT, 'events-endpoint': EVENTS });
      await settle();
      const first = lastStreamRequest();
      await clock.tickAsync(10_000);
      expect(first.aborted()).to.equal(true);
      await clock.tickAsync(500);
      const stream = await answer(lastStreamRequest(), ': connected\n\n');
      await clock.tickAsync(44_000);
      await write(stream, ': keep-alive\n\n');
      await clock.tickAsync(44_000);
      expect(stream.open).to.equal(true);
      expect(streamRequests()).to.have.length(2);
      await clock.tickAsync(1_000);
      expect(stream.open).to.equal(false);
      await clock.tickAsync(500);
      expect(streamRequests()).to.have.length(3);
    });

    it('reconnects at once when the device comes back online', async () => {
      sinon.stub(Math, 'random').returns(0.9);
      const { stream } = await showing();
      stream.fail();
      await settle();
      expect(streamRequests()).to.have.length(1);
      window.dispatchEvent(new Event('online'));
      await settle();
      expect(streamRequests()).to.have.length(2);
    });

    it('closes on removal and on hide, and reopens on return', async () => {
      const { el } = await showing();
      const first = lastStreamRequest();
      setVisibility('hidden');
      await settle();
      expect(first.aborted()).to.equal(true);
      expect(openStreams()).to.have.length(0);
      setVisibility('visible');
      await settle();
      expect(openStreams()).to.have.length(1);
      el.remove();
      await settle();
      expect(openStreams()).to.have.length(0);
      expect(clock.countTimers()).to.equal(0);
      document.body.append(el);
      await settle();
      expect(openStreams()).to.have.length(1);
    });

    it('reopens the stream when the page comes back from the back/forward cache', async () => {
      await showing();
      setVisibility('hidden');
      await settle();
      expect(openStreams()).to.have.length(0);
      // Restored: pageshow, whether or not a visibilitychange comes with it.
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
      await settle();
      expect(openStreams()).to.have.length(1);
    });

    it('closes the old stream and opens one for the new customer when the attributes change', async () => {
      const { el, stream } = await showing();
      const old = lastStreamRequest();
      el.customerId = '7654321';
      await settle();
      expect(old.aborted()).to.equal(true);
      expect(openStreams().map((call) => call.url)).to.deep.equal([
        new URL('/api/customers/7654321/events', document.baseURI).href,
      ]);
      // A late check-in for the old customer on the old stream does nothing.
      await write(stream, message(checkin(Date.now())));
      el.eventsEndpoint = '';
      await settle();
      expect(openStreams()).to.have.length(0);
    });

    it('reports a bad events-endpoint as config, and keeps showing codes', async () => {
      el = document.createElement('gym-access-qr');
      const errors = record(el, 'gym-access-qr-error');
      el.setAttribute('customer-id', CUSTOMER);
      el.setAttribute('token-endpoint', ENDPOINT);
      el.setAttribute('events-endpoint', 'javascript:alert(1)');
      document.body.append(el);
      await settle();
      expect(errors.map((e) => e.detail)).to.deep.equal([
        { kind: 'config', retryInMs: null, message: 'events-endpoint must be an http: or https: URL' },
      ]);
      expect(streamRequests()).to.have.length(0);
      await lastCodeRequest().respond(freshCode('0049267681211943991'));
      expect(el.state).to.equal('active');
    });

    it('leaves a bad customer-id to the access code: one config error, no stream', async () => {
      el = document.createElement('gym-access-qr');
      const errors = record(el, 'gym-access-qr-error');
      el.setAttribute('customer-id', '12a');
      el.setAttribute('token-endpoint', ENDPOINT);
      el.setAttribute('events-endpoint', EVENTS);
      document.body.append(el);
      await settle();
      expect(errors.map((e) => e.detail.message)).to.deep.equal([
        'customer-id must be a Magicline customer id: 1 to 19 digits',
      ]);
      expect(net.calls).to.have.length(0);
    });

    it('ignores a check-in when no code is shown', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT, 'events-endpoint': EVENTS });
      await settle();
      const stream = await answer(lastStreamRequest());
      await write(stream, message(checkin(Date.now())));
      expect(el.state).to.equal('loading');
    });
  });

  describe('sign-in refused on the stream', () => {
    for (const [status, kind] of [
      [401, 'unauthorized'],
      [403, 'forbidden'],
    ] as const) {
      it(`${status}: reported once as ${kind}, not retried until visibility or configuration changes; codes keep coming`, async () => {
        el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT, 'events-endpoint': EVENTS });
        const errors = record(el, 'gym-access-qr-error');
        await settle();
        await lastCodeRequest().respond(freshCode('0049267681211943991'));
        await lastStreamRequest().respond(new Response('', { status }));
        expect(errors.map((e) => e.detail)).to.deep.equal([
          { kind, status, retryInMs: null, message: `check-in stream request failed with HTTP ${status}` },
        ]);
        expect(el.state).to.equal('active');
        await clock.tickAsync(25_000);
        expect(codeRequests()).to.have.length(2);
        await lastCodeRequest().respond(freshCode('0049267681211943992'));
        await clock.tickAsync(10 * 60_000);
        expect(streamRequests()).to.have.length(1);

        // Back on the page: one more try, refused again, not reported again.
        setVisibility('hidden');
        setVisibility('visible');
        await settle();
        expect(streamRequests()).to.have.length(2);
        await lastStreamRequest().respond(new Response('', { status }));
        await clock.tickAsync(60_000);
        expect(streamRequests()).to.have.length(2);

        // A new configuration (another member signed in) is tried, and reported, afresh.
        el.customerId = '7654321';
        await settle();
        expect(streamRequests()).to.have.length(3);
        await lastStreamRequest().respond(new Response('', { status }));
        expect(errors.filter((e) => e.detail.kind === kind)).to.have.length(2);
      });
    }
  });

  describe('nothing missed across a reconnect', () => {
    it('a reconnect sends the last id as Last-Event-ID and as lastEventId', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      const { stream } = await showing();
      await write(stream, message(checkin(Date.now(), { entityId: 7654321 }), '41'));
      await write(stream, message(checkin(Date.now(), { entityId: 7654321 }), 'a:42'));
      stream.fail();
      await settle();
      await clock.tickAsync(500);
      const again = lastStreamRequest();
      expect(new Headers(again.init.headers).get('Last-Event-ID')).to.equal('a:42');
      expect(new URL(again.url).searchParams.get('lastEventId')).to.equal('a:42');
      expect(new URL(again.url).pathname).to.equal(`/api/customers/${CUSTOMER}/events`);
    });

    it('the first connection, and a backend without ids, send no id', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      const { stream } = await showing();
      expect(new Headers(lastStreamRequest().init.headers).has('Last-Event-ID')).to.equal(false);
      await write(stream, message(checkin(Date.now(), { entityId: 7654321 })));
      stream.end();
      await settle();
      await clock.tickAsync(500);
      expect(streamRequests()).to.have.length(2);
      expect(new Headers(lastStreamRequest().init.headers).has('Last-Event-ID')).to.equal(false);
      expect(new URL(lastStreamRequest().url).search).to.equal('');
    });

    it('a check-in replayed after a drop hides the code', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      const { el, stream } = await showing();
      await write(stream, message(checkin(Date.now(), { entityId: 7654321 }), '7'));
      stream.fail();
      await settle();
      await clock.tickAsync(500);
      const events = record(el, 'gym-access-qr-invalidated');
      const at = Date.now() - 300;
      await answer(lastStreamRequest(), message(checkin(at), '8'));
      expect(qrPathOf(el)).to.equal(null);
      expect(events.map((e) => e.detail)).to.deep.equal([{ reason: 'checkin', at: new Date(at).toISOString() }]);
    });

    it('a replayed check-in from before the shown code (by more than 5 s) leaves it', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      const { el, stream } = await showing();
      const before = Date.now() - 5_001;
      stream.fail();
      await settle();
      await clock.tickAsync(500);
      await answer(lastStreamRequest(), message(checkin(before), '9'));
      expect(el.state).to.equal('active');
      expect(qrPathOf(el)).to.not.equal(null);
    });

    it('a uuid counts once, also when a reconnect replays it', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      const { el, stream } = await showing({ 'after-checkin': 'refresh' });
      const used = checkin(Date.now());
      await write(stream, message(used, '10'));
      expect(el.state).to.equal('invalidated');
      await lastCodeRequest().respond(freshCode('0049267681211943992'));
      expect(el.state).to.equal('active');
      // A backend that replays a little more than asked for: the same delivery again.
      stream.fail();
      await settle();
      await clock.tickAsync(500);
      await answer(lastStreamRequest(), message(used, '10'));
      expect(el.state).to.equal('active');
      expect(qrPathOf(el)).to.not.equal(null);
    });

    it('hidden, checked in meanwhile, visible: the used code is never on screen again', async () => {
      const { el, stream } = await showing();
      const events = record(el, 'gym-access-qr-invalidated');
      await write(stream, message(checkin(Date.now(), { entityId: 7654321 }), '20'));
      setVisibility('hidden');
      await el.updateComplete;
      expect(qrPathOf(el), 'covered while hidden').to.equal(null);
      await clock.tickAsync(8_000);
      const at = Date.now();

      setVisibility('visible');
      await el.updateComplete;
      // The render that follows the return already covers the code.
      expect(qrPathOf(el)).to.equal(null);
      expect(visibleText(el)).to.equal('Loading your check-in code…');
      await settle();
      expect(qrPathOf(el)).to.equal(null);
      const again = lastStreamRequest();
      expect(new Headers(again.init.headers).get('Last-Event-ID')).to.equal('20');
      await answer(again, message(checkin(at), '21'));
      expect(qrPathOf(el)).to.equal(null);
      expect(el.state).to.equal('invalidated');
      expect(events.map((e) => e.detail.reason)).to.deep.equal(['checkin']);
    });

    it('back on the page: the code comes back as soon as the stream answers without a check-in', async () => {
      const { el } = await showing();
      setVisibility('hidden');
      await clock.tickAsync(3_000);
      setVisibility('visible');
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(null);
      await clock.tickAsync(300);
      await answer(lastStreamRequest(), ': connected\n\n');
      expect(el.state).to.equal('active');
      expect(qrPathOf(el)).to.not.equal(null);
    });

    it('back on the page: a replay handed over in pieces keeps the code covered until it is whole', async () => {
      const { el } = await showing();
      setVisibility('hidden');
      await clock.tickAsync(3_000);
      const replay = message(checkin(Date.now()), '30') + ': connected\n\n';
      setVisibility('visible');
      await settle();
      const again = await answer(lastStreamRequest(), replay.slice(0, 40));
      expect(qrPathOf(el), 'half a message is no answer yet').to.equal(null);
      expect(el.state).to.equal('active');
      await write(again, replay.slice(40, -1));
      expect(qrPathOf(el)).to.equal(null);
      await write(again, replay.slice(-1));
      expect(el.state).to.equal('invalidated');
      expect(qrPathOf(el)).to.equal(null);
    });

    it('back on the page: a stream that does not answer covers the code for 2 s at most', async () => {
      const { el } = await showing();
      setVisibility('hidden');
      await clock.tickAsync(3_000);
      setVisibility('visible');
      await el.updateComplete;
      await clock.tickAsync(1_999);
      expect(qrPathOf(el)).to.equal(null);
      await clock.tickAsync(1);
      await el.updateComplete;
      expect(qrPathOf(el)).to.not.equal(null);
    });

    it('back on the page: a refused stream ends the cover at once', async () => {
      const { el } = await showing();
      setVisibility('hidden');
      setVisibility('visible');
      await settle();
      await lastStreamRequest().respond(new Response('', { status: 401 }));
      expect(qrPathOf(el)).to.not.equal(null);
    });

    it('a code fetched after the return is not covered', async () => {
      const { el } = await showing();
      setVisibility('hidden');
      // Long enough away that the held code ran out: the return fetches a new one.
      await clock.tickAsync(40_000);
      setVisibility('visible');
      await settle();
      expect(el.state).to.equal('expired');
      await lastCodeRequest().respond(freshCode('0049267681211943992'));
      expect(qrPathOf(el)).to.not.equal(null);
    });

    it('without events-endpoint nothing is covered on return', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await lastCodeRequest().respond(freshCode('0049267681211943991'));
      setVisibility('hidden');
      setVisibility('visible');
      await el.updateComplete;
      expect(qrPathOf(el)).to.not.equal(null);
    });
  });
});
