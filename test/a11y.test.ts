import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import sinon from 'sinon';
import type { GymAccessQr } from '../src/index.js';
import { errorResponse, freshCode, mount, stubFetch } from './helpers.js';
import { until } from './backend.js';

// Real timers throughout: axe schedules its own work (STYLE.md keeps it out of fake-timer suites).

const CUSTOMER = '1234567';
const ENDPOINT = '/api/customers/{customerId}/access-code';
const CODE = '0049267681211943991';

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

type Net = ReturnType<typeof stubFetch>;

/** Each state the element can be in, reached the way a member would see it. */
const STATES: [string, (net: Net) => Promise<GymAccessQr>][] = [
  ['idle', async () => mount({})],
  [
    'loading',
    async () => {
      const el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      return el;
    },
  ],
  ['active', async (net) => active(net)],
  [
    'expired',
    async (net) => {
      const el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      // A code that lives well under a second (the Date header's allowance takes the rest); its successor never comes.
      await net.last.respond(freshCode(CODE, 1_800));
      await until(() => el.state === 'expired', 3_000, 'the code to expire');
      await el.updateComplete;
      return el;
    },
  ],
  [
    'invalidated (checked in)',
    async (net) => {
      const el = await active(net);
      el.invalidate('checkin');
      await el.updateComplete;
      return el;
    },
  ],
  [
    'invalidated (manual)',
    async (net) => {
      const el = await active(net);
      el.invalidate();
      await el.updateComplete;
      return el;
    },
  ],
  [
    'retrying',
    async (net) => {
      sinon.stub(Math, 'random').returns(0.999);
      const el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await net.last.fail();
      await el.updateComplete;
      return el;
    },
  ],
  ['error: config', async () => mount({ 'customer-id': 'abc', 'token-endpoint': ENDPOINT })],
  ['error: unauthorized', async (net) => failing(net, 401)],
  ['error: forbidden', async (net) => failing(net, 403)],
  ['error: not-found', async (net) => failing(net, 404)],
  ['error: http', async (net) => failing(net, 400)],
  [
    'enlarged',
    async (net) => {
      const el = await active(net);
      await enlarge(el);
      return el;
    },
  ],
  [
    'enlarged, then checked in',
    async (net) => {
      const el = await active(net);
      await enlarge(el);
      el.invalidate('checkin');
      await el.updateComplete;
      return el;
    },
  ],
  [
    'enlarged, then an error',
    async (net) => {
      const el = await active(net);
      await enlarge(el);
      void el.refresh();
      await settle();
      await net.last.respond(errorResponse(403));
      await el.updateComplete;
      return el;
    },
  ],
];

async function active(net: Net) {
  const el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
  await settle();
  await net.last.respond(freshCode(CODE));
  await until(() => el.state === 'active', 3_000, 'the code');
  await el.updateComplete;
  return el;
}

async function failing(net: Net, status: number) {
  const el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
  await settle();
  await net.last.respond(errorResponse(status));
  await el.updateComplete;
  return el;
}

async function enlarge(el: GymAccessQr) {
  el.shadowRoot!.querySelector<HTMLButtonElement>('button.enlarge')!.click();
  await el.updateComplete;
  expect(el.shadowRoot!.querySelector('dialog')!.open).to.equal(true);
}

const THEMES = {
  light: { scheme: 'light', background: 'rgb(255, 255, 255)', color: 'rgb(17, 17, 17)' },
  dark: { scheme: 'dark', background: 'rgb(18, 18, 18)', color: 'rgb(232, 232, 232)' },
} as const;

function usePage(theme: keyof typeof THEMES, lang: string) {
  const { scheme, background, color } = THEMES[theme];
  document.documentElement.lang = lang;
  document.documentElement.style.setProperty('color-scheme', scheme);
  document.body.style.setProperty('background', background);
  document.body.style.setProperty('color', color);
}

function resetPage() {
  document.documentElement.lang = 'en';
  for (const property of ['color-scheme']) document.documentElement.style.removeProperty(property);
  for (const property of ['background', 'color']) document.body.style.removeProperty(property);
}

for (const theme of ['light', 'dark'] as const) {
  for (const lang of ['en', 'de']) {
    describe(`<gym-access-qr> accessibility on a ${theme} page in ${lang === 'en' ? 'English' : 'German'}`, () => {
      let net: Net;
      let el: GymAccessQr | undefined;

      beforeEach(() => {
        usePage(theme, lang);
        net = stubFetch(settle);
        // The modal view alone: real fullscreen under the runner's headless Chromium takes the page down.
        sinon.stub(Element.prototype, 'requestFullscreen').rejects(new TypeError('fullscreen is not available'));
      });

      afterEach(() => {
        el?.remove();
        el = undefined;
        sinon.restore();
        resetPage();
      });

      for (const [name, reach] of STATES) {
        it(`has no axe violation: ${name}`, async () => {
          el = await reach(net);
          const expected = name.split(/[ ,:]/)[0]!.replace('retrying', 'loading');
          if (!name.startsWith('enlarged')) expect(el.state).to.equal(expected);
          await expect(el).to.be.accessible();
        });
      }
    });
  }
}

/** WCAG relative luminance and contrast ratio of two `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, b] = rgb
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('<gym-access-qr> keyboard, focus and contrast', () => {
  let net: Net;
  let el: GymAccessQr | undefined;
  let before: HTMLInputElement | undefined;

  beforeEach(() => {
    net = stubFetch(settle);
    sinon.stub(Element.prototype, 'requestFullscreen').rejects(new TypeError('fullscreen is not available'));
    before = document.createElement('input');
    document.body.append(before);
  });

  afterEach(() => {
    el?.remove();
    el = undefined;
    before?.remove();
    sinon.restore();
    resetPage();
  });

  const focused = () => el!.shadowRoot!.activeElement as HTMLElement | null;

  function ring(button: HTMLElement) {
    const style = getComputedStyle(button);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor };
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`reaches every control with Tab, each with a visible focus ring, on a ${theme} page`, async () => {
      usePage(theme, 'en');
      const page = THEMES[theme].background;
      el = await active(net);
      before!.focus();
      await sendKeys({ press: 'Tab' });
      const enlarge = focused()!;
      expect(enlarge.classList.contains('enlarge')).to.equal(true);
      expect(enlarge.matches(':focus-visible')).to.equal(true);
      const codeRing = ring(enlarge);
      expect(codeRing.style).to.equal('solid');
      expect(codeRing.width).to.be.at.least(2);
      expect(contrast(codeRing.color, page), 'focus ring against the page').to.be.at.least(3);

      // In the full-screen view: the close button, ring against white.
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      const close = focused()!;
      expect(close.classList.contains('close')).to.equal(true);
      expect(close.matches(':focus-visible')).to.equal(true);
      expect(ring(close).style).to.equal('solid');
      expect(contrast(ring(close).color, 'rgb(255, 255, 255)')).to.be.at.least(3);
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;

      // A message's button.
      el.invalidate('checkin');
      await el.updateComplete;
      before!.focus();
      await sendKeys({ press: 'Tab' });
      const again = focused()!;
      expect(again.textContent!.trim()).to.equal('Show a new code');
      expect(again.matches(':focus-visible')).to.equal(true);
      expect(ring(again).style).to.equal('solid');
      expect(contrast(ring(again).color, page)).to.be.at.least(3);
    });
  }

  it('gives buttons at least 4.5:1 (white on the default accent)', async () => {
    el = await active(net);
    el.invalidate('checkin');
    await el.updateComplete;
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('.message button')!;
    const style = getComputedStyle(button);
    expect(contrast(style.color, style.backgroundColor)).to.be.at.least(4.5);
  });

  it('keeps the QR dark on light in forced-colors mode, in place and enlarged', async () => {
    el = await active(net);
    // WebKit has no forced-colours mode, nor the property: nothing recolours the QR there.
    const forcedColors = CSS.supports('forced-color-adjust', 'none');
    const small = el.shadowRoot!.querySelector('svg.qr')!;
    if (forcedColors) expect(getComputedStyle(small).forcedColorAdjust).to.equal('none');
    await enlarge(el);
    const big = el.shadowRoot!.querySelector('dialog svg.qr')!;
    if (forcedColors) expect(getComputedStyle(big).forcedColorAdjust).to.equal('none');
    expect(getComputedStyle(big.querySelector('.light')!).fill).to.equal('rgb(255, 255, 255)');
    expect(getComputedStyle(big.querySelector('.dark')!).fill).to.equal('rgb(0, 0, 0)');
  });
});
