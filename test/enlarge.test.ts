import { expect } from '@open-wc/testing';
import { sendKeys, sendMouse, resetMouse } from '@web/test-runner-commands';
import sinon from 'sinon';
import type { GymAccessQr } from '../src/index.js';
import { qrImage } from '../src/internal/qr.js';
import {
  decodeShownQr,
  freshCode,
  errorResponse,
  mount,
  qrPathOf,
  record,
  shownText,
  stubFetch,
  visibleText,
  fakeClockAndFetch,
} from './helpers.js';
import { until } from './backend.js';

const CUSTOMER = '1234567';
const ENDPOINT = '/api/customers/{customerId}/access-code';
const CODE_A = '0049267681211943991';
const CODE_B = '0049267681211943992';

function parts(el: GymAccessQr) {
  const root = el.shadowRoot!;
  return {
    dialog: root.querySelector('dialog')!,
    enlarge: root.querySelector<HTMLButtonElement>('button.enlarge'),
    close: root.querySelector<HTMLButtonElement>('dialog button.close'),
    /** The QR inside the full-screen view, if it is there. */
    bigQr: root.querySelector<SVGSVGElement>('dialog svg.qr'),
    focused: () => root.activeElement,
  };
}

/** Clicks at the middle of an element with the real mouse, as a member's finger would. */
async function tap(target: Element) {
  const { x, y, width, height } = target.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(x + width / 2), Math.round(y + height / 2)] });
}

/** Waits (real clock) until the element has rendered whatever the last event changed. */
async function rendered(el: GymAccessQr) {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await el.updateComplete;
  }
}

describe('<gym-access-qr> enlarged, by pointer and keyboard (real clock)', () => {
  let net: ReturnType<typeof stubFetch>;
  let el: GymAccessQr | undefined;
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  };

  async function showing(attributes: Record<string, string> = {}) {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT, ...attributes });
    await settle();
    await net.last.respond(freshCode(CODE_A));
    await el.updateComplete;
    return el;
  }

  beforeEach(() => {
    net = stubFetch(settle);
    // The modal alone, as on iPhone Safari (no element fullscreen). The Fullscreen API is tested with a stand-in
    // below, and for real, as far as focus goes, in the last suite.
    sinon.stub(Element.prototype, 'requestFullscreen').rejects(new TypeError('fullscreen is not available'));
  });

  afterEach(async () => {
    el?.remove();
    el = undefined;
    sinon.restore();
    await resetMouse();
  });

  it('shows the code as a button named "Show larger" (localised) and nothing to enlarge before a code', async () => {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    await settle();
    expect(parts(el).enlarge).to.equal(null);
    await net.last.respond(freshCode(CODE_A));
    await el.updateComplete;
    const button = parts(el).enlarge!;
    expect(button.tagName).to.equal('BUTTON');
    expect(button.getAttribute('aria-label')).to.equal('Show larger');
    el.setAttribute('lang', 'de');
    await el.updateComplete;
    expect(button.getAttribute('aria-label')).to.equal('Größer anzeigen');
  });

  it('opens on a tap on the code, fires enlarge, and closes on a tap on the big code with shrink', async () => {
    await showing();
    const enlarges = record(el!, 'gym-access-qr-enlarge');
    const shrinks = record(el!, 'gym-access-qr-shrink');
    await tap(el!.shadowRoot!.querySelector('svg.qr')!);
    await rendered(el!);
    const { dialog, bigQr } = parts(el!);
    expect(dialog.open).to.equal(true);
    expect(dialog.matches(':modal'), 'a modal dialog in the top layer').to.equal(true);
    expect(bigQr, 'the code moved into the full-screen view').to.not.equal(null);
    expect(el!.shadowRoot!.querySelectorAll('svg.qr')).to.have.length(1);
    expect(enlarges).to.have.length(1);
    expect(enlarges[0]!.detail).to.deep.equal({});
    expect(enlarges[0]!.bubbles && enlarges[0]!.composed).to.equal(true);

    await tap(parts(el!).bigQr!);
    await rendered(el!);
    expect(dialog.open).to.equal(false);
    expect(parts(el!).bigQr).to.equal(null);
    expect(qrPathOf(el!)).to.equal(qrImage(CODE_A, 'M').path);
    expect(shrinks).to.have.length(1);
    expect(shrinks[0]!.detail).to.deep.equal({});
    expect(shrinks[0]!.bubbles && shrinks[0]!.composed).to.equal(true);
  });

  it('opens with Enter, closes with Escape, and gives focus back to the code', async () => {
    await showing();
    const shrinks = record(el!, 'gym-access-qr-shrink');
    parts(el!).enlarge!.focus();
    await sendKeys({ press: 'Enter' });
    await rendered(el!);
    expect(parts(el!).dialog.open).to.equal(true);
    expect(parts(el!).focused(), 'focus is inside the full-screen view').to.equal(parts(el!).close);

    await sendKeys({ press: 'Escape' });
    await rendered(el!);
    expect(parts(el!).dialog.open).to.equal(false);
    expect(shrinks).to.have.length(1);
    expect(parts(el!).focused()).to.equal(parts(el!).enlarge);
  });

  it('opens with Space and closes with the visible close button, focus back on the code', async () => {
    await showing();
    parts(el!).enlarge!.focus();
    // ' ' rather than 'Space': the one name every runner's keyboard knows.
    await sendKeys({ press: ' ' });
    await rendered(el!);
    expect(parts(el!).dialog.open).to.equal(true);
    const close = parts(el!).close!;
    expect(close.textContent!.trim()).to.equal('Close');
    const { width, height } = close.getBoundingClientRect();
    expect(width * height, 'the close button is visible').to.be.greaterThan(0);

    await tap(close);
    await rendered(el!);
    expect(parts(el!).dialog.open).to.equal(false);
    expect(parts(el!).focused()).to.equal(parts(el!).enlarge);
  });

  it('closes with the keyboard on the close button (Tab order: the close button is reachable)', async () => {
    await showing();
    parts(el!).enlarge!.focus();
    await sendKeys({ press: 'Enter' });
    await rendered(el!);
    expect(parts(el!).focused()).to.equal(parts(el!).close);
    await sendKeys({ press: 'Enter' });
    await rendered(el!);
    expect(parts(el!).dialog.open).to.equal(false);
    expect(parts(el!).focused()).to.equal(parts(el!).enlarge);
  });

  it("shows the QR, quiet zone included, over at least 80 % of the viewport's short side, on white, and it decodes", async () => {
    await showing();
    await tap(parts(el!).enlarge!);
    await rendered(el!);
    const qr = parts(el!).bigQr!;
    const short = Math.min(innerWidth, innerHeight);
    const box = qr.getBoundingClientRect();
    expect(box.width / short).to.be.at.least(0.8);
    expect(box.height).to.be.closeTo(box.width, 1);
    // The whole code is on screen.
    expect(box.left).to.be.at.least(0);
    expect(box.top).to.be.at.least(0);
    expect(box.right).to.be.at.most(innerWidth);
    expect(box.bottom).to.be.at.most(innerHeight);
    // The viewBox is the quiet zone plus the modules: the measured box holds the quiet zone.
    expect(qr.getAttribute('viewBox')).to.equal(`0 0 ${qrImage(CODE_A, 'M').size} ${qrImage(CODE_A, 'M').size}`);
    // Opaque white around it, whatever the page.
    const sheet = el!.shadowRoot!.querySelector('.sheet')!;
    expect(getComputedStyle(sheet).backgroundColor).to.equal('rgb(255, 255, 255)');
    const sheetBox = sheet.getBoundingClientRect();
    expect([sheetBox.left, sheetBox.top, sheetBox.width, sheetBox.height]).to.deep.equal([
      0,
      0,
      innerWidth,
      innerHeight,
    ]);
    expect(await decodeShownQr(el!, Math.round(box.width))).to.equal(CODE_A);
  });

  it('is opaque white on a dark page too', async () => {
    document.documentElement.style.setProperty('color-scheme', 'dark');
    document.body.style.setProperty('background', '#121212');
    document.body.style.setProperty('color', '#eee');
    try {
      await showing();
      parts(el!).enlarge!.click();
      await rendered(el!);
      const sheet = el!.shadowRoot!.querySelector('.sheet')!;
      expect(getComputedStyle(sheet).backgroundColor).to.equal('rgb(255, 255, 255)');
      expect(getComputedStyle(sheet).color).to.equal('rgb(17, 17, 17)');
      expect(await decodeShownQr(el!)).to.equal(CODE_A);
    } finally {
      document.documentElement.style.removeProperty('color-scheme');
      document.body.style.removeProperty('background');
      document.body.style.removeProperty('color');
    }
  });

  it('has no button with enlarge="off", and closes an open view when switched off', async () => {
    await showing({ enlarge: 'off' });
    expect(parts(el!).enlarge).to.equal(null);
    el!.enlarge = 'on';
    await el!.updateComplete;
    const shrinks = record(el!, 'gym-access-qr-shrink');
    parts(el!).enlarge!.click();
    await rendered(el!);
    expect(parts(el!).dialog.open).to.equal(true);
    el!.setAttribute('enlarge', 'off');
    await rendered(el!);
    expect(parts(el!).dialog.open).to.equal(false);
    expect(parts(el!).enlarge).to.equal(null);
    expect(shrinks).to.have.length(1);
    expect(qrPathOf(el!)).to.equal(qrImage(CODE_A, 'M').path);
  });

  it('starts small again when removed while enlarged and put back', async () => {
    await showing();
    parts(el!).enlarge!.click();
    await rendered(el!);
    const box = document.createElement('div');
    document.body.append(box);
    box.append(el!);
    await rendered(el!);
    expect(parts(el!).dialog.open).to.equal(false);
    expect(parts(el!).dialog.matches(':modal')).to.equal(false);
    expect(qrPathOf(el!)).to.equal(qrImage(CODE_A, 'M').path);
    expect(parts(el!).bigQr).to.equal(null);
    box.remove();
  });

  it("keeps a message's button working inside the view (a tap on it does not close)", async () => {
    await showing();
    parts(el!).enlarge!.click();
    await rendered(el!);
    el!.invalidate('checkin');
    await rendered(el!);
    const again = el!.shadowRoot!.querySelector<HTMLButtonElement>('dialog .message button')!;
    expect(again.textContent!.trim()).to.equal('Show a new code');
    await tap(again);
    await settle();
    expect(parts(el!).dialog.open).to.equal(true);
    expect(net.calls).to.have.length(2);
    await net.last.respond(freshCode(CODE_B));
    await rendered(el!);
    expect(parts(el!).bigQr!.querySelector('path.dark')!.getAttribute('d')).to.equal(qrImage(CODE_B, 'M').path);
  });

  it("gives focus to the message's button on close when the code left meanwhile", async () => {
    await showing();
    parts(el!).enlarge!.focus();
    await sendKeys({ press: 'Enter' });
    await rendered(el!);
    el!.invalidate('manual');
    await rendered(el!);
    await sendKeys({ press: 'Escape' });
    await rendered(el!);
    expect(parts(el!).dialog.open).to.equal(false);
    expect(parts(el!).enlarge).to.equal(null);
    expect(parts(el!).focused()?.textContent?.trim()).to.equal('Show a new code');
  });
});

describe('<gym-access-qr> enlarged, over time (faked clock)', () => {
  const { clock, net, settle } = fakeClockAndFetch();
  let el: GymAccessQr | undefined;

  async function enlarged(attributes: Record<string, string> = {}) {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT, ...attributes });
    await settle();
    await net.last.respond(freshCode(CODE_A));
    parts(el).enlarge!.click();
    await settle();
    expect(parts(el).dialog.open).to.equal(true);
    return el;
  }

  const bigPath = () => parts(el!).bigQr?.querySelector('path.dark')?.getAttribute('d') ?? null;
  const dialogText = () => shownText(parts(el!).dialog);

  beforeEach(() => {
    // The earlier suites' real input leaves the page a few seconds of user activation, which would let the
    // browser really go full screen here: the modal alone, as on iPhone Safari.
    sinon.stub(Element.prototype, 'requestFullscreen').rejects(new TypeError('fullscreen is not available'));
  });

  afterEach(() => {
    delete (navigator as { wakeLock?: unknown }).wakeLock;
  });

  it('keeps rotating inside the view, swapping codes in one render', async () => {
    await enlarged();
    expect(bigPath()).to.equal(qrImage(CODE_A, 'M').path);
    await clock.tickAsync(24_000);
    expect(net.calls).to.have.length(2);
    expect(bigPath()).to.equal(qrImage(CODE_A, 'M').path);
    expect(dialogText()).to.match(/^0:05 /);
    const paths: (string | null)[] = [];
    const observer = new MutationObserver(() => paths.push(bigPath()));
    observer.observe(el!.shadowRoot!, { subtree: true, childList: true, attributes: true });
    await net.last.respond(freshCode(CODE_B));
    observer.disconnect();
    expect(bigPath()).to.equal(qrImage(CODE_B, 'M').path);
    expect(paths).to.not.include(null);
    expect(parts(el!).dialog.open).to.equal(true);
    expect(dialogText()).to.match(/^0:29 /);
  });

  it('hides an expired code inside the view at its deadline and shows the next one there', async () => {
    await enlarged();
    const expired = record(el!, 'gym-access-qr-expired');
    await clock.tickAsync(28_999);
    expect(bigPath()).to.equal(qrImage(CODE_A, 'M').path);
    await clock.tickAsync(1);
    expect(bigPath()).to.equal(null);
    expect(qrPathOf(el!)).to.equal(null);
    expect(expired).to.have.length(1);
    expect(parts(el!).dialog.open).to.equal(true);
    expect(dialogText()).to.equal('This code has expired. Getting a new one… Close');
    await net.last.respond(freshCode(CODE_B));
    expect(bigPath()).to.equal(qrImage(CODE_B, 'M').path);
  });

  it('shows a check-in inside the view the moment it happens', async () => {
    await enlarged();
    el!.invalidate('checkin');
    await el!.updateComplete;
    expect(bigPath()).to.equal(null);
    expect(dialogText()).to.equal('You are checked in. Enjoy your workout! Show a new code Close');
    expect(parts(el!).dialog.open).to.equal(true);
  });

  it('shows an error inside the view, with its button', async () => {
    await enlarged();
    await clock.tickAsync(24_000);
    await net.last.respond(errorResponse(401));
    expect(bigPath()).to.equal(null);
    expect(dialogText()).to.equal('Please sign in again to get your check-in code. Try again Close');
  });

  it('leaves the small view without a code while enlarged (one code on screen), and takes it back on close', async () => {
    await enlarged();
    expect(el!.shadowRoot!.querySelectorAll('svg.qr')).to.have.length(1);
    expect(el!.shadowRoot!.querySelector('svg.qr')!.closest('dialog')).to.not.equal(null);
    parts(el!).close!.click();
    await settle();
    expect(parts(el!).dialog.open).to.equal(false);
    expect(qrPathOf(el!)).to.equal(qrImage(CODE_A, 'M').path);
    expect(visibleText(el!)).to.match(/^0:29 /);
  });

  it('holds the keep-awake lock while enlarged, also over a message', async () => {
    const held: { release(): Promise<void> }[] = [];
    const request = sinon.spy(async () => {
      const lock = Object.assign(new EventTarget(), {
        release: async () => void held.splice(held.indexOf(lock), 1),
      });
      held.push(lock);
      return lock;
    });
    Object.defineProperty(navigator, 'wakeLock', { configurable: true, value: { request } });
    await enlarged({ 'keep-awake': '' });
    expect(held).to.have.length(1);
    await clock.tickAsync(29_000); // no successor: expired, still enlarged
    await settle();
    expect(el!.state).to.equal('expired');
    expect(held).to.have.length(1);
    parts(el!).close!.click();
    await settle();
    expect(held, 'small and without a code: nothing to keep awake for').to.have.length(0);
  });
});

describe('<gym-access-qr> enlarged, with the Fullscreen API', () => {
  let net: ReturnType<typeof stubFetch>;
  let el: GymAccessQr | undefined;
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  };

  afterEach(() => {
    el?.remove();
    el = undefined;
    sinon.restore();
  });

  /** A browser that grants fullscreen: records the element and reports it as the shadow root's fullscreen element. */
  function grantFullscreen(target: GymAccessQr) {
    let full: Element | null = null;
    const request = sinon.stub(Element.prototype, 'requestFullscreen').callsFake(async function (this: Element) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the stub records which element asked
      full = this;
      document.dispatchEvent(new Event('fullscreenchange'));
    });
    Object.defineProperty(target.shadowRoot!, 'fullscreenElement', { configurable: true, get: () => full });
    const exit = sinon.stub(document, 'exitFullscreen').callsFake(async () => {
      full = null;
      document.dispatchEvent(new Event('fullscreenchange'));
    });
    return {
      request,
      exit,
      /** What the browser does on Escape or a system gesture. */
      leave() {
        full = null;
        document.dispatchEvent(new Event('fullscreenchange'));
      },
    };
  }

  beforeEach(() => {
    net = stubFetch(settle);
  });

  async function showing() {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    await settle();
    await net.last.respond(freshCode(CODE_A));
    await el.updateComplete;
    return el;
  }

  it("puts the view's sheet (a dialog may not go full screen itself) full screen, and leaves it on close", async () => {
    await showing();
    const fullscreen = grantFullscreen(el!);
    parts(el!).enlarge!.click();
    await rendered(el!);
    expect(fullscreen.request.callCount).to.equal(1);
    const target = fullscreen.request.firstCall.thisValue as Element;
    expect(target.classList.contains('sheet')).to.equal(true);
    expect(target.parentElement).to.equal(parts(el!).dialog);
    expect(parts(el!).dialog.open).to.equal(true);
    parts(el!).close!.click();
    await rendered(el!);
    expect(fullscreen.exit.callCount).to.equal(1);
    expect(parts(el!).dialog.open).to.equal(false);
  });

  it('closes the view when the member leaves full screen (Escape, a system gesture)', async () => {
    await showing();
    const fullscreen = grantFullscreen(el!);
    const shrinks = record(el!, 'gym-access-qr-shrink');
    parts(el!).enlarge!.click();
    await rendered(el!);
    fullscreen.leave();
    await rendered(el!);
    expect(parts(el!).dialog.open).to.equal(false);
    expect(shrinks).to.have.length(1);
    expect(fullscreen.exit.callCount, 'nothing left to exit').to.equal(0);
    expect(parts(el!).focused()).to.equal(parts(el!).enlarge);
  });

  it('stays open as a modal when fullscreen is refused', async () => {
    await showing();
    sinon.stub(Element.prototype, 'requestFullscreen').rejects(new TypeError('Permissions check failed'));
    parts(el!).enlarge!.click();
    await rendered(el!);
    await settle();
    expect(parts(el!).dialog.open).to.equal(true);
    expect(parts(el!).dialog.matches(':modal')).to.equal(true);
  });
});

describe('<gym-access-qr> enlarged in real full screen, focus on close', () => {
  let net: ReturnType<typeof stubFetch>;
  let el: GymAccessQr | undefined;
  let shrinks: Event[];
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  };
  /**
   * Chromium grants full screen to a key press in the tab in front; the runner's other tabs are really hidden (the
   * helpers only make them report `visible`) and are refused it. Where it is refused, the modal alone is tested.
   */
  const grantsFullscreen = () =>
    navigator.userAgent.includes('Chrome/') &&
    Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')!.get!.call(document) === 'visible';

  beforeEach(() => {
    net = stubFetch(settle);
  });

  afterEach(async () => {
    if (document.fullscreenElement) await document.exitFullscreen().catch(() => {});
    el?.remove();
    el = undefined;
    sinon.restore();
  });

  /** Opens the view with Enter on the code, as a keyboard user does; resolves to whether it went full screen. */
  async function openWithKeyboard(): Promise<boolean> {
    el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
    await settle();
    await net.last.respond(freshCode(CODE_A));
    // Real clock and real input here: a loaded machine may take a little longer than settle() to show the code.
    await until(() => parts(el!).enlarge !== null, 5_000, 'the code');
    shrinks = record(el, 'gym-access-qr-shrink');
    const request = sinon.spy(Element.prototype, 'requestFullscreen');
    parts(el).enlarge!.focus();
    await sendKeys({ press: 'Enter' });
    await rendered(el);
    expect(parts(el).dialog.open).to.equal(true);
    expect(request.callCount).to.equal(1);
    const granted = await (request.firstCall.returnValue as Promise<void>).then(
      () => true,
      () => false,
    );
    if (grantsFullscreen()) expect(granted, 'Chromium put the view full screen').to.equal(true);
    if (granted) expect(el.shadowRoot!.fullscreenElement?.classList.contains('sheet')).to.equal(true);
    expect(parts(el).focused()?.className, 'focus is in the view').to.equal('close');
    return granted;
  }

  /** Waits (real clock) until the view has closed and the page has left full screen, and a little longer. */
  async function closed(granted: boolean) {
    await until(() => shrinks.length > 0, 5_000, 'the view to close');
    if (granted) await until(() => document.fullscreenElement === null, 5_000, 'leaving full screen');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await rendered(el!);
  }

  it('gives focus back to the code after Escape', async () => {
    const granted = await openWithKeyboard();
    await sendKeys({ press: 'Escape' });
    await closed(granted);
    expect(parts(el!).dialog.open).to.equal(false);
    // Compared by name: a failed comparison of <body> with the element stalls the runner's report.
    expect(document.activeElement?.localName, 'focus is in the element, not on the page body').to.equal(
      'gym-access-qr',
    );
    expect(parts(el!).focused()?.className, 'focus is on the code').to.equal('enlarge');
  });

  it('gives focus back to the code when full screen is left another way (a system gesture)', async () => {
    const granted = await openWithKeyboard();
    // What the browser does on a system gesture; where nothing went full screen, the view is closed as by Escape.
    if (granted) await document.exitFullscreen();
    else await sendKeys({ press: 'Escape' });
    await closed(granted);
    expect(parts(el!).dialog.open).to.equal(false);
    // Compared by name: a failed comparison of <body> with the element stalls the runner's report.
    expect(document.activeElement?.localName, 'focus is in the element, not on the page body').to.equal(
      'gym-access-qr',
    );
    expect(parts(el!).focused()?.className, 'focus is on the code').to.equal('enlarge');
  });

  it('gives focus back to the code after the close button', async () => {
    const granted = await openWithKeyboard();
    await sendKeys({ press: 'Enter' });
    await closed(granted);
    expect(parts(el!).dialog.open).to.equal(false);
    // Compared by name: a failed comparison of <body> with the element stalls the runner's report.
    expect(document.activeElement?.localName, 'focus is in the element, not on the page body').to.equal(
      'gym-access-qr',
    );
    expect(parts(el!).focused()?.className, 'focus is on the code').to.equal('enlarge');
  });
});
