import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { streamSSE } from 'hono/streaming';
import type { Authorization, Authorize } from './authorize.js';
import { describeError, jsonLogger, type RelayLogger } from './log.js';
import { createMemoryState } from './memory-state.js';
import { createRedisState } from './redis-state.js';
import { compareEventIds, customerKey, isEventId, type CheckinMessage, type SharedState } from './state.js';
import { fetchAccessCode, type UpstreamResult } from './upstream.js';
import { entityIdDigits, isCheckin, readBody, secretsEqual } from './webhook.js';

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

/** A Node request listener that hands anything but the relay's routes to `next` (404 without one). */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

export interface Relay {
  /** The web-standard handler: Node via `nodeHandler`/`listen`, or Deno, Bun, Workers directly. */
  fetch(request: Request, env?: { incoming?: IncomingMessage }): Promise<Response>;
  /** For `http.createServer`, Express (`app.use(relay.nodeHandler)`, before any body parser), Connect, Vite. */
  nodeHandler: NodeHandler;
  /** Starts an HTTP server (port 0: a free one); `close()` stops it. */
  listen(options?: { port?: number; hostname?: string }): Promise<{ server: Server; port: number; url: string }>;
  /** This instance's open event streams for a customer (monitoring, tests). */
  openStreams(customerId: string): number;
  /** Ends event streams, timers, upstream calls, servers from `listen` and the Redis connections. */
  close(): Promise<void>;
}

/** A code is handed out again only while it has at least this long left on Magicline's clock. */
export const REUSE_MIN_REMAINING_MS = 10_000;
const CUSTOMER_ID = /^[0-9]{1,19}$/;
const RELAY_PATH = /^\/(?:healthz|webhooks\/magicline|v1\/customers\/[^/]+\/(?:access-code|events))\/?$/;
const NO_STORE = { 'Cache-Control': 'no-store' };

type Outcome =
  | { kind: 'code'; body: string; dateMs: number }
  | { kind: 'limited'; retryAfterMs: number }
  | Exclude<UpstreamResult, { kind: 'ok' }>;
interface Flight {
  promise: Promise<Outcome>;
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
  const logger = options.logger ?? jsonLogger;
  const limit = options.upstreamLimitPerMinute ?? 1000;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
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
  const upstream = {
    baseUrl: options.magiclineBaseUrl,
    apiKey: options.magiclineApiKey,
    ...(options.upstreamTimeoutMs ? { timeoutMs: options.upstreamTimeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    signal: upstreamAbort.signal,
  };

  const inflight = new Map<string, Flight>();
  /** Open streams by customer key: each a listener and the function that ends it. */
  const streams = new Map<string, Set<{ deliver: (message: CheckinMessage) => void; end: () => void }>>();
  const deliveries = new Set<Promise<void>>();
  const servers = new Set<Server>();
  let closed = false;

  const unsubscribe = state.subscribe((message) => {
    // A check-in makes a code being fetched for that customer suspect: later requests start afresh.
    inflight.delete(message.customerKey);
    for (const stream of streams.get(message.customerKey) ?? []) stream.deliver(message);
  });
  const unwatch = state.onAvailability((available) => {
    // Without fan-out a stream would silently miss check-ins: end them, so clients reconnect (and hear 503).
    if (!available) endAllStreams();
  });

  const app = new Hono();
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

  const authorizeMember: MiddlewareHandler = async (c, next) => {
    const customerId = c.req.param('customerId') ?? '';
    if (!CUSTOMER_ID.test(customerId)) return c.json({ error: 'customerId must be 1 to 19 digits' }, 400, NO_STORE);
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const answer: Authorization | unknown = await options.authorize(
      c.req.raw,
      customerId,
      incoming ? { incoming } : {},
    );
    if (answer === 'unauthorized') return c.json({ error: 'not signed in' }, 401, NO_STORE);
    if (answer !== 'allow') return c.json({ error: 'not your customer id' }, 403, NO_STORE);
    await next();
  };

  app.use('/v1/customers/:customerId/*', memberCors, authorizeMember);

  app.get('/v1/customers/:customerId/access-code', async (c) => {
    const key = customerKey(c.req.param('customerId'));
    let flight = inflight.get(key);
    if (!flight) {
      const current: Flight = { promise: obtainCode(key, () => inflight.get(key) === current) };
      flight = current;
      inflight.set(key, current);
      void current.promise
        .finally(() => {
          if (inflight.get(key) === current) inflight.delete(key);
        })
        // Every waiter gets the rejection through its own await (a 500); this copy needs no handler.
        .catch(() => {});
    }
    return answerCode(c, await flight.promise);
  });

  app.get('/v1/customers/:customerId/events', (c) => {
    if (closed || !state.available)
      return c.json({ error: 'check-ins are unavailable for a moment' }, 503, { ...NO_STORE, 'Retry-After': '5' });
    const key = customerKey(c.req.param('customerId'));
    const lastId = c.req.header('Last-Event-ID') ?? c.req.query('lastEventId') ?? '';
    const response = streamSSE(c, (stream) =>
      serveStream(stream, key, isEventId(lastId) ? lastId : '', c.req.raw.signal),
    );
    const headers = {
      'Cache-Control': 'no-store',
      // Proxies such as nginx would otherwise hold the stream back.
      'X-Accel-Buffering': 'no',
      // No type sniffing: a browser that sniffs holds the first bytes back, and they carry the replay.
      'X-Content-Type-Options': 'nosniff',
    };
    // On the context for Node's adapter, which may build the response from it, and on the response itself.
    for (const [name, value] of Object.entries(headers)) {
      c.header(name, value);
      response.headers.set(name, value);
    }
    return response;
  });

  app.post('/webhooks/magicline', async (c) => {
    if (!(await secretsEqual(c.req.header('X-API-KEY') ?? '', options.webhookApiKey))) {
      return c.json({ error: 'invalid X-API-KEY' }, 401);
    }
    const text = await readBody(c.req.raw);
    if (text === 'too-large') return c.json({ error: 'body larger than 64 KiB' }, 413);
    let parsed: unknown;
    try {
      if (text === 'not-utf8') throw new Error();
      parsed = JSON.parse(text);
    } catch {
      return c.json({ error: 'body is not JSON' }, 400);
    }
    const digits = entityIdDigits(text);
    // Only check-ins are relayed: other events' entityId need not be a customer.
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
      inflight.delete(key);
      await state.publish(key, text);
    } catch (error) {
      logger.error('check-in not relayed', { error: describeError(error) });
    }
  }

  async function obtainCode(key: string, stillCurrent: () => boolean): Promise<Outcome> {
    const cached = await state.getCode(key);
    if (cached) {
      const magiclineNow = cached.upstreamDateMs + cached.ageMs;
      if (cached.expiresAtMs - magiclineNow >= REUSE_MIN_REMAINING_MS)
        return { kind: 'code', body: cached.body, dateMs: magiclineNow };
    }
    const slot = await state.takeUpstreamSlot(limit);
    if (!slot.ok) {
      logger.warn('upstream limit reached', { limitPerMinute: limit });
      return { kind: 'limited', retryAfterMs: slot.retryAfterMs };
    }
    const result = await fetchAccessCode(upstream, key);
    if (result.kind !== 'ok') return result;
    const ttlMs = result.expiresAtMs === null ? 0 : result.expiresAtMs - result.dateMs - REUSE_MIN_REMAINING_MS;
    // A check-in during the call may have used the code: answer it, but do not keep it.
    if (ttlMs > 0 && stillCurrent() && !closed) {
      await state
        .putCode(key, { body: result.body, expiresAtMs: result.expiresAtMs!, upstreamDateMs: result.dateMs }, ttlMs)
        .catch((error: unknown) => {
          logger.warn('code not cached', { error: describeError(error) });
        });
    }
    return { kind: 'code', body: result.body, dateMs: result.dateMs };
  }

  function answerCode(c: Context, outcome: Outcome): Response {
    switch (outcome.kind) {
      case 'code':
        return c.body(outcome.body, 200, {
          ...NO_STORE,
          'Content-Type': 'application/json',
          Date: new Date(outcome.dateMs).toUTCString(),
        });
      case 'limited':
        return c.json({ error: 'too many requests to Magicline, try again shortly' }, 429, {
          ...NO_STORE,
          'Retry-After': String(Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))),
        });
      case 'rate-limited':
        return c.json({ error: 'Magicline rate limit reached' }, 429, {
          ...NO_STORE,
          ...(outcome.retryAfter ? { 'Retry-After': outcome.retryAfter } : {}),
        });
      case 'not-found':
        return c.json({ error: 'customer not found' }, 404, NO_STORE);
      case 'refused':
        logger.error('Magicline refused the API key: check MAGICLINE_API_KEY and its CUSTOMER_READ scope', {
          status: outcome.status,
        });
        return c.json({ error: 'Magicline refused the relay' }, 502, NO_STORE);
      case 'bad-gateway':
        logger.warn('Magicline answered badly', { status: outcome.status });
        return c.json({ error: 'Magicline answered badly' }, 502, NO_STORE);
      case 'unreachable':
        logger.warn('Magicline unreachable', { reason: outcome.reason });
        return c.json({ error: 'Magicline unreachable' }, 503, NO_STORE);
      case 'timeout':
        logger.warn('Magicline did not answer in time');
        return c.json({ error: 'Magicline did not answer in time' }, 504, NO_STORE);
    }
  }

  async function serveStream(
    stream: {
      write(text: string): Promise<unknown>;
      onAbort(listener: () => void): void;
      aborted: boolean;
      closed: boolean;
    },
    key: string,
    lastId: string,
    signal: AbortSignal,
  ): Promise<void> {
    let ended!: () => void;
    const done = new Promise<void>((resolve) => (ended = resolve));
    let live = false;
    let lastSent = lastId;
    const early: CheckinMessage[] = [];
    const write = (text: string) => {
      void stream.write(text);
    };
    const entry = {
      deliver(message: CheckinMessage) {
        if (!live) early.push(message);
        else if (!lastSent || compareEventIds(message.id, lastSent) > 0) {
          lastSent = message.id;
          write(sseFrame(message));
        }
      },
      end: () => ended(),
    };
    // Listen before reading the log, so nothing falls between replay and live.
    let set = streams.get(key);
    if (!set) streams.set(key, (set = new Set()));
    set.add(entry);
    stream.onAbort(entry.end);
    signal.addEventListener('abort', entry.end);
    const timer = setInterval(() => {
      if (stream.aborted || stream.closed) entry.end();
      else write(': keep-alive\n\n');
    }, keepAliveMs);
    try {
      let first = '';
      let position = lastId;
      if (lastId) {
        for (const message of await state.replay(key, lastId)) {
          first += sseFrame(message);
          lastSent = message.id;
        }
      } else {
        position = await state.lastId(key);
      }
      // Published since this stream started listening: live for this client, whatever the log said.
      for (const message of early) {
        if (!lastSent || compareEventIds(message.id, lastSent) > 0) {
          first += sseFrame(message);
          lastSent = message.id;
        }
      }
      if (lastSent && compareEventIds(lastSent, position) > 0) position = lastSent;
      lastSent = position;
      live = true;
      // The replay first, then where the log stands as a `ready` event's id, in one write: the client hears
      // from the stream at once, and a client that has seen no check-in yet still has an id to resume from.
      write(`${first}${readyFrame(position)}`);
      await done;
    } catch (error) {
      logger.warn('event stream ended', { error: describeError(error) });
    } finally {
      clearInterval(timer);
      signal.removeEventListener('abort', entry.end);
      set.delete(entry);
      if (!set.size && streams.get(key) === set) streams.delete(key);
    }
  }

  function endAllStreams() {
    for (const set of streams.values()) for (const stream of [...set]) stream.end();
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

  let listener: Promise<(req: IncomingMessage, res: ServerResponse) => Promise<void>> | undefined;
  const nodeListener = () =>
    (listener ??= import('@hono/node-server').then(({ getRequestListener }) =>
      getRequestListener((request, env) => handle(request, env as { incoming?: IncomingMessage }), {
        overrideGlobalObjects: false,
        errorHandler: (error) => {
          logger.error('node adapter failed', { error: describeError(error) });
        },
      }),
    ));

  /** Hands a Node request to the relay; a failure of the adapter itself ends that response, never the process. */
  function serveNode(req: IncomingMessage, res: ServerResponse) {
    nodeListener()
      .then((listen) => listen(req, res))
      .catch((error: unknown) => {
        logger.error('node adapter failed', { error: describeError(error) });
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
  }

  const nodeHandler: NodeHandler = (req, res, next) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (next && !RELAY_PATH.test(path)) return next();
    serveNode(req, res);
  };

  return {
    fetch: handle,
    nodeHandler,
    async listen({ port = 0, hostname } = {}) {
      const { createServer } = await import('node:http');
      await nodeListener();
      const server = createServer(serveNode);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        if (hostname) server.listen(port, hostname, resolve);
        else server.listen(port, resolve);
      });
      servers.add(server);
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      return {
        server,
        port: actual,
        url: `http://${hostname && hostname !== '0.0.0.0' && hostname !== '::' ? hostname : '127.0.0.1'}:${actual}`,
      };
    },
    openStreams(customerId) {
      return streams.get(customerKey(customerId))?.size ?? 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      endAllStreams();
      upstreamAbort.abort();
      await Promise.allSettled([...deliveries]);
      unsubscribe();
      unwatch();
      await Promise.all(
        [...servers].map(
          (server) =>
            new Promise<void>((resolve) => {
              // Let the ended streams finish their responses; cut whatever still hangs on after a second.
              const force = setTimeout(() => server.closeAllConnections(), 1000);
              server.close(() => {
                clearTimeout(force);
                resolve();
              });
              server.closeIdleConnections();
            }),
        ),
      );
      servers.clear();
      if (ownsState) await state.close();
    },
  };
}

/** One SSE message: the id, then the body as `data:` lines (a line break in the body becomes a line break of the data). */
export function sseFrame(message: CheckinMessage): string {
  return `id: ${message.id}\n${message.body
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`;
}

/** Opens every stream: a comment, and the log's position as the id of a `ready` event (EventSource's onmessage does not see it). */
export function readyFrame(position: string): string {
  return `: connected\nid: ${position}\nevent: ready\ndata:\n\n`;
}
