import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import type { GymAccessQr } from '../src/index.js';
import { fakeClock, settleOn, freshCode, mount, qrPathOf, record, setVisibility, stubFetch, visibleText } from './helpers.js';

const CUSTOMER = '1234567';
const ENDPOINT = '/api/customers/{customerId}/access-code';
const EVENTS = '/api/customers/{customerId}/events';

/** A stand-in for EventSource that the test drives by hand. */
class FakeEventSource {
  static instances: FakeEventSource[] = [];
  static get open(): FakeEventSource[] {
    return FakeEventSource.instances.filter((source) => !source.closed);
  }
  readonly url: string;
  readonly withCredentials: boolean;
  closed = false;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(url: string, init?: EventSourceInit) {
    this.url = url;
    this.withCredentials = Boolean(init?.withCredentials);
    FakeEventSource.instances.push(this);
  }
  close() {
    this.closed = true;
  }
  connect() {
    this.onopen?.(new Event('open'));
  }
  send(data: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: typeof data === 'string' ? data : JSON.stringify(data) }));
  }
  drop() {
    this.onerror?.(new Event('error'));
  }
}

function checkin(timestamp: number, over: Record<string, unknown> = {}) {
  return {
    entityId: Number(CUSTOMER),
    uuid: crypto.randomUUID(),
    payload: [{ timestamp, type: 'CUSTOMER_CHECKIN', content: {} }],
    ...over,
  };
}

describe('<gym-access-qr> check-ins', () => {
  let clock: sinon.SinonFakeTimers;
  let net: ReturnType<typeof stubFetch>;
  let el: GymAccessQr | undefined;

  /** Lets fetch, body reads and renders finish without moving the clock. */
  const settle = () => settleOn(clock);

  /** The element with a code on screen and its event stream open. */
  async function showing(attributes: Record<string, string> = {}) {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT, 'events-endpoint': EVENTS, ...attributes });
    await settle();
    await net.last.respond(freshCode('0049267681211943991'));
    const stream = FakeEventSource.open[0]!;
    stream.connect();
    return { el, stream };
  }

  beforeEach(() => {
    clock = fakeClock();
    net = stubFetch(settle);
    FakeEventSource.instances = [];
    sinon.replace(window, 'EventSource', FakeEventSource as unknown as typeof EventSource);
  });

  afterEach(() => {
    el?.remove();
    el = undefined;
    sinon.restore();
    clock.uninstall();
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
      expect(net.calls).to.have.length(1);
      expect(visibleText(el)).to.equal('This code is no longer valid. Show a new code');
    });

    it('passes a given reason on', async () => {
      const { el } = await showing();
      const events = record(el, 'gym-access-qr-invalidated');
      el.invalidate('revoked-by-staff');
      await el.updateComplete;
      expect(events[0]!.detail.reason).to.equal('revoked-by-staff');
    });

    it("prompt: the button fetches a new code, and the state stays invalidated until it arrives", async () => {
      const { el } = await showing();
      el.invalidate();
      await el.updateComplete;
      el.shadowRoot!.querySelector('button')!.click();
      await settle();
      expect(net.calls).to.have.length(2);
      expect(el.state).to.equal('invalidated');
      expect(el.shadowRoot!.querySelector('button') === null, 'no button while loading').to.equal(true);
      await net.last.respond(freshCode('0049267681211943992'));
      expect(el.state).to.equal('active');
      expect(qrPathOf(el)).to.not.equal(null);
    });

    it('refresh: fetches a new code at once, keeping the confirmation on screen meanwhile', async () => {
      const { el } = await showing({ 'after-checkin': 'refresh' });
      el.invalidate();
      await settle();
      expect(net.calls).to.have.length(2);
      expect(visibleText(el)).to.equal('This code is no longer valid.');
      await net.last.respond(freshCode('0049267681211943992'));
      expect(el.state).to.equal('active');
    });

    it('prompt: a failed refresh is retried by itself', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      const { el } = await showing();
      el.invalidate();
      await el.updateComplete;
      void el.refresh();
      await settle();
      await net.last.fail();
      expect(el.state).to.equal('invalidated');
      await clock.tickAsync(500);
      expect(net.calls).to.have.length(3);
    });
  });

  describe('events-endpoint', () => {
    it('opens the templated stream, with credentials only for include', async () => {
      await showing();
      expect(FakeEventSource.open.map((s) => [s.url, s.withCredentials])).to.deep.equal([
        [new URL(`/api/customers/${CUSTOMER}/events`, document.baseURI).href, false],
      ]);
      el!.credentials = 'include';
      await el!.updateComplete;
      expect(FakeEventSource.open.map((s) => s.withCredentials)).to.deep.equal([true]);
    });

    it('invalidates on a check-in of this customer, with reason checkin and its time', async () => {
      const { el, stream } = await showing();
      const events = record(el, 'gym-access-qr-invalidated');
      const at = Date.now() + 2_000;
      await clock.tickAsync(2_000);
      stream.send(checkin(at));
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(null);
      expect(events.map((e) => e.detail)).to.deep.equal([{ reason: 'checkin', at: new Date(at).toISOString() }]);
      expect(visibleText(el)).to.equal('You are checked in. Enjoy your workout! Show a new code');
    });

    it('after-checkin="refresh" fetches the next code at once', async () => {
      const { el, stream } = await showing({ 'after-checkin': 'refresh' });
      stream.send(checkin(Date.now()));
      await settle();
      expect(net.calls).to.have.length(2);
      expect(visibleText(el)).to.equal('You are checked in. Enjoy your workout!');
    });

    it('accepts a check-in up to 5 s older than the code (server clock), not older', async () => {
      const { el, stream } = await showing();
      stream.send(checkin(Date.now() - 5_001));
      await el.updateComplete;
      expect(el.state).to.equal('active');
      stream.send(checkin(Date.now() - 5_000));
      await el.updateComplete;
      expect(el.state).to.equal('invalidated');
    });

    it('ignores other types, other customers, replays and malformed data', async () => {
      const { el, stream } = await showing();
      const errors = record(el, 'gym-access-qr-error');
      const now = Date.now();
      stream.send(checkin(now, { payload: [{ timestamp: now, type: 'CUSTOMER_UPDATED', content: {} }] }));
      stream.send(checkin(now, { entityId: 7654321 }));
      stream.send('{"entityId": 1234567, "uuid": ');
      stream.send('');
      stream.send({ hello: 'world' });
      await el.updateComplete;
      expect(el.state).to.equal('active');
      expect(errors).to.have.length(0);

      // One delivery counts once: its repeat after a new code changes nothing.
      const first = checkin(now);
      stream.send(first);
      await el.updateComplete;
      void el.refresh();
      await settle();
      await net.last.respond(freshCode('0049267681211943992'));
      stream.send(first);
      await el.updateComplete;
      expect(el.state).to.equal('active');
    });

    it('reconnects with growing backoff after drops, and resets it once open', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      const { stream } = await showing();
      stream.drop();
      expect(stream.closed).to.equal(true);
      expect(FakeEventSource.open).to.have.length(0);
      await clock.tickAsync(499);
      expect(FakeEventSource.open).to.have.length(0);
      await clock.tickAsync(1);
      expect(FakeEventSource.open).to.have.length(1);
      FakeEventSource.open[0]!.drop();
      await clock.tickAsync(999);
      expect(FakeEventSource.open).to.have.length(0);
      await clock.tickAsync(1);
      const third = FakeEventSource.open[0]!;
      third.connect();
      third.drop();
      await clock.tickAsync(500);
      expect(FakeEventSource.open).to.have.length(1);
      expect(FakeEventSource.instances).to.have.length(4);
    });

    it('closes on removal and on hide, and reopens on return', async () => {
      const { el, stream } = await showing();
      setVisibility('hidden');
      expect(stream.closed).to.equal(true);
      setVisibility('visible');
      expect(FakeEventSource.open).to.have.length(1);
      el.remove();
      expect(FakeEventSource.open).to.have.length(0);
      expect(clock.countTimers()).to.equal(0);
      document.body.append(el);
      expect(FakeEventSource.open).to.have.length(1);
    });

    it('reopens the stream when the page comes back from the back/forward cache', async () => {
      const { stream } = await showing();
      setVisibility('hidden');
      expect(stream.closed).to.equal(true);
      // Restored: pageshow, whether or not a visibilitychange comes with it.
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
      expect(FakeEventSource.open).to.have.length(1);
    });

    it('closes the old stream and opens one for the new customer when the attributes change', async () => {
      const { el, stream } = await showing();
      el.customerId = '7654321';
      await el.updateComplete;
      expect(stream.closed).to.equal(true);
      expect(FakeEventSource.open.map((s) => s.url)).to.deep.equal([new URL('/api/customers/7654321/events', document.baseURI).href]);
      // A late check-in for the old customer on the old stream does nothing.
      stream.send(checkin(Date.now()));
      el.eventsEndpoint = '';
      await el.updateComplete;
      expect(FakeEventSource.open).to.have.length(0);
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
      expect(FakeEventSource.instances).to.have.length(0);
      await net.last.respond(freshCode('0049267681211943991'));
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
      expect(errors.map((e) => e.detail.message)).to.deep.equal(['customer-id must be a Magicline customer id: 1 to 19 digits']);
      expect(FakeEventSource.instances).to.have.length(0);
    });

    it('ignores a check-in when no code is shown', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT, 'events-endpoint': EVENTS });
      await settle();
      FakeEventSource.open[0]!.send(checkin(Date.now()));
      await el.updateComplete;
      expect(el.state).to.equal('loading');
    });
  });
});
