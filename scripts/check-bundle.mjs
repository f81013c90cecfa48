// The drop-in bundles as an integrator uses them: dist/gym-access-qr.js
// loaded twice (a snippet pasted twice) and the IIFE beside it, in Chromium,
// against the mock Open API. The tag must be defined once, nothing may throw,
// and the element must show a code. dist/gym-checkin-feed.js, loaded twice
// beside them, must render its element.
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

const mock = createMockOpenApi();
const server = createServer(async (req, res) => {
  if (await mock.handle(req, res)) return;
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path.startsWith('/dist/')) {
    res.writeHead(200, { 'Content-Type': 'text/javascript' });
    return res.end(readFileSync(`.${path}`));
  }
  res.writeHead(200, { 'Content-Type': 'text/html' });
  res.end(page);
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
  'dist bundles: loaded twice plus the IIFE, one definition, a code on screen; the feed bundle twice, rendered',
);
