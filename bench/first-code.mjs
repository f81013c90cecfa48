// The first code on screen: from opening the check-in page to the first frame
// that shows a code, on a desktop and two phone profiles, cold and warm cache,
// for our drop-in bundle, a page with Shoelace's <sl-qr-code> that fetches the
// code itself, and the floor (the page and its one access-code fetch, drawing
// nothing). Part of `npm run bench`; alone: `node bench/first-code.mjs [--quick]`
// after `npm run build`.
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createMockOpenApi } from '../demo/mock-open-api.js';

const root = resolve(import.meta.dirname, '..');
/** Where the drop-in bundle is served from: `FIRST_CODE_DIST=<dir>` measures another build beside this one's. */
const distDir = process.env.FIRST_CODE_DIST ? resolve(process.env.FIRST_CODE_DIST) : join(root, 'dist');

/**
 * Lighthouse-like phone profiles: CPU slowed by `cpu`, every request's answer
 * `rttMs` later, bytes at `downKbps`. A new connection to the relay's origin
 * costs one more round trip (the handshake DevTools' throttling leaves out;
 * see startServer).
 */
export const PROFILES = [
  { name: 'desktop', cpu: 1, rttMs: 0, downKbps: 0, upKbps: 0 },
  { name: '4G, CPU 4×', cpu: 4, rttMs: 150, downKbps: 9000, upKbps: 9000 },
  { name: '3G, CPU 6×', cpu: 6, rttMs: 300, downKbps: 1600, upKbps: 750 },
];

const ENDPOINT = '/v1/customers/{customerId}/access-code';

/**
 * Set up before any of the page's scripts, alike on every page: `__shown()`
 * marks the code in the DOM and, one frame later, the first frame with it
 * (a task posted from the frame's rAF callback runs once that frame is drawn).
 * Our element is watched from outside: its shadow root, once it is upgraded.
 */
function instrument() {
  let resolveDone;
  window.__done = new Promise((done) => (resolveDone = done));
  window.__shown = () => {
    performance.mark('qr');
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        performance.mark('frame');
        resolveDone();
      };
      channel.port2.postMessage(0);
    });
  };
  customElements.whenDefined('gym-access-qr').then(() => {
    performance.mark('defined');
    const el = document.querySelector('gym-access-qr');
    const root = el?.shadowRoot;
    if (!root) return;
    const seen = () => root.querySelector('svg.qr path') !== null;
    if (seen()) return window.__shown();
    const observer = new MutationObserver(() => {
      if (!seen()) return;
      observer.disconnect();
      window.__shown();
    });
    observer.observe(root, { subtree: true, childList: true, attributes: true });
  });
  customElements.whenDefined('sl-qr-code').then(() => performance.mark('defined'));
}

/** In the page, after the first frame: the marks and the resource timings that make up the breakdown. */
function readTimings() {
  const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
  const resources = performance.getEntriesByType('resource');
  const bundle = resources.find((r) => /gym-access-qr\.js|peer\.js/.test(r.name));
  const code = resources.find((r) => r.name.includes('/access-code'));
  return {
    bundleArrived: bundle?.responseEnd ?? NaN,
    bundleBytes: bundle?.transferSize ?? NaN,
    defined: mark('defined'),
    fetchCalled: code?.startTime ?? NaN,
    requestSent: code?.requestStart || code?.startTime || NaN,
    response: code?.responseEnd ?? NaN,
    qr: mark('qr'),
    frame: mark('frame'),
  };
}

/** The pages, for one customer id; `relay` is the other origin's base URL. */
function pageHtml(variant, id, relay) {
  const head = (extra = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>Check-in</title>${extra}</head>`;
  const endpoint = ENDPOINT.replace('{customerId}', id);
  switch (variant) {
    case 'ours':
      return `${head('<script type="module" src="/dist/gym-access-qr.js"></script>')}
<body><gym-access-qr customer-id="${id}" token-endpoint="${ENDPOINT}"></gym-access-qr></body></html>`;
    case 'ours-preload':
      // The snippet with the first code's request started by the page while it parses (see the README).
      return `${head(`<link rel="preload" as="fetch" href="${endpoint}" crossorigin><script type="module" src="/dist/gym-access-qr.js"></script>`)}
<body><gym-access-qr customer-id="${id}" token-endpoint="${ENDPOINT}"></gym-access-qr></body></html>`;
    case 'ours-relay':
    case 'ours-relay-preconnect': {
      const preconnect =
        variant === 'ours-relay-preconnect' ? `<link rel="preconnect" href="${relay}" crossorigin>` : '';
      return `${head(`${preconnect}<script type="module" src="/dist/gym-access-qr.js"></script>`)}
<body><gym-access-qr customer-id="${id}" token-endpoint="${relay}${ENDPOINT}"></gym-access-qr></body></html>`;
    }
    case 'peer':
      // As an integrator would write it: import the element, fetch the code, hand it over.
      return `${head()}<body><sl-qr-code size="288"></sl-qr-code>
<script type="module">
import '/bench/.build/peer.js';
const response = await fetch('${endpoint}', { headers: { Accept: 'application/json' } });
const { content } = await response.json();
const qr = document.querySelector('sl-qr-code');
qr.value = content;
await qr.updateComplete;
window.__shown();
</script></body></html>`;
    case 'floor':
      return `${head()}<body><div role="img" aria-label="Check-in code"></div>
<script type="module">
const response = await fetch('${endpoint}', { headers: { Accept: 'application/json' } });
await response.json();
window.__shown();
</script></body></html>`;
  }
  throw new Error(`unknown page ${variant}`);
}

/**
 * A server whose new connections cost a handshake of `handshakeMs` (one round trip): a request that
 * arrives before its connection's handshake is over is answered one round trip after it ends, as it
 * could only be sent then. Chromium's throttling counts a request's latency from its start, alongside
 * whatever the server takes (probed: under 150 ms of latency, a request the server held 150 ms was
 * answered in 157 ms, not 300), so the wait covers the request's own round trip too; a request on a
 * connection that is already open gets no wait, and the throttling gives it its one round trip.
 */
function startServer(handler, handshakeMs) {
  const server = createServer(async (req, res) => {
    const handshakeEnd = (req.socket.connectedAt ?? 0) + handshakeMs();
    const wait = handshakeEnd - performance.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait + handshakeMs()));
    handler(req, res);
  });
  server.on('connection', (socket) => {
    socket.connectedAt = performance.now();
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

/** Files gzipped once (level 9, as the size budget counts them), then served from memory. */
const compressed = new Map();
function gzipped(file) {
  if (!compressed.has(file)) compressed.set(file, gzipSync(readFileSync(file), { level: 9 }));
  return compressed.get(file);
}

const types = { '.js': 'text/javascript', '.html': 'text/html' };

function stats(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), n: sorted.length };
}

/**
 * Loads every page `loads` times per profile and cache, interleaved (each round takes the pages
 * in a rotated order), each load in a new tab, its cache cleared. Warm: the tab has visited the
 * page once; its connections are closed before the measured visit, as hours between visits would.
 */
export async function measureFirstCode({
  browser,
  quick = false,
  loads = quick ? 3 : 7,
  log = console.log,
  profiles = quick ? PROFILES.slice(1) : PROFILES,
  caches = ['cold', 'warm'],
}) {
  if (!existsSync(join(root, 'bench/.build/peer.js')))
    throw new Error('bench/.build/peer.js missing: run bench/run.mjs');
  const mock = createMockOpenApi();
  let profile = PROFILES[0];
  let nextCustomer = 7_000_000;
  let relayOrigin = '';
  const relayConnections = [];
  /** Access-code requests that reached the server, by customer id: one per load, preloaded or not. */
  const codeRequests = new Map();
  const site = await startServer(
    async (req, res) => {
      const asked = /\/customers\/(\d+)\/access-code/.exec(req.url ?? '');
      if (asked) codeRequests.set(asked[1], (codeRequests.get(asked[1]) ?? 0) + 1);
      if (await mock.handle(req, res)) return;
      const url = new URL(req.url ?? '/', 'http://x');
      const page = /^\/page\/([a-z-]+)$/.exec(url.pathname);
      if (page) {
        res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' });
        return res.end(pageHtml(page[1], url.searchParams.get('id'), relayOrigin));
      }
      if (url.pathname.startsWith('/dist/') || url.pathname.startsWith('/bench/.build/')) {
        try {
          const body = gzipped(
            url.pathname.startsWith('/dist/')
              ? join(distDir, url.pathname.slice('/dist/'.length))
              : join(root, url.pathname),
          );
          // As a CDN serves a versioned bundle: compressed, cached for a year.
          res.writeHead(200, {
            'Content-Type': types[extname(url.pathname)] ?? 'application/octet-stream',
            'Content-Encoding': 'gzip',
            'Cache-Control': 'public, max-age=31536000, immutable',
          });
          return res.end(body);
        } catch {
          /* fall through */
        }
      }
      res.writeHead(404);
      res.end();
    },
    () => 0,
  );
  const relay = await startServer(
    async (req, res) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Timing-Allow-Origin', '*');
      if (await mock.handle(req, res)) return;
      res.writeHead(404);
      res.end();
    },
    () => profile.rttMs,
  );
  relay.on('request', (req) => {
    if (req.socket.firstRequest) return;
    req.socket.firstRequest = true;
    relayConnections.push({ lead: performance.now() - req.socket.connectedAt });
  });
  const origin = `http://127.0.0.1:${site.address().port}`;
  relayOrigin = `http://127.0.0.1:${relay.address().port}`;

  /**
   * One visit in the browser's own profile (off-the-record contexts ignore preconnect hints):
   * cold, its cache cleared first; warm, after a first visit to the same page.
   */
  async function load(variant, warm) {
    const page = await browser.newPage();
    try {
      await page.setViewport({ width: 400, height: 700 });
      page.on('pageerror', (error) => log(`page error (${variant}): ${error.message}`));
      const cdp = await page.createCDPSession();
      await cdp.send('Network.enable');
      await cdp.send('Network.clearBrowserCache');
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: profile.rttMs,
        downloadThroughput: profile.downKbps ? (profile.downKbps * 1000) / 8 : -1,
        uploadThroughput: profile.upKbps ? (profile.upKbps * 1000) / 8 : -1,
      });
      await page.evaluateOnNewDocument(instrument);
      // No connection outlives a visit: a member's phone has none left open from the last one.
      const hangUp = () => {
        site.closeIdleConnections();
        relay.closeIdleConnections();
      };
      let customer = 0;
      const visit = async () => {
        hangUp();
        relayConnections.length = 0;
        await page.bringToFront();
        customer = nextCustomer++;
        await page.goto(`${origin}/page/${variant}?id=${customer}`, { waitUntil: 'load' });
        // A load that never shows a code counts as missing, not as a hang of the whole bench.
        const shown = await page.evaluate(() =>
          Promise.race([window.__done.then(() => true), new Promise((done) => setTimeout(done, 20_000, false))]),
        );
        if (!shown) throw new Error(`${variant}: no code on screen after 20 s`);
      };
      if (warm) {
        await visit();
        await page.goto('about:blank');
      }
      await visit();
      const timings = await page.evaluate(readTimings);
      timings.codeRequests = codeRequests.get(String(customer)) ?? 0;
      // The access-code request alone, from the element's fetch to its answer.
      timings.requestMs = timings.response - timings.fetchCalled;
      // How long before its first request the relay's connection was open (0 without preconnect).
      timings.relayConnectionLeadMs = relayConnections.length ? relayConnections[0].lead : NaN;
      return timings;
    } catch (error) {
      log(`first code, ${profile.name}, ${warm ? 'warm' : 'cold'}: ${error.message}`);
      return { frame: NaN };
    } finally {
      await page.close();
    }
  }

  const results = [];
  for (const p of profiles) {
    profile = p;
    // On loopback, another origin costs nothing more: its rows would say nothing.
    const variants = [
      'ours',
      'ours-preload',
      'peer',
      'floor',
      ...(p.rttMs ? ['ours-relay', 'ours-relay-preconnect'] : []),
    ];
    for (const warm of caches.map((cache) => cache === 'warm')) {
      log(`First code: ${p.name}, ${warm ? 'warm' : 'cold'} (${loads} × ${variants.length} loads) …`);
      const samples = Object.fromEntries(variants.map((v) => [v, []]));
      for (let round = 0; round < loads; round++) {
        const order = variants.map((_, i) => variants[(i + round) % variants.length]);
        for (const variant of order) samples[variant].push(await load(variant, warm));
      }
      results.push({ profile: p, warm, samples });
    }
  }
  await new Promise((done) => site.close(done));
  await new Promise((done) => relay.close(done));
  site.closeAllConnections();
  relay.closeAllConnections();
  mock.close();
  return { results, loads };
}

/** The table: medians of the first frame per page, the ratios, and ours broken down by step. */
export function firstCodeTable({ results, loads }) {
  const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
  const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
  const median = (list, key) => stats(list.map((s) => s[key])).median;
  const rows = [
    [
      'profile, cache',
      'ours ms',
      'peer ms',
      'floor ms',
      'ours/peer',
      'ours/floor',
      'ours + preload ms (÷ peer, ÷ floor; requests a load)',
      'relay: no preconnect → preconnect ms (its request; connection open before it)',
      'ours: bundle arrived / evaluated / request sent / response / QR in DOM / frame, ms',
    ],
  ];
  for (const { profile, warm, samples } of results) {
    const ours = median(samples.ours, 'frame');
    const peer = median(samples.peer, 'frame');
    const floor = median(samples.floor, 'frame');
    const relay = samples['ours-relay']
      ? `${f0(median(samples['ours-relay'], 'frame'))} → ${f0(median(samples['ours-relay-preconnect'], 'frame'))} (request ${f0(median(samples['ours-relay'], 'requestMs'))} → ${f0(median(samples['ours-relay-preconnect'], 'requestMs'))} ms; open ${f0(median(samples['ours-relay'], 'relayConnectionLeadMs'))} → ${f0(median(samples['ours-relay-preconnect'], 'relayConnectionLeadMs'))} ms early)`
      : '';
    const preloaded = median(samples['ours-preload'], 'frame');
    const requests = stats(samples['ours-preload'].map((s) => s.codeRequests));
    const steps = ['bundleArrived', 'defined', 'requestSent', 'response', 'qr', 'frame'];
    rows.push([
      `${profile.name}, ${warm ? 'warm' : 'cold'}`,
      f0(ours),
      f0(peer),
      f0(floor),
      f2(ours / peer),
      f2(ours / floor),
      `${f0(preloaded)} (${f2(preloaded / peer)}, ${f2(preloaded / floor)}; ${requests.p10 === requests.p90 ? f0(requests.median) : `${f0(requests.p10)}–${f0(requests.p90)}`})`,
      relay,
      steps.map((step) => f0(median(samples.ours, step))).join(' / '),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  return [
    line(rows[0]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
    '',
    `From navigation start to the first frame with the code; medians of ${loads} interleaved loads, each in a new tab (cold: cache cleared; warm: the second visit, the bundle from the cache), no connection kept between visits; ours + preload: the page starts the first code's request itself while it parses (\`<link rel="preload" as="fetch" … crossorigin>\`), and the requests that reached the server per load; relay: the element against another origin, whose new connections cost one more round trip (a handshake), with and without \`<link rel="preconnect" … crossorigin>\`: the first frame, the access-code request alone, and how long before it its connection was open.`,
  ].join('\n');
}

/** The peer's bundle as bench/run.mjs builds it (Vite, minified): Shoelace's <sl-qr-code> with Lit. */
async function buildPeer() {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { build } = await import('vite');
  const dir = join(root, 'bench/.build');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'peer.entry.js');
  writeFileSync(entry, "import '@shoelace-style/shoelace/dist/components/qr-code/qr-code.js';\n");
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: { entry, formats: ['es'], fileName: 'peer' },
      rolldownOptions: { output: { minify: true } },
    },
  });
  writeFileSync(join(dir, 'peer.js'), output[0].output[0].code);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { default: puppeteer } = await import('puppeteer-core');
  const { CHROMIUM_ARGS, findChromium } = await import('../scripts/find-chromium.mjs');
  if (!existsSync(join(root, 'bench/.build/peer.js'))) await buildPeer();
  const browser = await puppeteer.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
  try {
    const measured = await measureFirstCode({ browser, quick: process.argv.includes('--quick') });
    console.log(`\n${firstCodeTable(measured)}\n${await browser.version()}`);
  } finally {
    await browser.close();
  }
}
