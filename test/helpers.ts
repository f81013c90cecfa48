import sinon from 'sinon';
import '../src/define.js';
import type { GymAccessQr } from '../src/index.js';

/** A device clock that is correct, unless a test says otherwise. */
export const START = Date.parse('2026-03-02T07:00:00Z');

const currentTime = Object.getOwnPropertyDescriptor(Animation.prototype, 'currentTime')!;
const startTime = Object.getOwnPropertyDescriptor(Animation.prototype, 'startTime')!;

/**
 * Fakes the page's timers, `Date` and `performance.now()`, starting at {@link START}. Restore with `uninstall()`.
 *
 * The element's animations (ring, sheen, the strips of the countdown and the clock) run on the document's
 * timeline, which a faked clock does not move. So the timeline follows the faked clock: each animation
 * remembers the faked time it was last set at (a start time set on the faked clock counts as a seek to as
 * far past it as the faked clock is), and whenever the clock moves, every animation of every
 * <gym-access-qr> is set as far past that as the clock moved, and held there (at a playback rate of 0, so
 * whether the element has it running or paused still shows), as if the compositor had run it; the real time
 * a test takes counts for nothing.
 */
export function fakeClock(): sinon.SinonFakeTimers {
  const clock = sinon.useFakeTimers({
    now: START,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
  });
  const setAt = new WeakMap<Animation, [at: number, time: number]>();
  Object.defineProperty(Animation.prototype, 'currentTime', {
    configurable: true,
    get: currentTime.get,
    set(this: Animation, time: number) {
      setAt.set(this, [performance.now(), time]);
      currentTime.set!.call(this, time);
    },
  });
  // A start on the faked clock: running, as far past it as the faked clock is now.
  Object.defineProperty(Animation.prototype, 'startTime', {
    configurable: true,
    get: startTime.get,
    set(this: Animation, start: number | null) {
      if (start === null) return startTime.set!.call(this, start);
      this.play();
      this.currentTime = performance.now() - start;
    },
  });
  const tickAsync = clock.tickAsync.bind(clock);
  clock.tickAsync = async (ms) => {
    const now = await tickAsync(ms);
    for (const el of document.querySelectorAll('gym-access-qr')) {
      for (const animation of el.shadowRoot?.getAnimations() ?? []) {
        const set = setAt.get(animation);
        if (!set) continue;
        animation.playbackRate = 0;
        currentTime.set!.call(animation, set[1] + performance.now() - set[0]);
      }
    }
    return now;
  };
  const uninstall = clock.uninstall.bind(clock);
  clock.uninstall = () => {
    Object.defineProperty(Animation.prototype, 'currentTime', currentTime);
    Object.defineProperty(Animation.prototype, 'startTime', startTime);
    return uninstall();
  };
  return clock;
}

/** Lets fetch, body reads and renders finish without moving the faked clock. */
export async function settleOn(clock: sinon.SinonFakeTimers): Promise<void> {
  for (let i = 0; i < 1; i++) await clock.tickAsync(0);
}

/**
 * Lets the page paint twice (real frames: the faked clock does not move them), so what the browser reports after a
 * paint, as an IntersectionObserver does, has reported, then lets the element act on it.
 */
export async function afterPaint(clock: sinon.SinonFakeTimers): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
  await settleOn(clock);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A 200 response as the partner backend sends it, with a `Date` header unless `date: null`. */
export function codeResponse(
  body: Record<string, unknown>,
  {
    date = Date.now(),
    status = 200,
    headers = {},
  }: { date?: number | null; status?: number; headers?: Record<string, string> } = {},
): Response {
  const all: Record<string, string> = { 'Content-Type': 'application/json', ...headers };
  if (date !== null) all.Date = new Date(date).toUTCString();
  return new Response(JSON.stringify(body), { status, headers: all });
}

/** A code that expires `lifetimeMs` from now on the server's clock (the device's, unless `serverNow` is given). */
export function freshCode(content: string, lifetimeMs = 30_000, serverNow = Date.now()): Response {
  return codeResponse({ format: 'QR_CODE', content, expiresAt: iso(serverNow + lifetimeMs) }, { date: serverNow });
}

export function errorResponse(status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: 'nope' }), { status, headers });
}

export interface FetchCall {
  url: string;
  init: RequestInit;
  /** performance.now() when fetch was called. */
  at: number;
  respond(response: Response): Promise<void>;
  fail(error?: Error): Promise<void>;
  aborted(): boolean;
}

/** Records every body read started on `response` (text, json, arrayBuffer, blob), so a test can wait for it. */
function bodyReads(response: Response): Promise<unknown>[] {
  const reads: Promise<unknown>[] = [];
  for (const name of ['text', 'json', 'arrayBuffer', 'blob'] as const) {
    const read = response[name].bind(response) as () => Promise<unknown>;
    Object.defineProperty(response, name, {
      configurable: true,
      value: () => {
        const pending = read();
        reads.push(pending);
        return pending;
      },
    });
  }
  return reads;
}

/**
 * Replaces window.fetch with a stub whose calls the test answers by hand,
 * each with a real Response. `settle` lets the element's promises run.
 */
export function stubFetch(settle: () => Promise<void>) {
  const calls: FetchCall[] = [];
  const stub = sinon.stub(window, 'fetch').callsFake((input, init = {}) => {
    return new Promise<Response>((resolve, reject) => {
      const signal = init.signal;
      // Like fetch: an aborted signal rejects, whether it was aborted before the call or during it.
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason ?? new DOMException('Aborted', 'AbortError')));
      calls.push({
        url: String(input),
        init,
        at: performance.now(),
        async respond(response) {
          const read = bodyReads(response);
          resolve(response);
          await settle();
          // A browser may read a body on tasks of its own (Firefox does, more so on a busy machine), which the
          // faked clock's turns need not cover: wait for the read the element started, then let it act on it.
          for (const pending of read) await pending.catch(() => undefined);
          if (read.length > 0) await settle();
        },
        async fail(error = new TypeError('Failed to fetch')) {
          reject(error);
          await settle();
        },
        aborted: () => Boolean(signal?.aborted),
      });
    });
  });
  return {
    calls,
    stub,
    get last(): FetchCall {
      const call = calls.at(-1);
      if (!call) throw new Error('no request was sent');
      return call;
    },
  };
}

/** A stand-in that forwards every read to what `current()` holds in the running test. */
function forwardTo<T extends object>(current: () => T): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = current();
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set: (_, key, value) => Reflect.set(current(), key, value),
  });
}

/** The member and the two codes the element's fake-clock suites use. */
export const CUSTOMER = '1234567';
export const ENDPOINT = '/api/customers/{customerId}/access-code';
export const CODE_A = '0049267681211943991';
export const CODE_B = '0049267681211943992';

/**
 * The faked clock ({@link fakeClock}) and the hand-answered fetch ({@link stubFetch}) that most element suites run
 * under, set up before each test of the suite that calls this. After each test, every `<gym-access-qr>` is removed
 * (while the clock is still faked, so its timers go with it), the page is visible again, every stub is restored and
 * the clock put back. `clock` and `net` stand for the running test's clock and fetch stub.
 */
export function fakeClockAndFetch() {
  let clock: sinon.SinonFakeTimers | undefined;
  let net: ReturnType<typeof stubFetch> | undefined;
  const settle = () => settleOn(clock!);
  beforeEach(() => {
    clock = fakeClock();
    net = stubFetch(settle);
  });
  afterEach(() => {
    for (const el of document.querySelectorAll('gym-access-qr')) el.remove();
    resetVisibility();
    sinon.restore();
    clock?.uninstall();
    clock = net = undefined;
  });
  return {
    clock: forwardTo(() => clock!),
    net: forwardTo(() => net!),
    /** Lets fetch, body reads and renders finish without moving the faked clock. */
    settle,
    /** Lets the page paint and its observers report, without moving the faked clock. */
    afterPaint: () => afterPaint(clock!),
    /** Answers the newest access-code request with `content`, valid for `lifetimeMs`. */
    show: async (content: string, lifetimeMs = 30_000) => {
      await net!.last.respond(freshCode(content, lifetimeMs));
    },
  };
}

export async function mount(
  attributes: Record<string, string>,
  parent: HTMLElement = document.body,
): Promise<GymAccessQr> {
  const el = document.createElement('gym-access-qr');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  parent.append(el);
  await el.updateComplete;
  return el;
}

export function qrPathOf(el: GymAccessQr): string | null {
  return el.shadowRoot!.querySelector('svg.qr path.dark')?.getAttribute('d') ?? null;
}

/**
 * The text of `node` as a sighted member reads it: the screen-reader-only live regions are left out, and of
 * each strip of the countdown and the clock (all its values, one per line, in a one-line window) only the
 * line its transform has moved into the window.
 */
export function shownText(node: Node): string {
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  let text = '';
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent?.closest('.live')) continue;
    if (parent?.classList.contains('strip')) {
      const lines = walker.currentNode.textContent!.split('\n');
      const moved = new DOMMatrixReadOnly(getComputedStyle(parent).transform.replace('none', '')).m42;
      text += lines[Math.round(-moved / (parent.offsetHeight / lines.length))] ?? '';
    } else {
      text += walker.currentNode.textContent;
    }
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** The element's text as a sighted member reads it (see {@link shownText}). */
export function visibleText(el: GymAccessQr): string {
  return shownText(el.shadowRoot!);
}

/** A wall-clock time as the device shows it in 24-hour `hh:mm:ss` (Intl's en-GB format, independent of the element's). */
export function localTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString('en-GB', { hour12: false });
}

/** Collects the element's events of one type. */
export function record<K extends keyof GlobalEventHandlersEventMap>(
  el: EventTarget,
  type: K,
): GlobalEventHandlersEventMap[K][] {
  const seen: GlobalEventHandlersEventMap[K][] = [];
  el.addEventListener(type, (event) => seen.push(event as GlobalEventHandlersEventMap[K]));
  return seen;
}

/** Makes document.visibilityState report `state` and fires visibilitychange. */
export function setVisibility(state: DocumentVisibilityState): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
}

/**
 * Back to a visible page. The runner opens test files in parallel tabs, and a
 * background tab is `hidden`: the element would rightly do nothing there.
 */
export function resetVisibility(): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
}

beforeEach(resetVisibility);

declare global {
  interface Window {
    jsQR?: (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
  }
}

/** jsQR ships as UMD: load it as a classic script. */
async function loadJsQR() {
  if (window.jsQR) return window.jsQR;
  await new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/jsqr/dist/jsQR.js';
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('could not load jsQR'));
    document.head.append(script);
  });
  return window.jsQR!;
}

/** Draws an SVG document on a `pixels`-square canvas, as a camera would see it, and decodes it with jsQR. */
async function decodeSvg(svg: string, pixels: number): Promise<string | null> {
  const jsQR = await loadJsQR();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = pixels;
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0, pixels, pixels);
    const { data } = context.getImageData(0, 0, pixels, pixels);
    return jsQR(data, pixels, pixels)?.data ?? null;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * Reads the element's QR as a scanner would: the SVG, with the colours the
 * page's CSS gave it, drawn on a canvas and decoded by jsQR (an independent decoder).
 */
export async function decodeShownQr(el: GymAccessQr, pixels = 400): Promise<string | null> {
  const shown = el.shadowRoot!.querySelector<SVGSVGElement>('svg.qr');
  if (!shown) return null;
  const copy = shown.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(pixels));
  copy.setAttribute('height', String(pixels));
  for (const part of ['.light', '.dark']) {
    copy.querySelector(part)!.setAttribute('fill', getComputedStyle(shown.querySelector(part)!).fill);
  }
  return decodeSvg(new XMLSerializer().serializeToString(copy), pixels);
}

/**
 * A real `text/event-stream` Response whose body the test writes by hand,
 * as a backend would: `write` a chunk, `end` the stream, or `fail` it.
 */
export function eventStreamResponse({
  status = 200,
  headers = {},
}: { status?: number; headers?: Record<string, string> } = {}) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      open = false;
    },
  });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { status, headers: { 'Content-Type': 'text/event-stream', ...headers } }),
    /** Whether the reader is still there (not cancelled, not ended). */
    get open() {
      return open;
    },
    write(text: string) {
      if (open) controller.enqueue(encoder.encode(text));
    },
    end() {
      if (open) controller.close();
      open = false;
    },
    fail() {
      if (open) controller.error(new TypeError('network error'));
      open = false;
    },
  };
}

/**
 * Decodes a QR image straight from `qrImage` (no element): the path drawn
 * black on white, rasterised by the browser at `pixels`, read back by jsQR.
 */
export async function decodeQrImage(
  { size, path }: { size: number; path: string },
  pixels = 400,
): Promise<string | null> {
  return decodeSvg(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${pixels}" height="${pixels}" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
      `<rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`,
    pixels,
  );
}
