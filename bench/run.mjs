// `npm run bench`: the figures a member's phone and a partner's backend feel,
// measured in headless Chromium against the mock Open API, beside Shoelace's
// <sl-qr-code> doing the same job. Prints one table, writes it as JSON under
// bench/results/. A benchmark, not a test: it never fails on a figure.
//
// Runs after `npm run build` (the npm script does both).
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { build } from 'vite';
import { createMockOpenApi } from '../demo/mock-open-api.js';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';
import { firstCodeTable, measureFirstCode } from './first-code.mjs';

const root = resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
/** Repetitions for the timing figures; medians and spreads are over these. */
const RUNS = quick ? 5 : 15;
const ROTATIONS = quick ? 100 : 500;
/** Idle windows are one rotation long: 30 s codes are fetched anew 5 s (refresh-lead) before they end. */
const ROTATION_SECONDS = 25;
const IDLE_SECONDS = (quick ? 2 : 5) * ROTATION_SECONDS;
const LIFETIMES = quick ? 10 : 50;
const MOUNTS = quick ? 50 : 200;

// ---------------------------------------------------------------- bundles

/** Bundles `code` (an entry module's text) the way our bundle is built: Vite, minified, `plugins` added. */
async function bundle(name, code, plugins = []) {
  const dir = join(root, 'bench/.build');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, `${name}.entry.js`);
  writeFileSync(entry, code);
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    root,
    plugins,
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: { entry, formats: ['es'], fileName: name },
      rolldownOptions: { output: { minify: true } },
    },
  });
  const source = output[0].output[0].code;
  writeFileSync(join(dir, `${name}.js`), source);
  return source;
}

function sizes(source) {
  const bytes = Buffer.from(source);
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
}

console.log('Bundling the floor and the peer …');
// The floor: Lit, the QR encoder and zod/mini, imported the way the element imports them.
const encoderModule = JSON.stringify(join(root, 'src/internal/qr-encoder.ts'));
const floor = await bundle(
  'floor',
  `import { LitElement, html, svg, css } from 'lit';
import { encodeQr } from ${encoderModule};
import * as z from 'zod/mini';
const schema = z.object({
  a: z.literal('QR_CODE'), b: z.custom((v) => typeof v === 'string' && v !== ''), c: z.optional(z.nullable(z.string())),
  d: z.number(),
});
class Floor extends LitElement {
  static styles = css\`:host{display:block}\`;
  render() { return html\`\${svg\`<g>\${encodeQr('1', 'M').size}\${schema.safeParse({}).success}</g>\`}\`; }
}
customElements.define('floor-element', Floor);
`,
);
const peer = await bundle('peer', `import '@shoelace-style/shoelace/dist/components/qr-code/qr-code.js';\n`);
// The element's encoder, and qrcode-generator as published (which it is derived from), to time the encoder alone.
await bundle(
  'encoder-shipped',
  `import { encodeQr } from ${encoderModule};
window.encode = (content) => encodeQr(content, 'M').size;
`,
);
await bundle(
  'encoder-published',
  `import qrcode from 'qrcode-generator';
window.encode = (content) => { const qr = qrcode(0, 'M'); qr.addData(content, 'Numeric'); qr.make(); return qr.getModuleCount(); };
`,
);
// The element's own encoder and path (src/internal/qr.ts), for the encoding floor.
await bundle(
  'qr-image',
  `import { qrImage } from ${JSON.stringify(join(root, 'src/internal/qr.ts'))};\nwindow.qrImage = qrImage;\n`,
);
const ours = readFileSync(join(root, 'dist/gym-access-qr.js'), 'utf8');
const oursIife = readFileSync(join(root, 'dist/gym-access-qr.iife.js'), 'utf8');

// ---------------------------------------------------------------- server

const mock = createMockOpenApi();
const pages = {
  '/ours.html':
    '<!doctype html><html lang="en"><body><script type="module" src="/dist/gym-access-qr.js"></script></body></html>',
  '/peer.html':
    '<!doctype html><html lang="en"><body><script type="module" src="/bench/.build/peer.js"></script></body></html>',
  '/blank.html': '<!doctype html><title>other tab</title>',
  '/encoders.html': '<!doctype html><script src="/bench/.build/encoder-shipped.js" type="module"></script>',
};
const types = { '.js': 'text/javascript', '.html': 'text/html', '.json': 'application/json' };
const server = createServer(async (req, res) => {
  if (await mock.handle(req, res)) return;
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (pages[path]) {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    return res.end(pages[path]);
  }
  if (path.startsWith('/dist/') || path.startsWith('/bench/.build/')) {
    try {
      const body = readFileSync(join(root, path));
      res.writeHead(200, {
        'Content-Type': types[extname(path)] ?? 'application/octet-stream',
        'Cache-Control': 'max-age=3600',
      });
      return res.end(body);
    } catch {
      /* fall through */
    }
  }
  res.writeHead(404);
  res.end();
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const origin = `http://127.0.0.1:${server.address().port}`;

async function post(path, body) {
  await fetch(origin + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}
async function requestsOf(customerId) {
  return (await (await fetch(`${origin}/mock/stats?customerId=${customerId}`)).json()).accessCodeRequests;
}
let nextCustomer = 5_000_000;
const customer = () => String(nextCustomer++);

// ---------------------------------------------------------------- statistics

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), n: sorted.length };
}

// ---------------------------------------------------------------- browser

const browser = await puppeteer.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });

/** A page on `path`, visible, with a CDP session for metrics and GC. */
async function open(path) {
  const page = await browser.newPage();
  await page.setViewport({ width: 400, height: 700 });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(origin + path, { waitUntil: 'load' });
  await page.bringToFront();
  const cdp = await page.createCDPSession();
  await cdp.send('Performance.enable');
  return { page, cdp };
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map(({ name, value }) => [name, value]));
}

async function collectGarbage(cdp) {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
}

/** Main-thread task time between two Performance.getMetrics readings, in ms per `per`. */
function taskMs(before, after, per) {
  return ((after.TaskDuration - before.TaskDuration) * 1000) / per;
}

/**
 * Where main-thread time goes, by trace event name (self time, so nested
 * events count once). Performance.getMetrics' ScriptDuration misses promise
 * continuations (Lit's update runs in a microtask) and has no paint figure,
 * so the split comes from a devtools.timeline trace, as DevTools' summary does.
 */
const KINDS = [
  ['style', /^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|ScheduleStyleRecalculation|InvalidateLayout)$/],
  ['layout', /^(Layout|UpdateLayerTree|IntersectionObserverController::computeIntersections)$/],
  ['paint', /^(PrePaint|Paint|PaintImage|Layerize|Commit|UpdateLayer|CompositeLayers|Decode.*|RasterTask)$/],
  ['gc', /^(MinorGC|MajorGC|V8\.GC.*|BlinkGC.*|CppGC.*)$/],
  [
    'script',
    /^(RunMicrotasks|FunctionCall|EvaluateScript|TimerFire|FireAnimationFrame|EventDispatch|XHR.*|v8\..*|V8\..*|ParseHTML|FireIdleCallback|v8\.compile|CompileScript|.*Observer.*Callback)$/,
  ],
];
const kindOf = (name) => KINDS.find(([, pattern]) => pattern.test(name))?.[0] ?? 'other';

/**
 * Runs `work` under a trace and returns the page's main-thread self time per
 * kind (script, style, layout, paint, gc, other = task overhead) and the count
 * of style recalcs, layouts and paints, both per `per`. Tracing slows the
 * page: read the split as shares; the untraced task time is the figure.
 */
async function tracedSplit(page, work, per) {
  await page.tracing.start({
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'],
  });
  await work();
  const { traceEvents } = JSON.parse(Buffer.from(await page.tracing.stop()).toString('utf8'));
  const pid = traceEvents.find((e) => e.name === 'TracingStartedInBrowser')?.args?.data?.frames?.[0]?.processId;
  const tid = traceEvents.find(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain',
  )?.tid;
  const events = traceEvents
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur !== undefined)
    .sort((x, y) => x.ts - y.ts || y.dur - x.dur);
  const ms = { script: 0, style: 0, layout: 0, paint: 0, gc: 0, other: 0 };
  const count = { UpdateLayoutTree: 0, Layout: 0, Paint: 0 };
  const stack = [];
  const close = (upTo) => {
    while (stack.length && stack.at(-1).end <= upTo) {
      const done = stack.pop();
      ms[done.kind] += done.self / 1000 / per;
    }
  };
  for (const e of events) {
    close(e.ts);
    if (stack.length) stack.at(-1).self -= e.dur;
    stack.push({ kind: kindOf(e.name), self: e.dur, end: e.ts + e.dur });
    if (e.name in count) count[e.name] += 1 / per;
  }
  close(Infinity);
  return { ms, count };
}

/** In the page: replace fetch by an instant answer that serves `contents` in turn (no network in the figure). */
function instantFetch(contents) {
  let i = 0;
  window.fetch = async () =>
    new Response(
      JSON.stringify({
        format: 'QR_CODE',
        content: contents[i++ % contents.length],
        expiresAt: new Date(Date.now() + 30_000).toISOString(),
      }),
      {
        headers: { 'Content-Type': 'application/json', Date: new Date().toUTCString() },
      },
    );
}

/** 19-digit codes, like Magicline's. */
const digits19 = Array.from({ length: 64 }, (_, i) => String(4_000_000_000_000_000_000n + BigInt(i) * 7_919n));
/** The largest byte-mode content at level M that still fits version 10 (213 bytes). */
const large = Array.from({ length: 64 }, (_, i) =>
  `gym:${String(i).padStart(3, '0')}:`.padEnd(213, 'abcdefghijklmnopqrstuvwxyz0123456789'),
);

const results = {};
const t0 = performance.now();

// -- time to code ------------------------------------------------------------
{
  console.log('Time to code …');
  const { page } = await open('/ours.html');
  await page.waitForFunction(() => customElements.get('gym-access-qr'));
  const mountToQr = [];
  const responseToQr = [];
  for (let run = 0; run < RUNS + 2; run++) {
    const id = customer();
    const figures = await page.evaluate(async (id) => {
      let responseAt = 0;
      const realFetch = window.__realFetch ?? (window.__realFetch = window.fetch);
      window.fetch = async (...args) => {
        const response = await realFetch(...args);
        responseAt = performance.now();
        return response;
      };
      const el = document.createElement('gym-access-qr');
      el.setAttribute('customer-id', id);
      el.setAttribute('token-endpoint', '/v1/customers/{customerId}/access-code');
      const shownAt = new Promise((done) => {
        const watch = () => {
          const observer = new MutationObserver(() => {
            if (el.shadowRoot.querySelector('svg.qr path')) {
              observer.disconnect();
              done(performance.now());
            }
          });
          observer.observe(el.shadowRoot, { subtree: true, childList: true, attributes: true });
        };
        // After the append below has created the shadow root, before Lit's first render.
        queueMicrotask(watch);
      });
      const start = performance.now();
      document.body.append(el);
      const shown = await shownAt;
      el.remove();
      window.fetch = realFetch;
      return { mount: shown - start, response: shown - responseAt };
    }, id);
    // The first two warm the cache and the connection.
    if (run >= 2) {
      mountToQr.push(figures.mount);
      responseToQr.push(figures.response);
    }
  }
  results.responseToQrMs = stats(responseToQr);
  results.mountToQrMs = stats(mountToQr);
  await page.close();
}

// -- first code on screen: ours, the peer page that fetches, the floor ----------
results.firstCode = await measureFirstCode({ browser, quick });

// -- rotation cost, ours, the peer and the floor ------------------------------
/**
 * Main-thread time per new code for ours, the peer and the two floors, in
 * batches taken in turn (ours, peer, floors, then the other way round), each page
 * brought to the front for its batch. This machine's speed drifts by up to
 * half within seconds (one fixed loop in Node took 27 to 49 ms in the same
 * run), so batches taken one page after the other compared whatever moments
 * they hit: the same build measured 0.74 to 1.05 of the peer. Taken in turn,
 * each page sees the same drift.
 */
async function rotationCosts(contents) {
  const subjects = [
    { name: 'ours', path: '/ours.html', ...rotateOurs },
    { name: 'peer', path: '/peer.html', ...rotatePeer(contents) },
    { name: 'floor', path: '/ours.html', ...rotateFloor },
    { name: 'encodingFloor', path: '/ours.html', ...rotateEncodingFloor },
  ];
  for (const subject of subjects) {
    Object.assign(subject, await open(subject.path), { samples: [] });
    await subject.page.waitForFunction(() => customElements.get('gym-access-qr') || customElements.get('sl-qr-code'));
    await subject.page.evaluate(instantFetch, contents);
    for (const step of [subject.setup].flat()) await subject.page.evaluate(step);
    // Warm up.
    await subject.page.evaluate(subject.run, 20);
  }
  for (let run = 0; run < RUNS; run++) {
    for (const { page, cdp, run: rotate, samples } of run % 2 ? [...subjects].reverse() : subjects) {
      await page.bringToFront();
      // The first frames after coming to the front are not a rotation's.
      await page.evaluate(rotate, 3);
      const before = await metrics(cdp);
      await page.evaluate(rotate, ROTATIONS / 10);
      samples.push(taskMs(before, await metrics(cdp), ROTATIONS / 10));
    }
  }
  const costs = {};
  for (const { name, page, run: rotate, samples } of subjects) {
    await page.bringToFront();
    // One more batch under a trace, for the split (tracing costs time: not in the samples).
    const traced = await tracedSplit(page, () => page.evaluate(rotate, ROTATIONS / 10), ROTATIONS / 10);
    await page.close();
    costs[name] = { ...stats(samples), samples, traced };
  }
  return costs;
}

const rotateOurs = {
  setup: () => {
    const el = document.createElement('gym-access-qr');
    el.id = 'subject';
    el.setAttribute('customer-id', '1234567');
    el.setAttribute('token-endpoint', '/v1/customers/{customerId}/access-code');
    document.body.append(el);
  },
  run: async (n) => {
    const el = document.querySelector('#subject');
    for (let i = 0; i < n; i++) {
      await el.refresh();
      await el.updateComplete;
      await new Promise((frame) => requestAnimationFrame(() => setTimeout(frame)));
    }
  },
};
const rotatePeer = (contents) => ({
  setup: () => {
    const el = document.createElement('sl-qr-code');
    el.id = 'subject';
    el.size = 288;
    document.body.append(el);
  },
  run: new Function(
    'n',
    `const contents = ${JSON.stringify(contents)};
    return (async () => {
      const el = document.querySelector('#subject');
      for (let i = 0; i < n; i++) {
        el.value = contents[(window.__i = (window.__i ?? 0) + 1) % contents.length];
        await el.updateComplete;
        await new Promise((frame) => requestAnimationFrame(() => setTimeout(frame)));
      }
    })();`,
  ),
});
/** In the page: the floors' static view, an SVG of the element's size and a live region, and their rotation. */
function staticView() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', '253');
  svg.setAttribute('height', '253');
  svg.setAttribute('shape-rendering', 'crispEdges');
  const path = document.createElementNS(ns, 'path');
  svg.append(path);
  const live = document.createElement('div');
  live.setAttribute('role', 'status');
  const style = document.createElement('style');
  style.textContent =
    '[role=status]{position:absolute;inline-size:1px;block-size:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}';
  document.body.append(style, svg, live);
  window.__view = { svg, path, live };
}
/** Fetch and parse, a path for the answer from `window.__pathFor` ([viewBox, d]), swapped in, the words said, a frame. */
async function rotateStaticView(n) {
  const view = window.__view;
  for (let i = 0; i < n; i++) {
    const response = await fetch('/v1/customers/1234567/access-code');
    const body = await response.json();
    const [viewBox, d] = window.__pathFor(body);
    view.svg.setAttribute('viewBox', viewBox);
    view.path.setAttribute('d', d);
    view.live.textContent = body.format === 'QR_CODE' ? 'New check-in code shown.' : '';
    await new Promise((frame) => requestAnimationFrame(() => setTimeout(frame)));
  }
}
/**
 * The floor: what any element must do for a new code, and nothing else. The
 * same answer fetched and parsed, our path for it swapped into a static SVG
 * of the same size, and the same words written into a live region, then a
 * frame. No encoding, no framework, no countdown. Its paths are the
 * element's own for the same contents.
 */
const rotateFloor = {
  setup: [
    async () => {
      const el = document.createElement('gym-access-qr');
      el.setAttribute('customer-id', '1234567');
      el.setAttribute('token-endpoint', '/v1/customers/{customerId}/access-code');
      document.body.append(el);
      const paths = [];
      for (let i = 0; i < 64; i++) {
        await el.refresh();
        await el.updateComplete;
        const svg = el.shadowRoot.querySelector('svg.qr');
        paths.push([svg.getAttribute('viewBox'), svg.querySelector('path').getAttribute('d')]);
      }
      el.remove();
      let next = 0;
      window.__pathFor = () => paths[next++ % paths.length];
    },
    staticView,
  ],
  run: rotateStaticView,
};
/**
 * The encoding floor: the floor, but the path made from the answer's content
 * by the element's own encoder (`qrImage`, with the element's level), as any
 * element that shows a code it has just fetched must. Still no framework, no
 * countdown, no ring, no clock.
 */
const rotateEncodingFloor = {
  setup: [
    async () => {
      await import('/bench/.build/qr-image.js');
      window.__pathFor = (body) => {
        const { size, path } = window.qrImage(body.content, 'M');
        return [`0 0 ${size} ${size}`, path];
      };
    },
    staticView,
  ],
  run: rotateStaticView,
};

console.log('Rotation cost …');
const at19 = await rotationCosts(digits19);
const atLarge = await rotationCosts(large);
results.rotationMs = {
  ours19: at19.ours,
  peer19: at19.peer,
  floor19: at19.floor,
  encodingFloor19: at19.encodingFloor,
  oursLarge: atLarge.ours,
  peerLarge: atLarge.peer,
  floorLarge: atLarge.floor,
  encodingFloorLarge: atLarge.encodingFloor,
};

// -- encoder -------------------------------------------------------------------
{
  console.log('Encoder …');
  const { page } = await open('/encoders.html');
  await page.waitForFunction(() => window.encode);
  results.encodeUs = {};
  for (const name of ['shipped', 'published']) {
    results.encodeUs[name] = await page.evaluate(
      async (name, contents, runs) => {
        const { encode } =
          name === 'shipped' ? window : await import('/bench/.build/encoder-published.js').then(() => window);
        for (let i = 0; i < 2000; i++) encode(contents[i % contents.length]);
        // Back to back, as a hot loop runs it …
        const hot = [];
        for (let run = 0; run < runs; run++) {
          const start = performance.now();
          for (let i = 0; i < 500; i++) encode(contents[i % contents.length]);
          hot.push(((performance.now() - start) / 500) * 1000);
        }
        // … and one at a time with the page idle in between, as codes arrive (a mean: each reading is coarse).
        let spaced = 0;
        for (let i = 0; i < 100; i++) {
          await new Promise((done) => setTimeout(done, 20));
          const start = performance.now();
          encode(contents[i % contents.length]);
          spaced += performance.now() - start;
        }
        hot.sort((a, b) => a - b);
        return { hot: hot[Math.floor(hot.length / 2)], spaced: (spaced / 100) * 1000 };
      },
      name,
      digits19,
      RUNS,
    );
  }
  await page.close();
}

// -- idle cost ---------------------------------------------------------------
async function idleCost(path, setup, totalSeconds) {
  const { page, cdp } = await open(path);
  await page.waitForFunction(() => customElements.get('gym-access-qr') || customElements.get('sl-qr-code'));
  await page.evaluate(() => {
    window.__frames = 0;
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (callback) => {
      window.__frames++;
      return raf(callback);
    };
    for (const name of ['gym-access-qr', 'sl-qr-code']) {
      const type = customElements.get(name);
      if (!type) continue;
      const render = type.prototype.render;
      window.__renders = 0;
      type.prototype.render = function (...args) {
        window.__renders++;
        return render.apply(this, args);
      };
    }
  });
  await page.evaluate(setup);
  await new Promise((done) => setTimeout(done, 2_000));
  const start = await page.evaluate(() => ({ renders: window.__renders, frames: window.__frames }));
  // Task time every 5 s, summed into windows of one rotation (each window then holds one rotation and its
  // ticks, the work of one code) and of 10 s (as measured before: two or three of six catch a rotation).
  const step = 5;
  const readings = [await metrics(cdp)];
  for (let t = 0; t < totalSeconds; t += step) {
    await new Promise((done) => setTimeout(done, step * 1000));
    readings.push(await metrics(cdp));
  }
  const windowsOf = (seconds) =>
    Array.from({ length: Math.floor(totalSeconds / seconds) }, (_, w) =>
      taskMs(readings[(w * seconds) / step], readings[((w + 1) * seconds) / step], seconds),
    );
  const windows = windowsOf(ROTATION_SECONDS);
  const end = await page.evaluate(() => ({ renders: window.__renders, frames: window.__frames }));
  const traced = await tracedSplit(page, () => new Promise((done) => setTimeout(done, 10_000)), 10);
  await page.close();
  return {
    busyMsPerSecond: stats(windows),
    windows,
    busyMsPerSecondIn10s: stats(windowsOf(10)),
    mean: taskMs(readings[0], readings.at(-1), totalSeconds),
    traced,
    seconds: totalSeconds,
    rendersPerSecond: (end.renders - start.renders) / totalSeconds,
    animationFrameCallbacks: end.frames - start.frames,
  };
}

console.log(`Idle cost (${IDLE_SECONDS} s; the peer and the floor ${ROTATION_SECONDS * (quick ? 1 : 3)} s each) …`);
const idleCustomer = customer();
await post(`/mock/settings?customerId=${idleCustomer}`, { lifetimeSeconds: 30 });
results.idle = {
  ours: await idleCost(
    '/ours.html',
    new Function(`
    const el = document.createElement('gym-access-qr');
    el.setAttribute('customer-id', '${idleCustomer}');
    el.setAttribute('token-endpoint', '/v1/customers/{customerId}/access-code');
    document.body.append(el);`),
    IDLE_SECONDS,
  ),
  // A static code does nothing over time; a shorter run says as much. Three windows, so that the one with the
  // collection V8 runs once a page has gone quiet after loading is not the median.
  peer: await idleCost(
    '/peer.html',
    new Function(`
    const el = document.createElement('sl-qr-code');
    el.value = '${digits19[0]}';
    el.size = 288;
    document.body.append(el);`),
    ROTATION_SECONDS * (quick ? 1 : 3),
  ),
  // The floor: no element, one task a second that writes an accessible name, as a countdown's label needs.
  floor: await idleCost(
    '/ours.html',
    () => {
      const label = document.createElement('div');
      label.setAttribute('role', 'img');
      document.body.append(label);
      const tick = () => {
        label.setAttribute(
          'aria-label',
          `Check-in code, valid for ${29 - (Math.floor(performance.now() / 1000) % 30)} more seconds`,
        );
        setTimeout(tick, 1000 - (performance.now() % 1000));
      };
      tick();
    },
    ROTATION_SECONDS * (quick ? 1 : 3),
  ),
};

// -- requests per code lifetime ------------------------------------------------
{
  console.log(`Requests over ${LIFETIMES} lifetimes …`);
  const id = customer();
  // 3 s codes: 2 s after the Date header's allowance, the next asked for after 1 s.
  await post(`/mock/settings?customerId=${id}`, { lifetimeSeconds: 3 });
  const { page } = await open('/ours.html');
  await page.waitForFunction(() => customElements.get('gym-access-qr'));
  const codes = await page.evaluate(
    async (id, lifetimes) => {
      const el = document.createElement('gym-access-qr');
      el.setAttribute('customer-id', id);
      el.setAttribute('token-endpoint', '/v1/customers/{customerId}/access-code');
      let codes = 0;
      const done = new Promise((resolve) =>
        el.addEventListener('gym-access-qr-refresh', () => {
          if (++codes === lifetimes) resolve();
        }),
      );
      document.body.append(el);
      await done;
      return codes;
    },
    id,
    LIFETIMES,
  );
  // The request for the next code may already be under way: count those that brought a shown code.
  const sent = await requestsOf(id);
  results.requestsPerLifetimeVisible = {
    requests: sent,
    codes,
    ratio: Math.min(sent, codes) / codes,
    inFlightAtEnd: sent - codes,
  };

  // Hidden: another tab in front for as long as 10 lifetimes would take.
  const before = await requestsOf(id);
  const other = await browser.newPage();
  await other.goto(origin + '/blank.html');
  await other.bringToFront();
  const hidden = await page.evaluate(() => document.visibilityState);
  await new Promise((done) => setTimeout(done, 15_000));
  results.requestsWhileHidden = { requests: (await requestsOf(id)) - before, seconds: 15, visibilityState: hidden };
  await other.close();
  await page.close();
}

// -- memory --------------------------------------------------------------------
{
  console.log('Memory …');
  const id = customer();
  await post(`/mock/settings?customerId=${id}`, { lifetimeSeconds: 2 });
  const { page, cdp } = await open('/ours.html');
  await page.waitForFunction(() => customElements.get('gym-access-qr'));
  await page.evaluate((id) => {
    const el = document.createElement('gym-access-qr');
    el.id = 'subject';
    el.setAttribute('customer-id', id);
    el.setAttribute('token-endpoint', '/v1/customers/{customerId}/access-code');
    document.body.append(el);
    return new Promise((done) => el.addEventListener('gym-access-qr-refresh', done, { once: true }));
  }, id);
  const sample = async () => {
    await collectGarbage(cdp);
    const m = await metrics(cdp);
    return { heapKB: m.JSHeapUsedSize / 1024, nodes: m.Nodes };
  };
  const rotate = (n) =>
    page.evaluate(async (n) => {
      const el = document.querySelector('#subject');
      for (let i = 0; i < n; i++) {
        await el.refresh();
        await el.updateComplete;
      }
    }, n);
  const mountCycles = (n) =>
    page.evaluate(
      async (id, n) => {
        for (let i = 0; i < n; i++) {
          const el = document.createElement('gym-access-qr');
          el.setAttribute('customer-id', id);
          el.setAttribute('token-endpoint', '/v1/customers/{customerId}/access-code');
          const shown = new Promise((done) => el.addEventListener('gym-access-qr-refresh', done, { once: true }));
          document.body.append(el);
          await shown;
          el.remove();
        }
      },
      id,
      n,
    );
  // Rotations against the real mock over HTTP, back to back. The first batch also warms the JIT
  // and caches; growth that scales with the count shows as growth in the second batch.
  const beforeRotations = await sample();
  await rotate(ROTATIONS);
  const afterRotations = await sample();
  await rotate(ROTATIONS);
  const afterMoreRotations = await sample();
  await page.evaluate(() => document.querySelector('#subject').remove());
  const beforeMounts = await sample();
  await mountCycles(MOUNTS);
  const afterMounts = await sample();
  await mountCycles(MOUNTS);
  const afterMoreMounts = await sample();
  results.memory = {
    beforeRotations,
    afterRotations,
    afterMoreRotations,
    beforeMounts,
    afterMounts,
    afterMoreMounts,
    rotations: ROTATIONS,
    mounts: MOUNTS,
  };
  await page.close();
}

results.browser = await browser.version();
await browser.close();
server.close();
mock.close();

results.bytes = {
  ours: sizes(ours),
  oursIife: sizes(oursIife),
  floor: sizes(floor),
  peer: sizes(peer),
};
results.seconds = (performance.now() - t0) / 1000;
results.runs = { RUNS, ROTATIONS, IDLE_SECONDS, LIFETIMES, MOUNTS, quick };

// ---------------------------------------------------------------- report

const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);
const spread = (s, f = f2) => `${f(s.median)} [${f(s.p10)}–${f(s.p90)}]`;
const kB = (b) => `${(b / 1000).toFixed(1)} kB`;
const { bytes, rotationMs, idle, memory } = results;
/** Each batch over the peer's batch taken beside it: the median and the spread of those ratios. */
const paired = (a, b) => spread(stats(a.samples.map((ms, i) => ms / b.samples[i])));
const rows = [
  ['metric', 'ours', 'peer (sl-qr-code)', 'ours / peer', 'note'],
  [
    'bundle, gzipped (ES)',
    kB(bytes.ours.gzipped),
    kB(bytes.peer.gzipped),
    f2(bytes.ours.gzipped / bytes.peer.gzipped),
    `floor ${kB(bytes.floor.gzipped)}: ours/floor ${f2(bytes.ours.gzipped / bytes.floor.gzipped)}`,
  ],
  [
    'bundle, minified (ES)',
    kB(bytes.ours.minified),
    kB(bytes.peer.minified),
    f2(bytes.ours.minified / bytes.peer.minified),
    `floor ${kB(bytes.floor.minified)}: ours/floor ${f2(bytes.ours.minified / bytes.floor.minified)}`,
  ],
  ['bundle, gzipped (IIFE)', kB(bytes.oursIife.gzipped), '', '', `minified ${kB(bytes.oursIife.minified)}`],
  [
    'response → QR in DOM, ms',
    spread(results.responseToQrMs),
    '',
    '',
    `median [p10–p90], n=${results.responseToQrMs.n}`,
  ],
  ['connected → QR in DOM, ms', spread(results.mountToQrMs), '', '', 'warm cache, local endpoint'],
  [
    'rotation, 19 digits, ms main thread',
    spread(rotationMs.ours19),
    spread(rotationMs.peer19),
    f2(rotationMs.ours19.median / rotationMs.peer19.median),
    `encode + path + render + style/layout/paint; batch by batch ${paired(rotationMs.ours19, rotationMs.peer19)}`,
  ],
  [
    'rotation, 213 bytes (v10-M), ms',
    spread(rotationMs.oursLarge),
    spread(rotationMs.peerLarge),
    f2(rotationMs.oursLarge.median / rotationMs.peerLarge.median),
    `batch by batch ${paired(rotationMs.oursLarge, rotationMs.peerLarge)}`,
  ],
  [
    'rotation floor, 19 digits, ms',
    spread(rotationMs.floor19),
    spread(rotationMs.peer19),
    f2(rotationMs.floor19.median / rotationMs.peer19.median),
    'fetch + parse + path swap + live text + frame, nothing else',
  ],
  [
    'rotation floor, 213 bytes, ms',
    spread(rotationMs.floorLarge),
    spread(rotationMs.peerLarge),
    f2(rotationMs.floorLarge.median / rotationMs.peerLarge.median),
    'batches of ours, peer and floors taken in turn',
  ],
  [
    'encoding floor, 19 digits, ms',
    spread(rotationMs.encodingFloor19),
    spread(rotationMs.peer19),
    f2(rotationMs.encodingFloor19.median / rotationMs.peer19.median),
    `the floor + our encoder and path; batch by batch ${paired(rotationMs.encodingFloor19, rotationMs.peer19)}`,
  ],
  [
    'encoding floor, 213 bytes, ms',
    spread(rotationMs.encodingFloorLarge),
    spread(rotationMs.peerLarge),
    f2(rotationMs.encodingFloorLarge.median / rotationMs.peerLarge.median),
    'still no framework, ring, countdown or clock',
  ],
  [
    'encoder, 19 digits, µs',
    `${f1(results.encodeUs.shipped.hot)} hot, ${f1(results.encodeUs.shipped.spaced)} spaced`,
    '',
    '',
    `qrcode-generator as published: ${f1(results.encodeUs.published.hot)} hot, ${f1(results.encodeUs.published.spaced)} spaced (one every 20 ms)`,
  ],
  [
    'idle, ms busy per s',
    spread(idle.ours.busyMsPerSecond),
    spread(idle.peer.busyMsPerSecond),
    f2(idle.ours.busyMsPerSecond.median / idle.peer.busyMsPerSecond.median),
    `30 s codes, ${ROTATION_SECONDS} s windows (one rotation each) over ${idle.ours.seconds} s, mean ${f2(idle.ours.mean)}; in 10 s windows ${spread(idle.ours.busyMsPerSecondIn10s)}; the peer's static code over ${idle.peer.seconds} s`,
  ],
  [
    'idle floor, ms busy per s',
    spread(idle.floor.busyMsPerSecond),
    '',
    '',
    `one task a second writing an accessible name, nothing else, over ${idle.floor.seconds} s`,
  ],
  ['idle, renders per s', f2(idle.ours.rendersPerSecond), f2(idle.peer.rendersPerSecond), '', 'goal ≤ 1'],
  [
    'idle, rAF callbacks',
    String(idle.ours.animationFrameCallbacks),
    String(idle.peer.animationFrameCallbacks),
    '',
    'goal 0 (ring and sheen run on the compositor)',
  ],
  [
    'requests per code, visible',
    f2(results.requestsPerLifetimeVisible.ratio),
    '',
    '',
    `${results.requestsPerLifetimeVisible.requests} requests for ${results.requestsPerLifetimeVisible.codes} codes (goal 1.00)`,
  ],
  [
    'requests while hidden',
    String(results.requestsWhileHidden.requests),
    '',
    '',
    `${results.requestsWhileHidden.seconds} s, page ${results.requestsWhileHidden.visibilityState} (goal 0)`,
  ],
  [
    'JS heap KB, rotations: 0 → N → 2N',
    `${f1(memory.beforeRotations.heapKB)} → ${f1(memory.afterRotations.heapKB)} → ${f1(memory.afterMoreRotations.heapKB)}`,
    '',
    '',
    `N=${memory.rotations}, after GC; the first N warms the JIT`,
  ],
  [
    'DOM nodes, rotations: 0 → N → 2N',
    `${memory.beforeRotations.nodes} → ${memory.afterRotations.nodes} → ${memory.afterMoreRotations.nodes}`,
    '',
    '',
    '',
  ],
  [
    'JS heap KB, mounts: 0 → N → 2N',
    `${f1(memory.beforeMounts.heapKB)} → ${f1(memory.afterMounts.heapKB)} → ${f1(memory.afterMoreMounts.heapKB)}`,
    '',
    '',
    `N=${memory.mounts} mount/unmount cycles, after GC`,
  ],
  [
    'DOM nodes, mounts: 0 → N → 2N',
    `${memory.beforeMounts.nodes} → ${memory.afterMounts.nodes} → ${memory.afterMoreMounts.nodes}`,
    '',
    '',
    '',
  ],
];
// Where the main-thread time goes, from one traced batch (self time per kind; tracing inflates the total).
const split = ({ traced: { ms } }) =>
  ['script', 'style', 'layout', 'paint', 'gc', 'other'].map((k) => f2(ms[k])).join(' / ');
const counts = ({ traced: { count } }) => ['UpdateLayoutTree', 'Layout', 'Paint'].map((k) => f2(count[k])).join(' / ');
const splitNote = 'traced ms: script / style / layout / paint / gc / task overhead';
const countNote = 'traced: style recalcs / layouts / paints';
rows.push(
  ['rotation 19 d., split', split(rotationMs.ours19), split(rotationMs.peer19), '', splitNote],
  ['rotation 19 d., events', counts(rotationMs.ours19), counts(rotationMs.peer19), '', `${countNote} per rotation`],
  ['rotation 19 d., floor split', split(rotationMs.floor19), '', '', splitNote],
  ['rotation 19 d., encoding floor split', split(rotationMs.encodingFloor19), '', '', splitNote],
  ['rotation 213 B, split', split(rotationMs.oursLarge), split(rotationMs.peerLarge), '', splitNote],
  [
    'rotation 213 B, events',
    counts(rotationMs.oursLarge),
    counts(rotationMs.peerLarge),
    '',
    `${countNote} per rotation`,
  ],
  ['idle, split per s', split(idle.ours), split(idle.peer), '', splitNote],
  ['idle, events per s', counts(idle.ours), counts(idle.peer), '', `${countNote} per second`],
);
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
const line = (r) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
const table = [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join(
  '\n',
);
const firstCode = firstCodeTable(results.firstCode);
console.log(
  `\n${table}\n\nFirst code on screen\n\n${firstCode}\n\n${results.browser}, ${results.seconds.toFixed(0)} s${quick ? ', --quick' : ''}`,
);

mkdirSync(join(root, 'bench/results'), { recursive: true });
const file = join(root, 'bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ ...results, table, firstCode }, null, 2));
console.log(`Written to ${file}`);
