import type { IncomingMessage, Server } from 'node:http';
import { Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { isCustomerId } from '../internal/customer-id.js';
import { allowedUntil, type Authorize } from './authorize.js';
import { codeResponse, createCodeService } from './code-service.js';
import { describeError, jsonLogger, type RelayLogger } from './log.js';
import { createMemoryState } from './memory-state.js';
import { createNodeAdapter, type NodeHandler } from './node-adapter.js';
import { createRedisState } from './redis-state.js';
import { customerKey, type SharedState } from './state.js';
import { defaultMaxStreams } from './open-files.js';
import { createStreamHub, type StreamStats } from './stream-hub.js';
import { entityIdDigits, hasDuplicateTopLevelKey, isCheckin, readBody, secretsEqual } from './webhook.js';

export { REUSE_MIN_REMAINING_MS } from './code-service.js';
export { readyFrame, sseFrame, type StreamStats } from './stream-hub.js';
export type { NodeHandler } from './node-adapter.js';

export interface RelayOptions {
  /** The Open API's base URL, e.g. `https://<tenant>.open-api.magicline.com` (a path prefix is kept). */
  magiclineBaseUrl: string;
  /** Sent as `X-API-KEY` to Magicline (scope `CUSTOMER_READ`). */
  magiclineApiKey: string;
  /** What Magicline sends as `X-API-KEY` with its webhooks. */
  webhookApiKey: string;
  /** The partner's session check for both member routes; see {@link Authorization}. */
  authorize: Authorize;
  /** Origins allowed to call the member routes from a browser (exact `scheme://host[:port]`). Default: none (same origin only). */
  allowedOrigins?: readonly string[];
  /** Shared state in Redis for several instances; without it (and without `state`) state is kept in memory. */
  redisUrl?: string;
  /** A state of your own (it is not closed by `close()`); takes precedence over `redisUrl`. */
  state?: SharedState;
  /** Upstream calls a minute, all instances together (default 1000, Magicline's default limit). */
  upstreamLimitPerMinute?: number;
  /** Upstream calls a minute caused by one customer, all instances together (default 6: a code every 10 s). */
  memberUpstreamLimitPerMinute?: number;
  /** Open event streams on this instance past which new ones get 503 (default 90 % of the open-file limit). */
  maxStreams?: number;
  /** How long a webhook's body may take to arrive before a 408 (default 10000 ms). */
  webhookBodyTimeoutMs?: number;
  logger?: RelayLogger;
  /** Default 8000 ms. */
  upstreamTimeoutMs?: number;
  /** A comment on every event stream this often (default 15000 ms). */
  keepAliveMs?: number;
  /** How long check-ins stay replayable (default 5 minutes; at least 2 are promised). */
  replayWindowMs?: number;
  /** The `fetch` used for Magicline (default the global one). */
  fetch?: typeof fetch;
}

export interface Relay {
  /** The web-standard handler: Node via `nodeHandler`/`listen`, or Deno, Bun, Workers directly. */
  fetch(request: Request, env?: { incoming?: IncomingMessage }): Promise<Response>;
  /** For `http.createServer`, Express (`app.use(relay.nodeHandler)`, before any body parser), Connect, Vite. */
  nodeHandler: NodeHandler;
  /** Starts an HTTP server (port 0: a free one); `close()` stops it. */
  listen(options?: { port?: number; hostname?: string }): Promise<{ server: Server; port: number; url: string }>;
  /** This instance's open event streams for a customer (monitoring, tests). */
  openStreams(customerId: string): number;
  /** This instance's open streams, the bytes waiting for them, and the live check-ins written to them. */
  streamStats(): StreamStats;
  /** Open event streams on this instance past which new ones get 503. */
  readonly maxStreams: number;
  /** Ends event streams, timers, upstream calls, servers from `listen` and the Redis connections. */
  close(): Promise<void>;
}

const RELAY_PATH = /^\/(?:healthz|webhooks\/magicline|v1\/customers\/[^/]+\/(?:access-code|events))\/?$/;
const NO_STORE = { 'Cache-Control': 'no-store' };
/** What the member check leaves for the routes: until when the member is allowed (epoch ms, or Infinity). */
type Env = { Variables: { allowedUntil: number } };
const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-store',
  // Proxies such as nginx would otherwise hold the stream back.
  'X-Accel-Buffering': 'no',
  // No type sniffing: a browser that sniffs holds the first bytes back, and they carry the replay.
  'X-Content-Type-Options': 'nosniff',
};

function unavailable(error: string): Response {
  return new Response(JSON.stringify({ error }), {
    status: 503,
    headers: { ...NO_STORE, 'Content-Type': 'application/json', 'Retry-After': '5' },
  });
}

/**
 * The partner relay: the element's access-code and check-in routes, the
 * Magicline webhook, and a health check, as one web-standard handler.
 *
 * @example
 * ```js
 * import { createRelay } from 'gym-access-qr/server';
 * const relay = createRelay({
 *   magiclineBaseUrl: 'https://mystudio.open-api.magicline.com',
 *   magiclineApiKey: process.env.MAGICLINE_API_KEY,
 *   webhookApiKey: process.env.MAGICLINE_WEBHOOK_API_KEY,
 *   authorize: async (request, customerId) => {
 *     const member = await sessionOf(request);
 *     if (!member) return 'unauthorized';
 *     return member.customerId === customerId ? 'allow' : 'forbidden';
 *   },
 * });
 * app.use(relay.nodeHandler); // Express, before body parsers
 * ```
 */
export function createRelay(options: RelayOptions): Relay {
  if (typeof options.authorize !== 'function')
    throw new TypeError('createRelay: authorize(request, customerId) is required');
  for (const name of ['magiclineBaseUrl', 'magiclineApiKey', 'webhookApiKey'] as const) {
    if (typeof options[name] !== 'string' || !options[name]) throw new TypeError(`createRelay: ${name} is required`);
  }
  // Magicline takes its key as a header; a password in the URL would only end up in error messages.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(options.magiclineBaseUrl))
    throw new TypeError('createRelay: magiclineBaseUrl must not hold a user name or password');
  const logger = options.logger ?? jsonLogger;
  const ownsState = !options.state;
  const state =
    options.state ??
    (options.redisUrl
      ? createRedisState({
          url: options.redisUrl,
          logger,
          ...(options.replayWindowMs ? { replayWindowMs: options.replayWindowMs } : {}),
        })
      : createMemoryState(options.replayWindowMs ? { replayWindowMs: options.replayWindowMs } : {}));
  const allowed = new Set(options.allowedOrigins ?? []);
  const upstreamAbort = new AbortController();
  const codes = createCodeService({
    state,
    logger,
    limitPerMinute: options.upstreamLimitPerMinute ?? 1000,
    ...(options.memberUpstreamLimitPerMinute ? { memberLimitPerMinute: options.memberUpstreamLimitPerMinute } : {}),
    upstream: {
      baseUrl: options.magiclineBaseUrl,
      apiKey: options.magiclineApiKey,
      ...(options.upstreamTimeoutMs ? { timeoutMs: options.upstreamTimeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      signal: upstreamAbort.signal,
    },
  });
  const maxStreams = options.maxStreams ?? defaultMaxStreams();
  const hub = createStreamHub({
    state,
    logger,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    maxStreams,
  });
  const deliveries = new Set<Promise<void>>();
  let closed = false;

  const unsubscribe = state.subscribe((message) => {
    // A check-in makes a code being fetched for that customer suspect: later requests start afresh.
    codes.forget(message.customerKey);
    hub.deliver(message);
  });
  const unwatch = state.onAvailability((available) => {
    // Without fan-out a stream would silently miss check-ins: end them, so clients reconnect (and hear 503).
    if (!available) hub.endAll();
  });

  const app = new Hono<Env>();
  app.onError((error, c) => {
    logger.error('request failed', { path: new URL(c.req.url).pathname, error: describeError(error) });
    return c.json({ error: 'internal error' }, 500, NO_STORE);
  });

  const memberCors = cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Last-Event-ID', 'Content-Type'],
    exposeHeaders: ['Date'],
    credentials: true,
    maxAge: 600,
  });

  const authorizeMember: MiddlewareHandler<Env> = async (c, next) => {
    const customerId = c.req.param('customerId') ?? '';
    if (!isCustomerId(customerId)) return c.json({ error: 'customerId must be 1 to 19 digits' }, 400, NO_STORE);
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const answer: unknown = await options.authorize(c.req.raw, customerId, incoming ? { incoming } : {});
    if (answer === 'unauthorized') return c.json({ error: 'not signed in' }, 401, NO_STORE);
    const until = allowedUntil(answer);
    if (until === null) return c.json({ error: 'not your customer id' }, 403, NO_STORE);
    c.set('allowedUntil', until);
    await next();
  };

  app.use('/v1/customers/:customerId/*', memberCors, authorizeMember);

  app.get('/v1/customers/:customerId/access-code', async (c) =>
    codeResponse(await codes.obtain(customerKey(c.req.param('customerId'))), logger),
  );

  app.get('/v1/customers/:customerId/events', (c) => {
    if (closed || !state.available) return unavailable('check-ins are unavailable for a moment');
    // Hono answers HEAD with the GET route and drops the body: a stream opened for it would never end.
    if (c.req.method === 'HEAD') return new Response(null, { headers: STREAM_HEADERS });
    const lastId = c.req.header('Last-Event-ID') ?? c.req.query('lastEventId') ?? '';
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const body = hub.open(customerKey(c.req.param('customerId')), lastId, c.get('allowedUntil'), incoming);
    if (!body) return unavailable('this relay holds all the streams it can; try again shortly');
    return new Response(body, { headers: STREAM_HEADERS });
  });

  app.post('/webhooks/magicline', async (c) => {
    if (!(await secretsEqual(c.req.header('X-API-KEY') ?? '', options.webhookApiKey))) {
      return c.json({ error: 'invalid X-API-KEY' }, 401);
    }
    const text = await readBody(c.req.raw, undefined, options.webhookBodyTimeoutMs);
    if (text === 'too-large') return c.json({ error: 'body larger than 64 KiB' }, 413);
    if (text === 'timeout') return c.json({ error: 'body did not arrive in time' }, 408, { Connection: 'close' });
    let parsed: unknown;
    try {
      if (text === 'not-utf8') throw new Error();
      parsed = JSON.parse(text);
    } catch {
      return c.json({ error: 'body is not JSON' }, 400);
    }
    // JSON.parse keeps the last of two keys: routing must not read another entityId than the element does.
    if (hasDuplicateTopLevelKey(text)) return c.json({ error: 'a key appears twice' }, 400);
    const digits = entityIdDigits(text);
    if (parsed && typeof parsed === 'object' && 'entityId' in parsed && (digits === null || !isCustomerId(digits)))
      return c.json({ error: 'entityId must be a whole number of 1 to 19 digits' }, 400);
    // Only check-ins are relayed.
    if (digits !== null && isCheckin(parsed)) {
      // Answer at once (Magicline waits 5 s at most and does not retry); the work follows.
      const delivery = deliver(customerKey(digits), text as string);
      deliveries.add(delivery);
      void delivery.finally(() => deliveries.delete(delivery));
    }
    return c.json({ received: true }, 200);
  });

  app.get('/healthz', async (c) => {
    const ok = !closed && (await state.ping());
    return c.json({ ok }, ok ? 200 : 503, NO_STORE);
  });

  async function deliver(key: string, text: string): Promise<void> {
    try {
      // Drop the cached code first: by the time the member's screen hears of the check-in, a new request fetches afresh.
      await state.dropCode(key);
      codes.forget(key);
      await state.publish(key, text);
    } catch (error) {
      logger.error('check-in not relayed', { error: describeError(error) });
    }
  }

  async function handle(request: Request, env?: { incoming?: IncomingMessage }): Promise<Response> {
    const started = performance.now();
    const response = await app.fetch(request, env);
    // One line a request: no query string, header, body or code.
    logger.info('request', {
      method: request.method,
      path: new URL(request.url).pathname,
      status: response.status,
      ms: Math.round(performance.now() - started),
    });
    return response;
  }

  const node = createNodeAdapter(handle, RELAY_PATH, logger);

  return {
    fetch: handle,
    nodeHandler: node.nodeHandler,
    listen: node.listen,
    openStreams: (customerId) => hub.count(customerKey(customerId)),
    streamStats: () => hub.stats(),
    maxStreams,
    async close() {
      if (closed) return;
      closed = true;
      hub.endAll();
      codes.close();
      upstreamAbort.abort();
      await Promise.allSettled([...deliveries]);
      unsubscribe();
      unwatch();
      await node.close();
      if (ownsState) await state.close();
    },
  };
}
