// The drop-in bundles as an integrator uses them: dist/gym-access-qr.js
// loaded twice (a snippet pasted twice) and the IIFE beside it, in Chromium,
// against the mock Open API. The tag must be defined once, nothing may throw,
// and the element must show a code. dist/gym-checkin-feed.js, loaded twice
// beside them, must render its element. And the usual page, the tag and one
// module script: the tag's first request must leave before the tag is defined
// (the bundle sends it before evaluating Lit and the element), and be the only one.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { createMockOpenApi } from '../demo/mock-open-api.js';
import { CHROMIUM_ARGS, findChromium } from './find-chromium.mjs';

const page = `<!doctype html><html lang="en"><body>
<script type="module" src="/dist/gym-access-qr.js?first"></script>
<script type="module" src="/dist/gym-access-qr.js?second"></script>
<script src="/dist/gym-access-qr.iife.js"></script>
<script type="module" src="/dist/gym-checkin-feed.js?first"></script>
<script type="module" src="/dist/gym-checkin-feed.js?second"></script>
<gym-access-qr customer-id="1234567" token-endpoint="/v1/customers/{customerId}/access-code"></gym-access-qr>
<gym-checkin-feed></gym-checkin-feed>
</body></html>`;

// The customer the usual page shows: the mock counts the codes each customer asks for.
const EARLY_CUSTOMER = '7654321';
const usualPage = `<!doctype html><html lang="en"><head>
<script type="module" src="/dist/gym-access-qr.js"></script></head><body>
<gym-access-qr customer-id="${EARLY_CUSTOMER}" token-endpoint="/v1/customers/{customerId}/access-code"></gym-access-qr>
</body></html>`;

const mock = createMockOpenApi();
const server = createServer(async (req, res) => {
  if (await mock.handle(req, res)) return;
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path.startsWith('/dist/')) {
    res.writeHead(200, { 'Content-Type': 'text/javascript' });
    return res.end(readFileSync(`.${path}`));
  }
  res.writeHead(200, { 'Content-Type': 'text/html' });
  res.end(path === '/usual' ? usualPage : page);
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const browser = await puppeteer.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
const errors = [];
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (error) => errors.push(error.message));
  tab.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => document.querySelector('gym-access-qr')?.getAttribute('state') === 'active', {
    timeout: 10_000,
  });
  const drawn = await tab.evaluate(() =>
    Boolean(document.querySelector('gym-access-qr').shadowRoot.querySelector('svg.qr path')),
  );
  if (!drawn) errors.push('no QR drawn');
  // The front desk's bundle beside it, also loaded twice: its element renders (idle: no events-endpoint here).
  const feed = await tab.evaluate(() => document.querySelector('gym-checkin-feed').shadowRoot?.textContent ?? '');
  if (!feed.includes('check-ins today')) errors.push('the feed did not render');

  const usual = await browser.newPage();
  usual.on('pageerror', (error) => errors.push(error.message));
  await usual.evaluateOnNewDocument(() => {
    const send = window.fetch;
    window.__definedAtRequest = [];
    window.fetch = function (input, init) {
      if (String(input).includes('/access-code'))
        window.__definedAtRequest.push(Boolean(customElements.get('gym-access-qr')));
      return send.call(this, input, init);
    };
  });
  await usual.goto(`http://127.0.0.1:${server.address().port}/usual`);
  await usual.waitForFunction(() => document.querySelector('gym-access-qr')?.getAttribute('state') === 'active', {
    timeout: 10_000,
  });
  const definedAtRequest = await usual.evaluate(() => window.__definedAtRequest);
  if (JSON.stringify(definedAtRequest) !== '[false]')
    errors.push(`usual page: the access-code requests found the tag defined: ${JSON.stringify(definedAtRequest)}`);
  const { accessCodeRequests } = await (
    await fetch(`http://127.0.0.1:${server.address().port}/mock/stats?customerId=${EARLY_CUSTOMER}`)
  ).json();
  if (accessCodeRequests !== 1) errors.push(`usual page: ${accessCodeRequests} access-code requests, not 1`);
} catch (error) {
  errors.push(error.message);
} finally {
  await browser.close();
  server.close();
  mock.close();
}
if (errors.length) {
  console.error(`The bundles failed in the browser:\n${errors.join('\n')}`);
  process.exit(1);
}
console.log(
  'dist bundles: loaded twice plus the IIFE, one definition, a code on screen; the feed bundle twice, rendered; the usual page: its one request sent before the tag was defined',
);
