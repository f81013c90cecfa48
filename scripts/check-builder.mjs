// The snippet builder as a CMS integrator uses it, after `npm run build`:
// the demo (Vite, with its mock backend) serves demo/builder.html, whose two
// previews must show a code; the snippet it makes is pasted into a blank page
// on another origin that serves dist/ and the mock, where it must render a
// code that decodes to the issued one. Its integrity hash must be the
// bundle's (the browser refuses the script otherwise), its tag must hold only
// the non-default attributes, and the Copy button must put it on the clipboard.
// Prints one line per check; exits 1 if any failed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, findChromium } from './find-chromium.mjs';
import { decodeShownQr, startMockSite } from './mock-site.mjs';

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'pass' : 'FAIL'}  ${what}`);
  if (!ok) failures.push(what);
};

const bundleHash = `sha384-${createHash('sha384').update(readFileSync('dist/gym-access-qr.js')).digest('base64')}`;
const written = JSON.parse(readFileSync('dist/integrity.json', 'utf8'));
check(written.files['gym-access-qr.js'] === bundleHash, 'dist/integrity.json holds the hash of dist/gym-access-qr.js');

const demo = await createServer({
  configFile: 'demo/vite.config.ts',
  server: { port: 0, host: '127.0.0.1' },
  logLevel: 'error',
});
await demo.listen();
const demoOrigin = demo.resolvedUrls.local[0].replace(/\/$/, '');
// The CMS page: another origin, serving the bundles and the mock backend.
const cms = await startMockSite({ mounts: { '/dist/': 'dist' } });
const browser = await puppeteer.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
const errors = [];
try {
  const context = browser.defaultBrowserContext();
  await context.overridePermissions(demoOrigin, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
  const builder = await browser.newPage();
  builder.on('pageerror', (error) => errors.push(`builder: ${error.message}`));
  await builder.goto(`${demoOrigin}/demo/builder.html`);
  await builder.waitForSelector('body[data-ready]', { timeout: 30_000 });
  await builder.waitForFunction(
    () => [...document.querySelectorAll('.preview gym-access-qr')].every((el) => el.getAttribute('state') === 'active'),
    { timeout: 15_000 },
  );
  check(
    true,
    'builder: the light and the dark preview both show a code (the customer id is the {{ member.id }} placeholder)',
  );
  const placeholder = await builder.$eval('#snippet', (el) => el.textContent);
  check(
    placeholder.includes('customer-id="{{ member.id }}"'),
    'builder: the snippet keeps the CMS placeholder as the customer id',
  );

  // Fill the form as an integrator would, for the CMS page's origin.
  const set = (name, value) =>
    builder.$eval(
      `[name="${name}"]`,
      (el, value) => {
        if (el.type === 'checkbox') el.checked = value === 'on';
        else el.value = value;
        el.dispatchEvent(new Event('change', { bubbles: true }));
      },
      value,
    );
  await set('scriptSrc', `${cms.origin}/dist/gym-access-qr.js`);
  await set('customerId', '1234567');
  await set('tokenEndpoint', `${cms.origin}/v1/customers/{customerId}/access-code`);
  await set('errorCorrection', 'H');
  await set('lang', 'de');
  await set('--gym-access-qr-accent', '#0ea5e9');
  const snippet = await builder.$eval('#snippet', (el) => el.textContent);
  console.log(`\n${snippet}`);
  check(
    snippet.includes(`integrity="${bundleHash}" crossorigin="anonymous"`),
    'snippet: integrity is the sha384 of dist/gym-access-qr.js',
  );
  const tag = /<gym-access-qr([\s\S]*?)>/.exec(snippet)?.[1] ?? '';
  const names = [...tag.matchAll(/([a-z-]+)(?==|\s|$)/g)].map((m) => m[1]);
  check(
    names.join(' ') === 'customer-id token-endpoint lang error-correction',
    `snippet: only the non-default attributes (${names.join(', ')})`,
  );
  check(
    /<style>\s*gym-access-qr \{\s*--gym-access-qr-accent: #0ea5e9;\s*\}\s*<\/style>/.test(snippet),
    'snippet: a style block with only the changed accent colour',
  );
  await builder.click('#copy');
  await builder.waitForFunction(() => document.querySelector('#copied').value !== '', { timeout: 5_000 });
  const clipboard = await builder.evaluate(() => navigator.clipboard.readText());
  check(clipboard === snippet, 'builder: Copy puts the snippet on the clipboard');

  // Paste into a blank page.
  cms.pages['/pasted.html'] =
    `<!doctype html><html><head><meta charset="utf-8"><title>A CMS page</title></head><body>\n<p>Your code:</p>\n${snippet}</body></html>`;
  const page = await browser.newPage();
  page.on('pageerror', (error) => errors.push(`pasted: ${error.message}`));
  // The browser's own favicon request is not the snippet's.
  page.on(
    'response',
    (response) =>
      response.status() >= 400 &&
      !response.url().endsWith('/favicon.ico') &&
      errors.push(`pasted: ${response.status()} ${response.url()}`),
  );
  await page.goto(`${cms.origin}/pasted.html`);
  await page.waitForSelector('gym-access-qr[state="active"]', { timeout: 15_000 });
  const issued = await cms.currentCode();
  const decoded = await decodeShownQr(page);
  check(
    Boolean(issued) && decoded === issued,
    `pasted: the snippet renders a code that decodes to the issued one (${decoded === issued ? 'same 19 digits' : `decoded ${decoded}`})`,
  );
  const shown = await page.$eval('gym-access-qr', (el) => ({
    label: el.shadowRoot.querySelector('[role="img"]')?.getAttribute('aria-label'),
    accent: getComputedStyle(el).getPropertyValue('--gym-access-qr-accent').trim(),
  }));
  check(/noch \d+ Sekunden gültig/.test(shown.label ?? ''), `pasted: lang="de" speaks German ("${shown.label}")`);
  check(shown.accent === '#0ea5e9', `pasted: the style block themes the element (accent ${shown.accent})`);

  // A bundle that is not the one hashed is refused by the browser: the check above can fail.
  cms.pages['/tampered.html'] = cms.pages['/pasted.html'].replace(
    bundleHash,
    `sha384-${createHash('sha384').update('something else').digest('base64')}`,
  );
  const tampered = await browser.newPage();
  await tampered.goto(`${cms.origin}/tampered.html`);
  await new Promise((done) => setTimeout(done, 1_000));
  const defined = await tampered.evaluate(() => Boolean(customElements.get('gym-access-qr')));
  check(!defined, 'control: with a wrong integrity hash the browser refuses the bundle');
  check(errors.length === 0, `no page errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
} catch (error) {
  check(false, error.message);
} finally {
  await browser.close();
  await demo.close();
  await cms.close();
}

if (failures.length) {
  console.error(`\n${failures.length} builder check(s) failed`);
  process.exit(1);
}
console.log('\nsnippet builder: all checks passed');
