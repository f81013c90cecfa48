import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { GymAccessQr } from '../src/index.js';
import {
  START,
  codeResponse,
  freshCode,
  iso,
  localTime,
  mount,
  qrPathOf,
  record,
  visibleText,
  setVisibility,
  fakeClockAndFetch,
  CUSTOMER,
  ENDPOINT,
  CODE_A,
  CODE_B,
} from './helpers.js';
import { qrImage } from '../src/internal/qr.js';
import { startEarlyRequests } from '../src/internal/access-code-fetch.js';

// <gym-access-qr> under a faked clock: the first code: its request, the QR, the countdown, the events.

describe('<gym-access-qr> with a faked clock', () => {
  const { clock, net, settle, show, afterPaint } = fakeClockAndFetch();
  let el: GymAccessQr | undefined;

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

    it('sends the request before its first render', async () => {
      el = document.createElement('gym-access-qr');
      el.setAttribute('customer-id', CUSTOMER);
      el.setAttribute('token-endpoint', ENDPOINT);
      el.requestHeaders = { 'X-Member': 'm-1' };
      // How many requests had left when the element first rendered.
      const requestsAtRender: number[] = [];
      const render = Object.getPrototypeOf(el).render as () => unknown;
      Object.assign(el, {
        render(this: GymAccessQr) {
          requestsAtRender.push(net.calls.length);
          return render.call(this);
        },
      });
      document.body.append(el);
      await el.updateComplete;

      expect(requestsAtRender[0]).to.equal(1);
      expect(new Headers(net.last.init.headers).get('X-Member')).to.equal('m-1');
      await settle();
      await show(CODE_A);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'M')!.path);
    });

    it('sends properties set before the tag was defined with its first requests, code and check-ins alike', async () => {
      // A page script that runs before the drop-in module sets them on an element not yet upgraded.
      const tag = 'gym-access-qr-defined-late';
      const late = document.createElement(tag) as GymAccessQr;
      late.setAttribute('customer-id', CUSTOMER);
      late.setAttribute('token-endpoint', ENDPOINT);
      late.setAttribute('events-endpoint', '/api/customers/{customerId}/events');
      Object.assign(late, { requestHeaders: { Authorization: 'Bearer member-token' }, credentials: 'include' });
      document.body.append(late);
      try {
        customElements.define(tag, class extends GymAccessQr {});
        await settle();
        const sent = net.calls.map(({ url, init }) => [
          new URL(url).pathname,
          new Headers(init.headers).get('Authorization'),
          init.credentials,
        ]);
        expect(sent).to.deep.equal([
          [`/api/customers/${CUSTOMER}/access-code`, 'Bearer member-token', 'include'],
          [`/api/customers/${CUSTOMER}/events`, 'Bearer member-token', 'include'],
        ]);
      } finally {
        late.remove();
      }
    });

    describe('a tag already in the page when the bundle runs', () => {
      // The drop-in bundle's first module calls startEarlyRequests() for its tag before Lit and the element are
      // evaluated; the element is defined later in the same task. Each test plays that under a tag of its own.
      let tags = 0;
      const inPage = (attributes: Record<string, string>, properties: Partial<GymAccessQr> = {}) => {
        const tag = `gym-access-qr-early-${++tags}`;
        const tagged = document.createElement(tag) as GymAccessQr;
        for (const [name, value] of Object.entries(attributes)) tagged.setAttribute(name, value);
        Object.assign(tagged, properties);
        document.body.append(tagged);
        return { tag, tagged, define: () => customElements.define(tag, class extends GymAccessQr {}) };
      };
      afterEach(() => {
        for (const early of document.querySelectorAll('[customer-id]')) early.remove();
      });

      it('sends its first request before the element is defined, and the element shows that answer: one request', async () => {
        const { tag, tagged, define } = inPage({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
        startEarlyRequests(tag);
        expect(net.calls).to.have.length(1);
        const { url, init } = net.last;
        expect(url).to.equal(new URL(`/api/customers/${CUSTOMER}/access-code`, document.baseURI).href);
        expect(init.credentials).to.equal('same-origin');
        expect(init.cache).to.equal('no-store');
        expect(new Headers(init.headers).get('Accept')).to.equal('application/json');
        define();
        const refreshes = record(tagged, 'gym-access-qr-refresh');
        await settle();
        expect(net.calls).to.have.length(1);
        expect(tagged.state).to.equal('loading');
        await clock.tickAsync(2_000);
        await show(CODE_A);
        expect(tagged.state).to.equal('active');
        expect(qrPathOf(tagged)).to.equal(qrImage(CODE_A, 'M').path);
        expect(refreshes).to.have.length(1);
        // Counted from the early request: 30 s on the server's clock, 2 s on the way, a second for the Date header.
        expect(tagged.shadowRoot!.querySelector('[role="img"]')!.getAttribute('aria-label')).to.equal(
          'Check-in code, valid for 27 more seconds',
        );
        await clock.tickAsync(25_000);
        expect(net.calls).to.have.length(2);
      });

      it('reports a failed early request as its own and tries again as it would', async () => {
        const { tag, tagged, define } = inPage({
          'customer-id': CUSTOMER,
          'token-endpoint': ENDPOINT,
          credentials: 'include',
        });
        startEarlyRequests(tag);
        expect(net.last.init.credentials).to.equal('include');
        define();
        const errors = record(tagged, 'gym-access-qr-error');
        await settle();
        await net.last.respond(new Response('', { status: 503 }));
        expect(errors.map((e) => [e.detail.kind, e.detail.status])).to.deep.equal([['http', 503]]);
        await clock.tickAsync(errors[0]!.detail.retryInMs!);
        expect(net.calls).to.have.length(2);
        await show(CODE_A);
        expect(tagged.state).to.equal('active');
      });

      it('leaves the request to the element when a script set its properties, or it is not configured right', async () => {
        const scripted = inPage(
          { 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT },
          { requestHeaders: { Authorization: 'Bearer member-token' } },
        );
        const wrongId = inPage({ 'customer-id': '12a', 'token-endpoint': ENDPOINT });
        const noEndpoint = inPage({ 'customer-id': CUSTOMER });
        for (const { tag } of [scripted, wrongId, noEndpoint]) startEarlyRequests(tag);
        expect(net.calls).to.have.length(0);
        scripted.define();
        await settle();
        expect(net.calls.map((c) => new Headers(c.init.headers).get('Authorization'))).to.deep.equal([
          'Bearer member-token',
        ]);
      });

      it('sends nothing while the page is hidden', async () => {
        const { tag } = inPage({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
        setVisibility('hidden');
        startEarlyRequests(tag);
        expect(net.calls).to.have.length(0);
      });

      it('aborts an early request that no element took once the task is over', async () => {
        const { tag } = inPage({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
        startEarlyRequests(tag);
        expect(net.last.aborted()).to.equal(false);
        await settle();
        expect(net.last.aborted()).to.equal(true);
        expect(net.calls).to.have.length(1);
      });
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
      // The ring's first sight of the screen re-places its animations (one render); the seconds after it need none.
      await afterPaint();
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
});
