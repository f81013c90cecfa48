import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import sinon from 'sinon';
import type { GymAccessQr } from '../src/index.js';
import {
  START,
  codeResponse,
  errorResponse,
  fakeClock,
  freshCode,
  iso,
  localTime,
  mount,
  settleOn,
  shownText,
  stubFetch,
  fakeClockAndFetch,
} from './helpers.js';
import { until } from './backend.js';

const CUSTOMER = '1234567';
const ENDPOINT = '/api/customers/{customerId}/access-code';
const CODE_A = '0049267681211943991';
const CODE_B = '0049267681211943992';

/** The clock as it shows (the strips' lines in their windows), or `null` when there is none. */
function clockOf(el: GymAccessQr, where = ''): string | null {
  const clock = el.shadowRoot!.querySelector(`${where} .clock`);
  return clock && shownText(clock);
}
const sheenOf = (el: GymAccessQr) => el.shadowRoot!.querySelector<HTMLElement>('.sheen');
const liveRegions = (el: GymAccessQr) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.live')];
/** What the live regions hold (both the same: one in place, one in the full-screen view). */
function said(el: GymAccessQr): string {
  const texts = liveRegions(el).map((region) => (region.textContent ?? '').trim());
  expect(new Set(texts).size, 'both live regions say the same').to.equal(1);
  return texts[0]!;
}

describe('<gym-access-qr> liveness cue (faked clock)', () => {
  const { clock, net, settle } = fakeClockAndFetch();
  let el: GymAccessQr | undefined;

  it("shows the time on the server's clock (its Date header) under the code, ticking once a second", async () => {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    await settle();
    // The server's clock is 2 h 5 min 7 s ahead of the device's.
    const serverNow = new Date(2026, 2, 2, 9, 5, 7).getTime();
    await net.last.respond(freshCode(CODE_A, 30_000, serverNow));
    expect(clockOf(el)).to.equal('09:05:07');
    await clock.tickAsync(1_000);
    expect(clockOf(el)).to.equal('09:05:08');
    await clock.tickAsync(9_000);
    expect(clockOf(el)).to.equal('09:05:17');
    // A jumping device clock does not move it: it runs on the monotonic clock from the header.
    clock.setSystemTime(Date.now() + 86_400_000);
    await clock.tickAsync(1_000);
    expect(clockOf(el)).to.equal('09:05:18');
  });

  it("counts from the header even when the response was slow, and starts again from each new code's header", async () => {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    await settle();
    const serverNow = new Date(2026, 2, 2, 18, 30, 0).getTime();
    await clock.tickAsync(2_000); // the response takes 2 s; the header says when the server answered
    await net.last.respond(freshCode(CODE_A, 30_000, serverNow));
    expect(clockOf(el)).to.equal('18:30:00');
    await clock.tickAsync(22_000); // the next request goes out
    expect(clockOf(el)).to.equal('18:30:22');
    // The next header is half a minute off from what the device counted: the new code's header wins.
    await net.last.respond(freshCode(CODE_B, 30_000, serverNow + 52_000));
    expect(clockOf(el)).to.equal('18:30:52');
  });

  it('uses the device clock when the Date header cannot be read', async () => {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    await settle();
    await net.last.respond(
      codeResponse({ format: 'QR_CODE', content: CODE_A, expiresAt: iso(START + 30_000) }, { date: null }),
    );
    expect(clockOf(el)).to.equal(localTime(START));
    await clock.tickAsync(3_000);
    expect(clockOf(el)).to.equal(localTime(START + 3_000));
  });

  it('shows no clock without a code, and the clock in the full-screen view', async () => {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    await settle();
    expect(clockOf(el)).to.equal(null);
    await net.last.respond(freshCode(CODE_A, 30_000, new Date(2026, 2, 2, 6, 0, 0).getTime()));
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.enlarge')!.click();
    await settle();
    expect(clockOf(el, 'dialog')).to.equal('06:00:00');
    await clock.tickAsync(2_000);
    expect(clockOf(el, 'dialog')).to.equal('06:00:02');
    expect(el.shadowRoot!.querySelector('.clock')!.getAttribute('aria-hidden')).to.equal('true');
  });

  it('moves a sheen across the ring with a compositor-only (transform) animation that never ends', async () => {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    await settle();
    expect(sheenOf(el)).to.equal(null); // no code, no cue
    await net.last.respond(freshCode(CODE_A));
    const sheen = sheenOf(el)!;
    expect(sheen.closest('.ring'), "on the card's border, the ring").to.not.equal(null);
    const animations = sheen.getAnimations();
    expect(animations).to.have.length(1);
    const effect = animations[0]!.effect as KeyframeEffect;
    expect(effect.getTiming().iterations).to.equal(Infinity);
    const animated = new Set(effect.getKeyframes().flatMap((frame) => Object.keys(frame)));
    for (const meta of ['offset', 'computedOffset', 'easing', 'composite']) animated.delete(meta);
    expect(
      [...animated].every((property) => property === 'transform' || property === 'opacity'),
      [...animated].join(),
    ).to.equal(true);
    // The code is painted above the sheen.
    expect(getComputedStyle(el.shadowRoot!.querySelector('svg.qr')!).position).to.equal('relative');
  });
});

/**
 * Sets the page's reduced-motion preference where the runner can (Chromium's DevTools protocol);
 * resolves false where it cannot (Firefox through WebDriver BiDi, WebKit through WebDriver).
 */
async function preferReducedMotion(reduce: boolean): Promise<boolean> {
  try {
    await emulateMedia({ reducedMotion: reduce ? 'reduce' : 'no-preference' });
    return true;
  } catch {
    return false;
  }
}

/** The declarations the element's own style sheets give `selector` under `media`. */
function rulesUnder(el: GymAccessQr, media: string, selector: string): CSSStyleDeclaration[] {
  const sheets = [
    ...el.shadowRoot!.adoptedStyleSheets,
    ...[...el.shadowRoot!.querySelectorAll('style')].map((style) => style.sheet!),
  ];
  return sheets
    .flatMap((sheet) => [...sheet.cssRules])
    .filter((rule): rule is CSSMediaRule => rule instanceof CSSMediaRule && rule.media.mediaText.includes(media))
    .flatMap((rule) => [...rule.cssRules])
    .filter((rule): rule is CSSStyleRule => rule instanceof CSSStyleRule && rule.selectorText === selector)
    .map((rule) => rule.style);
}

describe('<gym-access-qr> liveness cue with reduced motion', () => {
  let el: GymAccessQr | undefined;
  let clock: sinon.SinonFakeTimers | undefined;

  afterEach(async () => {
    el?.remove();
    el = undefined;
    sinon.restore();
    clock?.uninstall();
    clock = undefined;
    await preferReducedMotion(false);
  });

  it('stops the sheen, and the clock still ticks', async () => {
    const emulated = await preferReducedMotion(true);
    if (emulated) expect(matchMedia('(prefers-reduced-motion: reduce)').matches).to.equal(true);
    clock = fakeClock();
    const settle = () => settleOn(clock!);
    const net = stubFetch(settle);
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    await settle();
    await net.last.respond(freshCode(CODE_A, 30_000, new Date(2026, 2, 2, 12, 0, 0).getTime()));
    const sheen = sheenOf(el)!;
    // Hidden rather than removed: an animation on an element without a box would cost a frame every 16 ms.
    if (emulated) {
      expect(getComputedStyle(sheen).visibility).to.equal('hidden');
    } else {
      // This runner cannot set the preference: check the rule that stops the sheen under it instead.
      expect(rulesUnder(el, 'prefers-reduced-motion: reduce', '.sheen').map((style) => style.visibility)).to.deep.equal(
        ['hidden'],
      );
    }
    expect(clockOf(el)).to.equal('12:00:00');
    await clock.tickAsync(1_000);
    expect(clockOf(el)).to.equal('12:00:01');
  });

  it('runs the sheen again without the preference', async () => {
    await preferReducedMotion(false);
    clock = fakeClock();
    const settle = () => settleOn(clock!);
    const net = stubFetch(settle);
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    await settle();
    await net.last.respond(freshCode(CODE_A));
    const sheen = sheenOf(el)!;
    expect(getComputedStyle(sheen).visibility).to.equal('visible');
    // A hop across the ring each second, back to the start every four.
    const at = () => new DOMMatrixReadOnly(getComputedStyle(sheen).transform).m41;
    const hops = [at()];
    for (let i = 0; i < 4; i++) {
      await clock.tickAsync(1_000);
      hops.push(at());
    }
    expect(new Set(hops.slice(0, 4)).size, hops.join()).to.equal(4);
    expect(hops[4]).to.equal(hops[0]);
  });
});

describe('<gym-access-qr> announcements (faked clock)', () => {
  const { clock, net, settle } = fakeClockAndFetch();
  let el: GymAccessQr | undefined;

  /** Counts every change inside the live regions (text or nodes). */
  function watch(target: GymAccessQr) {
    const changes: MutationRecord[] = [];
    const observer = new MutationObserver((records) => changes.push(...records));
    for (const region of liveRegions(target))
      observer.observe(region, { subtree: true, childList: true, characterData: true });
    return {
      changes,
      take: () => {
        changes.push(...observer.takeRecords());
        const n = changes.length;
        changes.length = 0;
        return n;
      },
      stop: () => observer.disconnect(),
    };
  }

  it('has polite live regions from the first render, empty, and says each change once, never the countdown', async () => {
    sinon.stub(Math, 'random').returns(0.5);
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    const regions = liveRegions(el);
    expect(regions).to.have.length(2);
    for (const region of regions) expect(region.getAttribute('role')).to.equal('status');
    expect(said(el)).to.equal('');
    const live = watch(el);
    await settle();
    expect(said(el), 'the first load is not news').to.equal('');

    await net.last.respond(freshCode(CODE_A));
    expect(said(el)).to.equal('New check-in code shown.');
    expect(live.take()).to.be.greaterThan(0);

    // Ten seconds of countdown: the regions do not change at all.
    await clock.tickAsync(10_000);
    expect(live.take(), 'silent during the countdown').to.equal(0);
    expect(said(el)).to.equal('New check-in code shown.');

    // A failed refresh behind the valid code is silent too.
    await clock.tickAsync(14_000);
    await net.last.fail();
    expect(live.take()).to.equal(0);

    // The retry brings the next code: the same words, said again (a new text node).
    await clock.tickAsync(500);
    await net.last.respond(freshCode(CODE_B));
    expect(live.take()).to.be.greaterThan(0);
    expect(said(el)).to.equal('New check-in code shown.');

    // No successor in time (its Date header gave it 29.5 s): expired.
    await clock.tickAsync(24_500);
    expect(net.last.at).to.equal(49_000);
    await clock.tickAsync(5_000);
    expect(el.state).to.equal('expired');
    expect(said(el)).to.equal('This code has expired. Getting a new one…');
    live.take();
    // The request in flight fails: the expired view says "retrying", once.
    await net.last.fail();
    expect(said(el)).to.equal('No connection. Trying again…');
    expect(live.take()).to.be.greaterThan(0);
    await clock.tickAsync(500);
    await net.last.fail();
    expect(live.take(), 'the same retry message is not repeated').to.equal(0);

    await clock.tickAsync(1_000);
    expect(net.calls).to.have.length(6);
    await net.last.respond(freshCode(CODE_A));
    expect(said(el)).to.equal('New check-in code shown.');

    el.invalidate('checkin');
    await el.updateComplete;
    expect(said(el)).to.equal('You are checked in. Enjoy your workout!');

    el.shadowRoot!.querySelector<HTMLButtonElement>('.message button')!.click();
    await settle();
    await net.last.respond(errorResponse(401));
    expect(said(el)).to.equal('Please sign in again to get your check-in code.');
    // The regions are the ones from the first render.
    expect(liveRegions(el)).to.deep.equal(regions);
    live.stop();
  });

  it('does not announce what is on screen at the first render (a configuration error)', async () => {
    el = await mount({ 'customer-id': 'abc', 'token-endpoint': ENDPOINT });
    await settle();
    expect(el.state).to.equal('error');
    expect(said(el)).to.equal('');
    el.customerId = CUSTOMER;
    await settle();
    await net.last.respond(freshCode(CODE_A));
    expect(said(el)).to.equal('New check-in code shown.');
  });

  it('speaks German on a German page', async () => {
    document.documentElement.lang = 'de';
    try {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await net.last.respond(freshCode(CODE_A));
      expect(said(el)).to.equal('Neuer Check-in-Code angezeigt.');
      await clock.tickAsync(29_000);
      expect(said(el)).to.equal('Dieser Code ist abgelaufen. Ein neuer wird geholt…');
    } finally {
      document.documentElement.lang = 'en';
    }
  });

  it('keeps the countdown and the clock out of the accessibility tree', async () => {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    await settle();
    await net.last.respond(freshCode(CODE_A));
    for (const part of ['.countdown', '.clock']) {
      expect(el.shadowRoot!.querySelector(part)!.getAttribute('aria-hidden'), part).to.equal('true');
      expect(el.shadowRoot!.querySelector(part)!.closest('[role="status"],[aria-live]'), part).to.equal(null);
    }
  });
});

describe("<gym-access-qr> on the page's own timeline (no faked clock)", () => {
  let el: GymAccessQr | undefined;

  afterEach(() => {
    el?.remove();
    el = undefined;
    sinon.restore();
  });

  it("shows the time left and the server's time as the browser runs the animations", async () => {
    // The steps are placed by start time on the document's timeline, which counts from the page's time origin
    // as performance.now() does: a timeline on another base would show other digits here.
    const net = stubFetch(async () => {});
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    await new Promise((done) => setTimeout(done));
    // The server's clock 2 h 10 min ahead of the device's, so only the Date header can put this time on the clock.
    const serverNow = Date.now() + 7_800_000;
    await net.last.respond(freshCode(CODE_A, 30_000, serverNow));
    await until(() => el!.state === 'active', 2_000, 'the code');
    await el.updateComplete;
    const shown = (part: string) => shownText(el!.shadowRoot!.querySelector(part)!);
    // Up to 30 s, less the second the Date header may hide; a slow page may have used a few of them already.
    expect(shown('.countdown')).to.match(/^0:(30|[12]\d)$/);
    const seconds = (time: string) => time.split(':').reduce((sum, field) => sum * 60 + Number(field), 0);
    const behind =
      (seconds(localTime(serverNow + (performance.now() - net.last.at))) - seconds(shown('.clock')) + 86_400) % 86_400;
    expect(behind, `${shown('.clock')} for ${localTime(serverNow)}`).to.be.below(10);
  });
});
