// `npm run screenshots`: pictures of the real element for the README, taken
// from the built bundle (dist/) against the demo's mock backend in headless
// Chromium: docs/screenshot-<name>.png. `--out DIR` writes elsewhere (CI).
//
// Each shot is one entry in SHOTS: a page set-up, and the state to wait for.
// To add a view, add an entry; `enlarged` is the hook for the full-screen
// view, taken once the element has an `enlarge` property.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from './find-chromium.mjs';
import { startMockSite } from './mock-site.mjs';

const outIndex = process.argv.indexOf('--out');
const outDir = outIndex > 0 ? process.argv[outIndex + 1] : 'docs';
const only = process.argv.slice(2).filter((arg, i, all) => arg !== '--out' && all[i - 1] !== '--out');

const LIGHT = 'color-scheme: light; background: #f8fafc; color: #0f172a;';
const DARK = 'color-scheme: dark; background: #0f172a; color: #f1f5f9;';

/** A member page around the element; `attributes` go on <gym-access-qr>, each shot has its own customer. */
const page = ({
  theme = LIGHT,
  lang = 'en',
  heading = 'Your check-in code',
  customerId,
  attributes = '',
}) => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>
  html { ${theme} font: 16px/1.4 system-ui, sans-serif; }
  body { margin: 0; }
  main { inline-size: 20rem; padding: 1.5rem; display: grid; grid-template-columns: minmax(0, 1fr); gap: 0.75rem; justify-items: center; }
  h1 { font-size: 1.2rem; margin: 0; }
</style>
<script type="module" src="/dist/gym-access-qr.js"></script></head>
<body><main><h1>${heading}</h1>
<gym-access-qr customer-id="${customerId}" token-endpoint="/v1/customers/{customerId}/access-code" events-endpoint="/v1/customers/{customerId}/events" ${attributes}></gym-access-qr>
</main></body></html>`;

/**
 * @typedef {object} Shot
 * @property {string} html
 * @property {string} state          the element's state to wait for
 * @property {(site: Awaited<ReturnType<typeof startMockSite>>, tab: import('puppeteer-core').Page) => Promise<void>} [before]  before the page loads
 * @property {(site: Awaited<ReturnType<typeof startMockSite>>, tab: import('puppeteer-core').Page) => Promise<void>} [after]   once it shows a code
 * @property {boolean} [viewport]    the whole viewport instead of the card
 * @property {(tab: import('puppeteer-core').Page) => Promise<boolean>} [available]  false: the element cannot show this yet
 */

/** @type {Record<string, Shot>} */
const SHOTS = {
  light: { html: page({ customerId: '1000001' }), state: 'active' },
  dark: { html: page({ customerId: '1000002', theme: DARK }), state: 'active' },
  german: { html: page({ customerId: '1000003', lang: 'de', heading: 'Dein Check-in-Code' }), state: 'active' },
  expired: {
    html: page({ customerId: '1000004' }),
    // Codes of 4 s; the next request stalls (the mock's 12 s "slow"), so the shown code runs out first.
    before: (site) => site.settings({ lifetimeSeconds: 4 }, '1000004'),
    after: (site) => site.settings({ fault: 'slow' }, '1000004'),
    state: 'expired',
  },
  'checked-in': {
    html: page({ customerId: '1000005' }),
    // The gate scans the code; the mock relays the check-in to the element's event stream.
    after: async (site) => {
      await waitForStream(site, '1000005');
      await site.scan(await site.currentCode('1000005'));
    },
    state: 'invalidated',
  },
  // Magicline knows no such customer: the relay answers 404, which the element does not retry.
  error: {
    html: page({ customerId: '1000006' }),
    before: (site) => site.settings({ fault: 'not-found' }, '1000006'),
    state: 'error',
  },
  enlarged: {
    html: page({ customerId: '1000007' }),
    available: (tab) => tab.$eval('gym-access-qr', (el) => 'enlarge' in el),
    // Activate the code as a member would; the full-screen view is a modal <dialog> in the element.
    after: async (_site, tab) => {
      // A real click at the code's centre, wherever the button sits inside the frame.
      await tab.click('gym-access-qr >>> [part~="frame"]');
      await tab.waitForFunction(
        () => document.querySelector('gym-access-qr')?.shadowRoot?.querySelector('dialog[open]'),
        { timeout: 5_000 },
      );
    },
    state: 'active',
    viewport: true,
  },
};

async function waitForStream(site, customerId) {
  for (let i = 0; i < 50; i++) {
    const { open } = await (await fetch(`${site.origin}/mock/streams?customerId=${customerId}`)).json();
    if (open > 0) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`no event stream opened for ${customerId}`);
}

mkdirSync(outDir, { recursive: true });
const pages = Object.fromEntries(Object.entries(SHOTS).map(([name, shot]) => [`/${name}.html`, shot.html]));
const site = await startMockSite({ mounts: { '/dist/': 'dist' }, pages });
const browser = await puppeteer.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
let failed = 0;
try {
  for (const [name, shot] of Object.entries(SHOTS)) {
    if (only.length && !only.includes(name)) continue;
    const tab = await browser.newPage();
    await tab.setViewport({ width: 390, height: 720, deviceScaleFactor: 2 });
    try {
      await shot.before?.(site, tab);
      await tab.goto(`${site.origin}/${name}.html`);
      await tab.waitForSelector('gym-access-qr[state="active"], gym-access-qr[state="error"]', { timeout: 15_000 });
      if (shot.available && !(await shot.available(tab))) {
        console.log(`-     ${name}: the element has no such view yet; the entry in SHOTS takes it once it has`);
        continue;
      }
      await shot.after?.(site, tab);
      await tab.waitForSelector(`gym-access-qr[state="${shot.state}"]`, { timeout: 20_000 });
      // Let the message's entrance and the ring settle.
      await new Promise((done) => setTimeout(done, 600));
      const file = join(outDir, `screenshot-${name}.png`);
      if (shot.viewport) await tab.screenshot({ path: file });
      else await (await tab.$('main')).screenshot({ path: file });
      console.log(`ok    ${file} (${Math.round(statSync(file).size / 1024)} KiB)`);
    } catch (error) {
      failed++;
      console.error(`FAIL  ${name}: ${error.message}`);
    } finally {
      await tab.close();
    }
  }
} finally {
  await browser.close();
  await site.close();
}
process.exit(failed ? 1 : 0);
