// A site on a free local port for the integration checks and screenshots: the
// demo's backend (the package's relay in front of the mock Open API: access
// codes, check-in stream, gate) in front of static files, plus pages given as strings. Records the headers of every
// access-code request, so a check can see what the element sent.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import './ts-loader.mjs';

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * @param {{ mounts?: Record<string, string>, pages?: Record<string, string> }} options
 *   mounts: URL prefix -> directory (e.g. `{ '/dist/': 'dist', '/': 'examples/react/dist' }`);
 *   pages: URL path -> HTML.
 */
export async function startMockSite({ mounts = {}, pages = {} } = {}) {
  // Imported once the TypeScript loader is registered (a static import would be resolved before it).
  const { createDemoBackend } = await import('../demo/demo-backend.ts');
  const backend = await createDemoBackend();
  /** @type {import('node:http').IncomingHttpHeaders[]} */
  const accessCodeRequests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (/^\/v1\/customers\/\d+\/access-code$/.test(path)) accessCodeRequests.push(req.headers);
    const passed = await new Promise((done) => {
      res.once('close', () => done(false));
      backend.handle(req, res, () => done(true));
    });
    if (!passed) return;
    if (pages[path] !== undefined) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(pages[path]);
    }
    // Longest prefix first, so '/dist/' wins over '/'.
    for (const prefix of Object.keys(mounts).sort((a, b) => b.length - a.length)) {
      if (!path.startsWith(prefix)) continue;
      let file = normalize(join(mounts[prefix], path.slice(prefix.length)));
      if (!file.startsWith(normalize(mounts[prefix]))) break;
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!existsSync(file)) break;
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      return res.end(readFileSync(file));
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    origin,
    accessCodeRequests,
    /** Add or replace a page after the start, e.g. one that names this site's origin. */
    pages,
    /** The newest code the mock issued to a customer, as the gate would scan it. */
    async currentCode(customerId = '1234567') {
      const response = await fetch(`${origin}/mock/current-code?customerId=${customerId}`);
      return response.ok ? (await response.json()).content : null;
    },
    /** The gate scans a code: the mock grants it and relays the check-in to the member's stream. */
    async scan(content) {
      const response = await fetch(`${origin}/gate/scan`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ content }),
      });
      return response.json();
    },
    async settings(patch, customerId = '1234567') {
      await fetch(`${origin}/mock/settings?customerId=${customerId}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(patch),
      });
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise((done) => server.close(done));
      await backend.close();
    },
  };
}

/**
 * Decodes the QR a `<gym-access-qr>` on the page shows, the way a scanner
 * sees it: the SVG drawn onto a canvas, read by jsQR. Null when no QR is shown.
 * @param {import('puppeteer-core').Page} page
 * @param {string} [selector]
 */
export async function decodeShownQr(page, selector = 'gym-access-qr') {
  if (!(await page.evaluate(() => 'jsQR' in window))) {
    await page.addScriptTag({ content: readFileSync('node_modules/jsqr/dist/jsQR.js', 'utf8') });
  }
  return page.evaluate(async (selector) => {
    const el = document.querySelector(selector);
    const shown = el?.shadowRoot?.querySelector('svg.qr');
    if (!shown) return null;
    const pixels = 400;
    const copy = /** @type {SVGSVGElement} */ (shown.cloneNode(true));
    copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    copy.setAttribute('width', String(pixels));
    copy.setAttribute('height', String(pixels));
    for (const part of ['.light', '.dark'])
      copy.querySelector(part)?.setAttribute('fill', getComputedStyle(shown.querySelector(part)).fill);
    const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' }));
    try {
      const image = new Image();
      image.src = url;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = pixels;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0, pixels, pixels);
      const { data } = context.getImageData(0, 0, pixels, pixels);
      // jsQR is the UMD global added above.
      return window.jsQR(data, pixels, pixels)?.data ?? null;
    } finally {
      URL.revokeObjectURL(url);
    }
  }, selector);
}
