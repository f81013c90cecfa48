// How an access code is asked for, and the first requests, started as the drop-in
// bundle begins to run. Imports nothing heavy (no Lit, no zod): the bundle
// evaluates this before them (see src/early-requests.ts).
import { credentialsOf, resolveEndpoint } from './config.js';

/**
 * The one access-code request: every request the element sends goes through here. Never from the HTTP cache; but
 * a request paired with the page's preload asks in the default mode, in which Firefox hands it the preloaded
 * answer (with `no-store` it asks again, as WebKit does in either mode). That answer is as fresh as the
 * preload, and its life is counted from when the preload was sent.
 */
export function fetchAccessCode(
  url: string,
  credentials: RequestCredentials,
  headers: Record<string, string>,
  signal: AbortSignal,
  preloaded: boolean,
): Promise<Response> {
  return fetch(url, {
    credentials,
    headers: { ...headers, Accept: 'application/json' },
    signal,
    cache: preloaded ? 'default' : 'no-store',
  });
}

/** Preload links an element's request has been paired with: each goes with one request, the first. */
const claimedPreloads = new WeakSet<HTMLLinkElement>();

/**
 * A page may start the first code's request itself while it parses (`<link rel="preload" as="fetch">`, see the
 * README), and a browser may then hand that response to the element's own request for the URL (Chromium does,
 * however long ago it came). The code's lifetime must then run from when the preload was sent, or a stale
 * preload would show a dead code. Claims the page's unclaimed preload of `url`, if any, and returns a reader of
 * the moment it was sent (`performance.now()` time): its Resource Timing entry's start, or, while none is
 * reported yet, the time origin, the earliest it can have been.
 */
export function claimPreload(url: string): (() => number) | null {
  for (const link of document.querySelectorAll<HTMLLinkElement>('link[rel~="preload" i][as="fetch" i]')) {
    if (link.href !== url || claimedPreloads.has(link)) continue;
    claimedPreloads.add(link);
    return () => {
      const starts = performance
        .getEntriesByName(url, 'resource')
        .filter((entry) => (entry as PerformanceResourceTiming).initiatorType === 'link')
        .map((entry) => entry.startTime);
      return starts.length ? Math.min(...starts) : 0;
    };
  }
  return null;
}

/** A request sent for a tag before its element existed, waiting for that element's first request to take it. */
export interface EarlyRequest {
  readonly url: string;
  readonly credentials: RequestCredentials;
  /** `performance.now()` when it was sent. */
  readonly sentAt: number;
  readonly response: Promise<Response>;
  /** Reads when the page's preload of the URL was sent, if the request was paired with one. */
  readonly preloaded: (() => number) | null;
  readonly abort: AbortController;
}

let waiting: EarlyRequest[] = [];

/** Properties a page script may have set on a tag before it was upgraded: the element's first update applies them. */
const SCRIPTED = ['customerId', 'tokenEndpoint', 'credentials', 'requestHeaders'];

/**
 * The script tag's bundle has arrived, and the page's tags are in the document already: the usual CMS page.
 * Before Lit and the element are evaluated (tens of milliseconds on a phone), sends each tag's first request,
 * exactly as its element would in its first update, for that element to take (see {@link takeEarlyRequest}).
 * Only tags whose markup says it all: a tag with a property set by a script (`requestHeaders`, `credentials`,
 * …) is left to its element, which applies those first. Nothing while the page is hidden, nothing for a tag
 * that is not configured or is configured wrong (the element reports that). A request no element has taken
 * once the bundle's task is over is aborted: one request per code, never one more.
 */
export function startEarlyRequests(tag: string): void {
  if (document.visibilityState === 'hidden') return;
  for (const element of document.querySelectorAll(tag)) {
    if (SCRIPTED.some((property) => Object.prototype.hasOwnProperty.call(element, property))) continue;
    const endpoint = resolveEndpoint(
      element.getAttribute('token-endpoint') ?? '',
      element.getAttribute('customer-id') ?? '',
      document.baseURI,
    );
    if (endpoint.status !== 'ready') continue;
    const { url } = endpoint;
    const credentials = credentialsOf(element.getAttribute('credentials') ?? '');
    const abort = new AbortController();
    const preloaded = claimPreload(url);
    const sentAt = performance.now();
    const response = fetchAccessCode(url, credentials, {}, abort.signal, preloaded !== null);
    // Read by the element that takes it; an aborted one that nobody took is nobody's failure.
    response.catch(() => {});
    waiting.push({ url, credentials, sentAt, response, preloaded, abort });
  }
  if (waiting.length === 0) return;
  setTimeout(() => {
    for (const request of waiting) request.abort.abort();
    waiting = [];
  }, 0);
}

/**
 * The waiting early request for `url` and `credentials`, if any, handed over once: for an element's request
 * without headers of its own, which is the request it would have sent.
 */
export function takeEarlyRequest(url: string, credentials: RequestCredentials): EarlyRequest | null {
  const at = waiting.findIndex(
    (request) => request.url === url && request.credentials === credentials && !request.abort.signal.aborted,
  );
  if (at < 0) return null;
  return waiting.splice(at, 1)[0]!;
}
