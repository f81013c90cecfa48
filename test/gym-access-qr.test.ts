import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import type { GymAccessQr } from '../src/index.js';
import {
  START,
  fakeClock,
  settleOn,
  codeResponse,
  errorResponse,
  freshCode,
  iso,
  localTime,
  mount,
  qrPathOf,
  record,
  resetVisibility,
  setVisibility,
  stubFetch,
  visibleText,
} from './helpers.js';
import { qrImage } from '../src/internal/qr.js';

const CUSTOMER = '1234567';
const ENDPOINT = '/api/customers/{customerId}/access-code';
const CODE_A = '0049267681211943991';
const CODE_B = '0049267681211943992';

describe('<gym-access-qr> with a faked clock', () => {
  let clock: sinon.SinonFakeTimers;
  let net: ReturnType<typeof stubFetch>;
  let el: GymAccessQr | undefined;

  /** Lets fetch, body reads and renders finish without moving the clock. */
  const settle = () => settleOn(clock);

  async function show(content: string, lifetimeMs = 30_000) {
    await net.last.respond(freshCode(content, lifetimeMs));
  }

  beforeEach(() => {
    clock = fakeClock();
    net = stubFetch(settle);
  });

  afterEach(() => {
    el?.remove();
    el = undefined;
    resetVisibility();
    sinon.restore();
    clock.uninstall();
  });

  describe('first code', () => {
    it('requests the templated URL with the credentials mode, Accept and requestHeaders', async () => {
      el = document.createElement('gym-access-qr');
      el.setAttribute('customer-id', CUSTOMER);
      el.setAttribute('token-endpoint', ENDPOINT);
      el.setAttribute('credentials', 'include');
      el.requestHeaders = async () => ({ Authorization: 'Bearer member-token' });
      document.body.append(el);
      await settle();

      expect(net.calls).to.have.length(1);
      const { url, init } = net.last;
      expect(url).to.equal(new URL(`/api/customers/${CUSTOMER}/access-code`, document.baseURI).href);
      expect(init.credentials).to.equal('include');
      const headers = new Headers(init.headers);
      expect(headers.get('Accept')).to.equal('application/json');
      expect(headers.get('Authorization')).to.equal('Bearer member-token');
      expect(el.state).to.equal('loading');
      expect(el.getAttribute('state')).to.equal('loading');
    });

    it('sends the request as the element is connected, before its first render', async () => {
      el = document.createElement('gym-access-qr');
      el.setAttribute('customer-id', CUSTOMER);
      el.setAttribute('token-endpoint', ENDPOINT);
      el.requestHeaders = { 'X-Member': 'm-1' };
      document.body.append(el);

      // Nothing awaited yet: the first render (a microtask away) has not run, the request is already out.
      expect(el.hasUpdated).to.equal(false);
      expect(net.calls).to.have.length(1);
      expect(new Headers(net.last.init.headers).get('X-Member')).to.equal('m-1');
      await settle();
      await show(CODE_A);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'M')!.path);
    });

    it('calls a requestHeaders function before every request', async () => {
      let n = 0;
      el = document.createElement('gym-access-qr');
      el.requestHeaders = () => ({ Authorization: `Bearer token-${++n}` });
      el.setAttribute('customer-id', CUSTOMER);
      el.setAttribute('token-endpoint', ENDPOINT);
      document.body.append(el);
      await settle();
      await show(CODE_A);
      await clock.tickAsync(25_000);
      expect(net.calls.map((c) => new Headers(c.init.headers).get('Authorization'))).to.deep.equal([
        'Bearer token-1',
        'Bearer token-2',
      ]);
    });

    it('keeps only the URL-encoded id in the URL and requests an endpoint without placeholder as is', async () => {
      el = await mount({
        'customer-id': CUSTOMER,
        'token-endpoint': 'https://partner.example/me/access-code?x={customerId}',
      });
      await settle();
      expect(net.last.url).to.equal(`https://partner.example/me/access-code?x=${CUSTOMER}`);
      el.tokenEndpoint = 'https://partner.example/me/access-code';
      await settle();
      expect(net.last.url).to.equal('https://partner.example/me/access-code');
    });

    it('shows the code, says so with refresh, and labels it without the content', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const refreshes = record(el, 'gym-access-qr-refresh');
      await settle();
      const expiresAt = iso(Date.now() + 30_000);
      await net.last.respond(codeResponse({ format: 'QR_CODE', content: CODE_A, expiresAt }));

      expect(el.state).to.equal('active');
      expect(el.getAttribute('state')).to.equal('active');
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'M').path);
      expect(refreshes.map((e) => e.detail)).to.deep.equal([{ expiresAt, format: 'QR_CODE' }]);
      expect(refreshes[0]!.bubbles && refreshes[0]!.composed).to.equal(true);
      const frame = el.shadowRoot!.querySelector('[role="img"]')!;
      // 30 s on the server's clock, less a second for the Date header's resolution.
      expect(frame.getAttribute('aria-label')).to.equal('Check-in code, valid for 29 more seconds');
      // The countdown, and under it the time on the server's clock (its Date header said START).
      expect(visibleText(el)).to.equal(`0:29 ${localTime(START)}`);
    });

    it('names the code with its seconds left every second, and turns the ring to the warning colour at 4 s, without a render', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      const render = sinon.spy(el as unknown as { render(): unknown }, 'render');
      const frame = el.shadowRoot!.querySelector('[role="img"]')!;
      const labels: string[] = [];
      for (let second = 0; second < 10; second++) {
        await clock.tickAsync(1_000);
        labels.push(frame.getAttribute('aria-label')!);
      }
      expect(labels).to.deep.equal(
        [28, 27, 26, 25, 24, 23, 22, 21, 20, 19].map((n) => `Check-in code, valid for ${n} more seconds`),
      );
      expect(visibleText(el)).to.equal(`0:19 ${localTime(START + 10_000)}`);
      expect(render.callCount, 'the time is shown without a render').to.equal(0);
      await clock.tickAsync(14_000);
      // The next code's request went out at 5 s left, behind the code: nothing on screen changed for it.
      expect(net.calls).to.have.length(2);
      expect(frame.classList.contains('ending'), '5 s left').to.equal(false);
      expect(render.callCount, 'no render for a request behind the code').to.equal(0);
      // It has not come a second later: the code's last seconds are in the warning colour.
      await clock.tickAsync(1_000);
      expect(frame.classList.contains('ending'), '4 s left').to.equal(true);
      expect(getComputedStyle(el.shadowRoot!.querySelector('.ring .top')!).backgroundColor).to.equal(
        'rgb(217, 119, 6)',
      );
      expect(render.callCount, 'the warning is shown without a render').to.equal(0);
    });

    it('never shows the warning colour when the next code comes within a second of its request', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      const frames: string[] = [];
      const observer = new MutationObserver(() => {
        const frame = el!.shadowRoot!.querySelector('[role="img"]');
        if (frame) frames.push(frame.className);
      });
      observer.observe(el.shadowRoot!, {
        subtree: true,
        attributes: true,
        attributeFilter: ['class'],
        childList: true,
      });
      // 29 s: the request goes out at 5 s left, its answer takes 900 ms.
      await clock.tickAsync(24_000);
      expect(net.calls).to.have.length(2);
      await clock.tickAsync(900);
      await show(CODE_B);
      await clock.tickAsync(10_000);
      observer.disconnect();
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
      expect(frames.length, 'the class was written').to.be.greaterThan(0);
      expect(frames.filter((name) => name.split(' ').includes('ending'))).to.deep.equal([]);
    });

    /** How much of each edge of the ring is left (1 whole, 0 gone), top, right, bottom, left, as drawn. */
    const ringShown = () =>
      [...el!.shadowRoot!.querySelectorAll('.ring .edge')].map((edge, i) => {
        const matrix = new DOMMatrixReadOnly(getComputedStyle(edge).transform.replace('none', ''));
        return Math.round((i % 2 ? matrix.m22 : matrix.m11) * 1000) / 1000;
      });
    /** The ring after `seconds` of a code's `steps` whole seconds: a quarter of it per edge, clockwise from the top. */
    const ringAfter = (seconds: number, steps: number) =>
      [0, 1, 2, 3].map(
        (edge) => Math.round(Math.min(1, Math.max(0, 1 - ((seconds / steps) * 4 - edge))) * 1000) / 1000,
      );

    it("starts the ring over for each code at that code's point in its lifetime, a step each second", async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await clock.tickAsync(2_000); // the response takes 2 s
      await net.last.respond(freshCode(CODE_A, 30_000, START + 2_000));
      // 29 s counted from the send (30 s after the Date header, less its allowance), shown 2 s in.
      expect(ringShown()).to.deep.equal(ringAfter(2, 29));
      await clock.tickAsync(999);
      expect(ringShown(), 'no step within a second').to.deep.equal(ringAfter(2, 29));
      await clock.tickAsync(1);
      expect(ringShown()).to.deep.equal(ringAfter(3, 29));
      await clock.tickAsync(21_000);
      expect(ringShown()).to.deep.equal(ringAfter(24, 29));
      for (const edge of el.shadowRoot!.querySelectorAll('.ring .edge')) {
        // Transform only: the compositor runs it.
        const [animation, ...more] = edge.getAnimations();
        expect(more).to.have.length(0);
        const animated = new Set(
          (animation!.effect as KeyframeEffect).getKeyframes().flatMap((frame) => Object.keys(frame)),
        );
        for (const meta of ['offset', 'computedOffset', 'easing', 'composite']) animated.delete(meta);
        expect([...animated]).to.deep.equal(['transform']);
        // An animation with an end wakes the page at it for a frame, even after a new code has moved it on.
        expect(animation!.effect!.getComputedTiming().endTime, 'never ends').to.equal(Infinity);
      }
      await show(CODE_B);
      // Started over: the whole ring for the new code, not held where the old one was.
      expect(ringShown()).to.deep.equal([1, 1, 1, 1]);
      await clock.tickAsync(28_000);
      expect(ringShown(), 'the last second: a 29th of the ring left').to.deep.equal(ringAfter(28, 29));
    });

    it("lets go of the ring's animations when removed, and times the ring again when put back", async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      const held = el.shadowRoot!.getAnimations();
      // Four edges, the sheen, and the five strips of the countdown and the clock.
      expect(held).to.have.length(10);
      const parent = el.parentNode!;
      el.remove();
      // Cancelled: nothing on the document's timeline still points at the removed element.
      expect(held.map((animation) => animation.playState)).to.deep.equal(Array(10).fill('idle'));
      await clock.tickAsync(3_000);
      parent.appendChild(el);
      await el.updateComplete;
      await settle();
      expect(el.shadowRoot!.getAnimations()).to.have.length(10);
      // 3 s further into the same code's 29 s.
      expect(ringShown()).to.deep.equal(ringAfter(3, 29));
      expect(visibleText(el)).to.equal(`0:26 ${localTime(START + 3_000)}`);
    });

    it('pauses what moves while it is out of sight, and shows the right second when it is back', async () => {
      // The browser's part, whether a box is on screen (display: none has none), played by hand: a page the
      // runner has in the background draws no frames, so a real observer would never report.
      const observers: { report: IntersectionObserverCallback; targets: Element[] }[] = [];
      sinon.stub(window, 'IntersectionObserver').value(
        class {
          targets: Element[] = [];
          constructor(readonly report: IntersectionObserverCallback) {
            observers.push(this);
          }
          observe(target: Element) {
            this.targets.push(target);
          }
          disconnect() {
            this.targets = [];
          }
        },
      );
      const inSight = async (isIntersecting: boolean) => {
        const [observer] = observers;
        const entries = observer!.targets.map((target) => ({ target, isIntersecting }) as IntersectionObserverEntry);
        observer!.report(entries, observer as unknown as IntersectionObserver);
        await el!.updateComplete;
      };
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      const running = () =>
        el!.shadowRoot!.getAnimations().filter((animation) => animation.playState === 'running').length;
      // The ring, the countdown and the clock are watched.
      expect(observers).to.have.length(1);
      expect(observers[0]!.targets.map((target) => target.getAttribute('part'))).to.deep.equal([
        'ring',
        'countdown',
        'clock',
      ]);
      await inSight(true);
      expect(running()).to.equal(10);
      // The page hides the element: an animation on an element without a box costs Chromium a frame every 16 ms.
      await inSight(false);
      expect(running()).to.equal(0);
      await clock.tickAsync(4_000);
      await inSight(true);
      expect(running()).to.equal(10);
      expect(visibleText(el)).to.equal(`0:25 ${localTime(START + 4_000)}`);
      expect(ringShown()).to.deep.equal(ringAfter(4, 29));
    });

    it('writes the countdown and the clock left to right on a right-to-left page', async () => {
      document.documentElement.dir = 'rtl';
      try {
        el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
        await settle();
        await net.last.respond(freshCode(CODE_A, 30_000, new Date(2026, 2, 2, 12, 14, 4).getTime()));
        for (const part of ['.countdown', '.clock']) {
          const fields = [...el.shadowRoot!.querySelectorAll(`${part} .window`)].map(
            (field) => field.getBoundingClientRect().left,
          );
          expect(fields, part).to.deep.equal([...fields].sort((a, b) => a - b));
        }
        expect(visibleText(el)).to.equal('0:29 12:14:04');
      } finally {
        document.documentElement.removeAttribute('dir');
      }
    });

    it('speaks German when the page does, English for anything unknown', async () => {
      document.documentElement.lang = 'de-AT';
      try {
        el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
        await settle();
        expect(visibleText(el)).to.equal('Dein Check-in-Code wird geladen…');
        await show(CODE_A);
        expect(el.shadowRoot!.querySelector('[role="img"]')!.getAttribute('aria-label')).to.equal(
          'Check-in-Code, noch 29 Sekunden gültig',
        );
        el.setAttribute('lang', 'tlh');
        await el.updateComplete;
        expect(el.shadowRoot!.querySelector('[role="img"]')!.getAttribute('aria-label')).to.equal(
          'Check-in code, valid for 29 more seconds',
        );
      } finally {
        document.documentElement.lang = 'en';
      }
    });

    it('takes text overrides through strings', async () => {
      el = document.createElement('gym-access-qr');
      el.strings = { loading: 'Hang on…' };
      el.setAttribute('customer-id', CUSTOMER);
      el.setAttribute('token-endpoint', ENDPOINT);
      document.body.append(el);
      await settle();
      expect(visibleText(el)).to.equal('Hang on…');
    });
  });

  describe('rotation', () => {
    it('asks for the next code refresh-lead before expiry and swaps it in when it arrives', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT, 'refresh-lead': '5' });
      await settle();
      const t0 = net.last.at;
      await show(CODE_A);
      // The lifetime is 29 s (Date header resolution), so the next request goes at 24 s.
      await clock.tickAsync(23_999);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(net.calls).to.have.length(2);
      expect(net.last.at - t0).to.equal(24_000);

      // The old code stays while its successor is on the way…
      await clock.tickAsync(2_000);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'M').path);
      expect(el.state).to.equal('active');
      // …and is replaced in the same render that brings the new one.
      const paths: (string | null)[] = [];
      const observer = new MutationObserver(() => paths.push(qrPathOf(el!)));
      observer.observe(el.shadowRoot!, { subtree: true, childList: true, attributes: true });
      await show(CODE_B);
      observer.disconnect();
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
      expect(paths).to.not.include(null);
    });

    it('clamps the lead to half of a short lifetime', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT, 'refresh-lead': '5' });
      await settle();
      await net.last.respond(freshCode(CODE_A, 7_000)); // 6 s after the resolution allowance
      await clock.tickAsync(2_999);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(net.calls).to.have.length(2);
    });

    it('sends exactly one request per code lifetime over 20 lifetimes', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      const refreshes = record(el, 'gym-access-qr-refresh');
      for (let i = 0; i < 20; i++) {
        await net.last.respond(freshCode(String(10_000_000 + i)));
        await clock.tickAsync(24_000);
      }
      // 20 codes shown; the 21st request is the one in flight for the next.
      expect(refreshes).to.have.length(20);
      expect(net.calls).to.have.length(21);
      expect(el.state).to.equal('active');
    });

    it('assumes fallback-refresh as the lifetime when expiresAt is absent', async () => {
      el = await mount({
        'customer-id': CUSTOMER,
        'token-endpoint': ENDPOINT,
        'fallback-refresh': '20',
        'refresh-lead': '5',
      });
      const refreshes = record(el, 'gym-access-qr-refresh');
      const expired = record(el, 'gym-access-qr-expired');
      await settle();
      await net.last.respond(codeResponse({ format: 'QR_CODE', content: CODE_A }));
      expect(refreshes[0]!.detail.expiresAt).to.equal(null);
      await clock.tickAsync(14_999);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(net.calls).to.have.length(2);
      // No answer: the assumed lifetime ends at 20 s and the code goes.
      await clock.tickAsync(5_000);
      expect(qrPathOf(el)).to.equal(null);
      expect(expired.map((e) => e.detail)).to.deep.equal([{ expiresAt: null }]);
    });
  });

  describe('clocks', () => {
    it('gives the full lifetime when the Date header is an hour ahead of the device', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      const serverNow = Date.now() + 3_600_000;
      await net.last.respond(freshCode(CODE_A, 30_000, serverNow));
      expect(el.state).to.equal('active');
      await clock.tickAsync(28_999);
      expect(qrPathOf(el)).to.not.equal(null);
      await clock.tickAsync(1);
      expect(qrPathOf(el)).to.equal(null);
      expect(el.state).to.equal('expired');
    });

    it('falls back to the device clock without a Date header', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await net.last.respond(
        codeResponse({ format: 'QR_CODE', content: CODE_A, expiresAt: iso(Date.now() + 30_000) }, { date: null }),
      );
      await clock.tickAsync(29_999);
      expect(qrPathOf(el)).to.not.equal(null);
      await clock.tickAsync(1);
      expect(qrPathOf(el)).to.equal(null);
    });

    it('counts the lifetime from the moment the request was sent', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      const sentAt = Date.now();
      // The response takes 3 s; its Date header says when the server answered.
      await clock.tickAsync(3_000);
      await net.last.respond(freshCode(CODE_A, 30_000, sentAt + 3_000));
      await clock.tickAsync(25_999); // 3 s + 26 s = the 29 s the code has after the allowance
      expect(qrPathOf(el)).to.not.equal(null);
      await clock.tickAsync(1_000);
      expect(qrPathOf(el)).to.equal(null);
    });

    it('ignores a jumping device clock once the code is shown', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      // The wall clock jumps a day ahead; the monotonic clock does not.
      clock.setSystemTime(Date.now() + 86_400_000);
      await clock.tickAsync(1_000);
      expect(qrPathOf(el)).to.not.equal(null);
      expect(el.state).to.equal('active');
    });

    it('rejects an expiresAt that is not in the future as invalid-response', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      await net.last.respond(freshCode(CODE_A, 0));
      expect(qrPathOf(el)).to.equal(null);
      expect(errors.map((e) => e.detail.kind)).to.deep.equal(['invalid-response']);
    });
  });

  describe('failures', () => {
    it('hides the code exactly at expiry while requests fail, fires expired once, and recovers', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const expired = record(el, 'gym-access-qr-expired');
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      const expiresAt = iso(Date.now() + 30_000);
      await net.last.respond(codeResponse({ format: 'QR_CODE', content: CODE_A, expiresAt }));
      await clock.tickAsync(24_000);
      await net.last.fail(); // backoff 0.5 × 1 s
      expect(el.state).to.equal('active'); // the retry runs behind the valid code
      await clock.tickAsync(500);
      await net.last.respond(errorResponse(503)); // 0.5 × 2 s
      await clock.tickAsync(1_000);
      await net.last.fail(); // 0.5 × 4 s
      expect(qrPathOf(el)).to.not.equal(null);
      // 29 s after the first request: the code dies, with no successor.
      await clock.tickAsync(29_000 - 24_000 - 1_500 - 1);
      expect(qrPathOf(el)).to.not.equal(null);
      await clock.tickAsync(1);
      expect(qrPathOf(el)).to.equal(null);
      expect(el.state).to.equal('expired');
      expect(expired.map((e) => e.detail)).to.deep.equal([{ expiresAt }]);
      expect(errors.map((e) => [e.detail.kind, e.detail.retryInMs])).to.deep.equal([
        ['network', 500],
        ['http', 1_000],
        ['network', 2_000],
      ]);
      await clock.tickAsync(2_000);
      await show(CODE_B);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
      expect(el.state).to.equal('active');
      expect(expired).to.have.length(1);
    });

    const retried: [string, () => Response | Error, Record<string, unknown>][] = [
      ['network', () => new TypeError('Failed to fetch'), { kind: 'network' }],
      ['http 500', () => errorResponse(500), { kind: 'http', status: 500 }],
      ['http 503', () => errorResponse(503), { kind: 'http', status: 503 }],
      ['not JSON', () => new Response('<html>', { status: 200 }), { kind: 'invalid-response', status: 200 }],
      [
        'schema mismatch',
        () => codeResponse({ format: 'QR_CODE', content: 42 }),
        { kind: 'invalid-response', status: 200 },
      ],
      [
        'another format',
        () => codeResponse({ format: 'BARCODE', content: CODE_A }),
        { kind: 'invalid-response', status: 200 },
      ],
      [
        'expiresAt not a date',
        () => codeResponse({ format: 'QR_CODE', content: CODE_A, expiresAt: 'soon' }),
        { kind: 'invalid-response', status: 200 },
      ],
    ];
    for (const [name, answer, expected] of retried) {
      it(`retries ${name} with backoff from 1 s`, async () => {
        sinon.stub(Math, 'random').returns(0.75);
        el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
        const errors = record(el, 'gym-access-qr-error');
        await settle();
        const result = answer();
        if (result instanceof Error) await net.last.fail(result);
        else await net.last.respond(result);
        expect(errors).to.have.length(1);
        expect(errors[0]!.detail).to.deep.include({ ...expected, retryInMs: 750 });
        expect(errors[0]!.detail.message).to.be.a('string').and.not.include(CODE_A);
        expect(el.state).to.equal('loading');
        await clock.tickAsync(749);
        expect(net.calls).to.have.length(1);
        await clock.tickAsync(1);
        expect(net.calls).to.have.length(2);
      });
    }

    it('doubles the backoff window per failure up to 30 s', async () => {
      sinon.stub(Math, 'random').returns(0.999);
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      for (let i = 0; i < 8; i++) {
        await net.last.fail();
        await clock.tickAsync(errors.at(-1)!.detail.retryInMs!);
      }
      expect(errors.map((e) => e.detail.retryInMs)).to.deep.equal([999, 1998, 3996, 7992, 15984, 29970, 29970, 29970]);
    });

    it('gives up a request after 10 s as timeout, and retries', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      const first = net.last;
      await clock.tickAsync(9_999);
      expect(errors).to.have.length(0);
      await clock.tickAsync(1);
      await settle();
      expect(first.aborted()).to.equal(true);
      expect(errors.map((e) => e.detail)).to.deep.equal([
        { kind: 'timeout', retryInMs: 500, message: 'access code request took longer than 10 s' },
      ]);
      await clock.tickAsync(500);
      expect(net.calls).to.have.length(2);
    });

    it('times out a requestHeaders function that never settles, like a request', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      el = document.createElement('gym-access-qr');
      let calls = 0;
      el.requestHeaders = () =>
        ++calls === 1 ? new Promise<Record<string, string>>(() => {}) : { Authorization: 'Bearer t' };
      el.setAttribute('customer-id', CUSTOMER);
      el.setAttribute('token-endpoint', ENDPOINT);
      const errors = record(el, 'gym-access-qr-error');
      document.body.append(el);
      await clock.tickAsync(10_000);
      await settle();
      expect(errors.map((e) => [e.detail.kind, e.detail.retryInMs])).to.deep.equal([['timeout', 500]]);
      expect(net.calls).to.have.length(0);
      await clock.tickAsync(500);
      expect(net.calls).to.have.length(1);
      await show(CODE_A);
      expect(el.state).to.equal('active');
    });

    it('retries when the requestHeaders function throws (a token refresh on a bad network)', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      el = document.createElement('gym-access-qr');
      let calls = 0;
      el.requestHeaders = async () => {
        if (++calls === 1) throw new Error('token endpoint unreachable');
        return { Authorization: 'Bearer t' };
      };
      el.setAttribute('customer-id', CUSTOMER);
      el.setAttribute('token-endpoint', ENDPOINT);
      const errors = record(el, 'gym-access-qr-error');
      document.body.append(el);
      await settle();
      expect(errors.map((e) => e.detail)).to.deep.equal([
        { kind: 'network', retryInMs: 500, message: 'requestHeaders failed: token endpoint unreachable' },
      ]);
      await clock.tickAsync(500);
      expect(new Headers(net.last.init.headers).get('Authorization')).to.equal('Bearer t');
    });

    it('waits Retry-After seconds on 429', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      await net.last.respond(errorResponse(429, { 'Retry-After': '3' }));
      expect(errors.map((e) => e.detail)).to.deep.equal([
        { kind: 'rate-limited', status: 429, retryInMs: 3_000, message: 'access code request failed with HTTP 429' },
      ]);
      await clock.tickAsync(2_999);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(net.calls).to.have.length(2);
    });

    it('waits until a Retry-After date on 429', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      await net.last.respond(errorResponse(429, { 'Retry-After': new Date(Date.now() + 7_000).toUTCString() }));
      expect(errors[0]!.detail.retryInMs).to.equal(7_000);
      await clock.tickAsync(6_999);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(net.calls).to.have.length(2);
    });

    it('falls back to the backoff on 429 without Retry-After', async () => {
      sinon.stub(Math, 'random').returns(0.25);
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      await net.last.respond(errorResponse(429));
      expect(errors[0]!.detail).to.include({ kind: 'rate-limited', retryInMs: 250 });
    });

    const final: [number, string, string][] = [
      [401, 'unauthorized', 'Please sign in again to get your check-in code.'],
      [403, 'forbidden', 'This check-in code is not available for your account.'],
      [404, 'not-found', 'No check-in code was found for your account.'],
      [400, 'http', 'The check-in code could not be loaded.'],
    ];
    for (const [status, kind, text] of final) {
      it(`does not retry HTTP ${status} (${kind}) by itself; the button tries again`, async () => {
        el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
        const errors = record(el, 'gym-access-qr-error');
        await settle();
        await net.last.respond(errorResponse(status));
        expect(errors.map((e) => e.detail)).to.deep.equal([
          { kind, status, retryInMs: null, message: `access code request failed with HTTP ${status}` },
        ]);
        expect(el.state).to.equal('error');
        expect(visibleText(el)).to.equal(`${text} Try again`);
        await clock.tickAsync(120_000);
        expect(net.calls).to.have.length(1);
        el.shadowRoot!.querySelector('button')!.click();
        await settle();
        expect(net.calls).to.have.length(2);
        expect(el.state).to.equal('loading');
        await show(CODE_A);
        expect(el.state).to.equal('active');
      });
    }

    it('hides a shown code when the backend refuses the next one', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      await clock.tickAsync(24_000);
      await net.last.respond(errorResponse(403));
      expect(qrPathOf(el)).to.equal(null);
      expect(el.state).to.equal('error');
    });

    it('retries when the network comes back, at once', async () => {
      sinon.stub(Math, 'random').returns(0.99);
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      for (let i = 0; i < 4; i++) {
        await net.last.fail();
        await clock.tickAsync(30_000);
      }
      await net.last.fail();
      const before = net.calls.length;
      window.dispatchEvent(new Event('online'));
      await settle();
      expect(net.calls).to.have.length(before + 1);
    });
  });

  describe('page visibility', () => {
    it('sends nothing while hidden, and on return hides a code that ran out and fetches one', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      setVisibility('hidden');
      await clock.tickAsync(120_000);
      expect(net.calls).to.have.length(1);

      const expired = record(el, 'gym-access-qr-expired');
      setVisibility('visible');
      // Synchronously: the dead code is gone before the next frame.
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(null);
      expect(expired).to.have.length(1);
      await settle();
      expect(net.calls).to.have.length(2);
      await show(CODE_B);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
    });

    it('sends no first request while hidden', async () => {
      setVisibility('hidden');
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await clock.tickAsync(60_000);
      expect(net.calls).to.have.length(0);
      setVisibility('visible');
      await settle();
      expect(net.calls).to.have.length(1);
    });

    it('keeps a still-valid code on return and refreshes it when due', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      setVisibility('hidden');
      await clock.tickAsync(10_000);
      setVisibility('visible');
      await settle();
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'M').path);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(14_000);
      expect(net.calls).to.have.length(2);
    });

    it('re-checks on pageshow (back/forward cache)', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      setVisibility('hidden');
      await clock.tickAsync(40_000);
      resetVisibility();
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(null);
      await settle();
      expect(net.calls).to.have.length(2);
    });
  });

  describe('changes and clean-up', () => {
    it('drops a late response for the previous customer', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const refreshes = record(el, 'gym-access-qr-refresh');
      await settle();
      const first = net.last;
      el.customerId = '7654321';
      await settle();
      expect(first.aborted()).to.equal(true);
      expect(net.calls).to.have.length(2);
      expect(net.last.url).to.include('/7654321/');
      await first.respond(freshCode(CODE_A));
      expect(qrPathOf(el)).to.equal(null);
      await show(CODE_B);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
      expect(refreshes).to.have.length(1);
    });

    it('hides the shown code at once when the customer changes', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      el.setAttribute('customer-id', '7654321');
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(null);
      expect(el.state).to.equal('loading');
    });

    it('hides the shown code at once when the endpoint changes', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      el.tokenEndpoint = '/other/{customerId}';
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(null);
    });

    it('aborts, clears every timer and sends nothing once removed; resumes when put back', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      await clock.tickAsync(24_000);
      const inFlight = net.last;
      el.remove();
      await settle();
      expect(inFlight.aborted()).to.equal(true);
      expect(clock.countTimers()).to.equal(0);
      await clock.tickAsync(120_000);
      expect(net.calls).to.have.length(2);

      const expired = record(el, 'gym-access-qr-expired');
      document.body.append(el);
      await el.updateComplete;
      // The code ran out while detached: not shown again.
      expect(qrPathOf(el)).to.equal(null);
      expect(expired).to.have.length(1);
      await settle();
      expect(net.calls).to.have.length(3);
      await show(CODE_B);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
    });

    it('keeps a still-valid code when moved in the DOM', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      const box = document.createElement('div');
      document.body.append(box);
      box.append(el);
      await settle();
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'M').path);
      expect(net.calls).to.have.length(1);
      el.remove();
      box.remove();
    });

    it('re-encodes the shown code when error-correction changes, without a request', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      el.errorCorrection = 'H';
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'H').path);
      expect(net.calls).to.have.length(1);
    });

    it('refresh() fetches at once and shares a request already in flight', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      const done = el.refresh();
      void el.refresh();
      await settle();
      expect(net.calls).to.have.length(2);
      await show(CODE_B);
      await done;
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
    });
  });

  describe('configuration errors', () => {
    for (const id of ['12a', '../x', '12345678901234567890', '9223372036854775808', '-1']) {
      it(`refuses customer-id ${JSON.stringify(id)} without a request`, async () => {
        el = await mount({ 'customer-id': id, 'token-endpoint': ENDPOINT });
        const errors = record(el, 'gym-access-qr-error');
        await settle();
        expect(el.state).to.equal('error');
        expect(net.calls).to.have.length(0);
        // The event fired while connecting; a refresh() re-reports it.
        await el.refresh();
        await settle();
        expect(errors.map((e) => [e.detail.kind, e.detail.retryInMs])).to.deep.equal([['config', null]]);
        expect(visibleText(el)).to.equal('The check-in code is not set up correctly on this page.');
        expect(net.calls).to.have.length(0);
      });
    }

    it('reports config at connection time', async () => {
      const errors: CustomEvent[] = [];
      document.body.addEventListener('gym-access-qr-error', (e) => errors.push(e), { once: true });
      el = await mount({ 'customer-id': '12a', 'token-endpoint': ENDPOINT });
      await settle();
      expect(errors.map((e) => e.detail.kind)).to.deep.equal(['config']);
    });

    for (const endpoint of ['javascript:alert(1)', 'data:application/json,{}', 'ftp://example.com/code']) {
      it(`refuses token-endpoint ${endpoint}`, async () => {
        const errors: CustomEvent[] = [];
        document.body.addEventListener('gym-access-qr-error', (e) => errors.push(e), { once: true });
        el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': endpoint });
        await settle();
        expect(el.state).to.equal('error');
        expect(errors.map((e) => e.detail.kind)).to.deep.equal(['config']);
        expect(net.calls).to.have.length(0);
      });
    }

    it('stays idle, quietly, until both customer-id and token-endpoint are set', async () => {
      el = await mount({});
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      expect(el.state).to.equal('idle');
      el.customerId = CUSTOMER;
      await settle();
      expect(el.state).to.equal('idle');
      el.tokenEndpoint = ENDPOINT;
      await settle();
      expect(el.state).to.equal('loading');
      expect(net.calls).to.have.length(1);
      expect(errors).to.have.length(0);
    });

    it('recovers when a bad customer-id is corrected', async () => {
      el = await mount({ 'customer-id': 'abc', 'token-endpoint': ENDPOINT });
      await settle();
      el.customerId = CUSTOMER;
      await settle();
      expect(net.calls).to.have.length(1);
      await show(CODE_A);
      expect(el.state).to.equal('active');
    });

    it('falls back to the defaults for unknown credentials and error-correction values', async () => {
      el = await mount({
        'customer-id': CUSTOMER,
        'token-endpoint': ENDPOINT,
        credentials: 'everything',
        'error-correction': 'X',
      });
      await settle();
      expect(net.last.init.credentials).to.equal('same-origin');
      await show(CODE_A);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'M').path);
    });

    it('ignores a state written from outside', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      el.setAttribute('state', 'active');
      await el.updateComplete;
      expect(el.state).to.equal('loading');
      expect(el.getAttribute('state')).to.equal('loading');
    });
  });

  describe('the content is a secret', () => {
    it('appears nowhere but in the QR path: not in text, attributes or events', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const details: unknown[] = [];
      for (const type of ['gym-access-qr-refresh', 'gym-access-qr-expired', 'gym-access-qr-error'] as const) {
        el.addEventListener(type, (e) => details.push(e.detail));
      }
      const logged = sinon.spy(console, 'log');
      const warned = sinon.spy(console, 'warn');
      await settle();
      await show(CODE_A);
      await clock.tickAsync(24_000);
      await net.last.respond(codeResponse({ format: 'QR_CODE', content: CODE_B, expiresAt: 'never' }));
      await clock.tickAsync(10_000);

      const attributes = [el, ...el.shadowRoot!.querySelectorAll('*')].flatMap((node) =>
        [...node.attributes].map((a) => a.value),
      );
      for (const secret of [CODE_A, CODE_B]) {
        expect(el.shadowRoot!.textContent).to.not.include(secret);
        expect(attributes.join('\n')).to.not.include(secret);
        expect(JSON.stringify(details)).to.not.include(secret);
        expect(JSON.stringify([logged.args, warned.args])).to.not.include(secret);
      }
      expect(details.length).to.be.greaterThan(2);
    });
  });
});
