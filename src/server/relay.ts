import type { IncomingMessage } from 'node:http';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { isCustomerId } from '../internal/customer-id.js';
import { allowedUntil } from './authorize.js';
import { checkinRoutes, NO_STORE, unavailable, type Env } from './checkin-route.js';
import { codeResponse } from './code-service.js';
import { describeError, jsonLogger } from './log.js';
import { createMemoryState } from './memory-state.js';
import { createRelayMetrics } from './metrics.js';
import { createNodeAdapter } from './node-adapter.js';
import { createRedisState } from './redis-state.js';
import {
  memberAuthorizer,
  studiosOf,
  type Relay,
  type RelayOptions,
  type StudiosRelayOptions,
} from './relay-options.js';
import { defaultMaxStreams } from './open-files.js';
import { customerKey } from './state.js';
import { studioRuntimes, type StudioRuntime } from './studio-runtime.js';
import { keyOwner, scopedKey } from './studio-state.js';
import { createStreamHub } from './stream-hub.js';
import { STREAM_HEADERS, streamResponse, asWebResponse } from './direct-response.js';
import { DEFAULT_STUDIO_ID, webhookKeyLookup } from './studios.js';
import { entityIdDigits, hasDuplicateTopLevelKey, isCheckin, readBody } from './webhook.js';

export { REUSE_MIN_REMAINING_MS } from './code-service.js';
export { readyFrame, sseFrame } from './sse-frames.js';
export type { StreamStats } from './stream-hub.js';
export type { NodeHandler } from './node-adapter.js';
export type { Relay, RelayCommonOptions, RelayOptions, StudioOptions, StudiosRelayOptions } from './relay-options.js';

/** How long requests under way get to be answered once the relay closes: a webhook begun is read to its end. */
export const SHUTDOWN_GRACE_MS = 8000;
/** The paths `nodeHandler` answers (everything else goes to `next`); `/metrics` only while it is served. */
const relayPath = (metrics: boolean) =>
  new RegExp(
    `^/(?:healthz|${metrics ? 'metrics|' : ''}webhooks/magicline|v1/(?:studios/[^/]+/)?(?:customers/[^/]+/(?:access-code|events)|checkins))/?$`,
  );
/**
 * The partner relay: the element's access-code and check-in routes for each
 * studio, the Magicline webhook, metrics and a health check, as one
 * web-standard handler.
 *
 * @example
 * ```js
 * import { createRelay } from 'gym-access-qr/server';
 * const relay = createRelay({
 *   studios: [
 *     { id: 'berlin-mitte', magiclineBaseUrl: 'https://berlin.open-api.magicline.com',
 *       magiclineApiKey: process.env.BERLIN_API_KEY, webhookApiKey: process.env.BERLIN_WEBHOOK_KEY },
 *   ],
 *   authorize: async (request, { studio, customerId }) => {
 *     const member = await sessionOf(request);
 *     if (!member) return 'unauthorized';
 *     return member.studio === studio && member.customerId === customerId ? 'allow' : 'forbidden';
 *   },
 * });
 * app.use(relay.nodeHandler); // Express, before body parsers
 * ```
 */
export function createRelay(options: RelayOptions): Relay;
export function createRelay(options: StudiosRelayOptions): Relay;
export function createRelay(options: RelayOptions | StudiosRelayOptions): Relay {
  const studios = studiosOf(options);
  const authorize = memberAuthorizer(options);
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
  const metrics = createRelayMetrics({ studios: studios.map((studio) => studio.id), token: options.metricsToken });
  const upstreamAbort = new AbortController();
  const runtimes = studioRuntimes(studios, {
    state,
    metrics,
    logger,
    signal: upstreamAbort.signal,
    ...(options.upstreamTimeoutMs ? { upstreamTimeoutMs: options.upstreamTimeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.memberUpstreamLimitPerMinute ? { memberLimitPerMinute: options.memberUpstreamLimitPerMinute } : {}),
  });
  const studioOfWebhookKey = webhookKeyLookup(studios);
  const deliveries = new Set<Promise<void>>();
  /** Requests being answered (a webhook still being read among them); a stream's counts until its response starts. */
  const requests = new Set<Promise<Response>>();
  let closed = false;

  // One hub for every studio, on keys scoped by studio: one stream cap for the instance, one fan-out.
  const maxStreams = options.maxStreams ?? defaultMaxStreams();
  const hub = createStreamHub({ state, logger, keepAliveMs: options.keepAliveMs ?? 15_000, maxStreams });
  const unsubscribe = state.subscribe((message) => {
    const owner = keyOwner(message.customerKey);
    // A check-in makes a code being fetched for that customer suspect: later requests start afresh.
    runtimes.get(owner.studio)?.codes.forget(owner.customerKey);
    hub.deliver(message);
  });
  const endAllStreams = () => hub.endAll();
  const unwatch = state.onAvailability((available) => {
    // Without fan-out a stream would silently miss check-ins: end them, so clients reconnect (and hear 503).
    if (!available) endAllStreams();
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

  const studioOfRoute: MiddlewareHandler<Env> = async (c, next) => {
    const runtime = runtimes.get(c.req.param('studio') ?? DEFAULT_STUDIO_ID);
    if (!runtime) return c.json({ error: 'unknown studio' }, 404, NO_STORE);
    c.set('studio', runtime);
    await next();
  };

  const authorizeMember: MiddlewareHandler<Env> = async (c, next) => {
    const customerId = c.req.param('customerId') ?? '';
    if (!isCustomerId(customerId)) return c.json({ error: 'customerId must be 1 to 19 digits' }, 400, NO_STORE);
    const studio = c.var.studio.studio.id;
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const answer = await authorize(c.req.raw, { studio, customerId, ...(incoming ? { incoming } : {}) });
    const until = allowedUntil(answer);
    if (until !== null) {
      c.set('allowedUntil', until);
      return next();
    }
    metrics.refused(studio, 'auth');
    if (answer === 'unauthorized') return c.json({ error: 'not signed in' }, 401, NO_STORE);
    return c.json({ error: 'not your customer id' }, 403, NO_STORE);
  };

  const accessCode = async (c: Context<Env>) =>
    codeResponse(c.req.raw, await c.var.studio.codes.obtain(customerKey(c.req.param('customerId')!)), logger);

  const events = (c: Context<Env>) => {
    if (closed || !state.available) return unavailable('check-ins are unavailable for a moment');
    // Hono answers HEAD with the GET route and drops the body: a stream opened for it would never end.
    if (c.req.method === 'HEAD') return new Response(null, { headers: STREAM_HEADERS });
    const { id } = c.var.studio.studio;
    const key = scopedKey(id, customerKey(c.req.param('customerId')!));
    const lastId = c.req.header('Last-Event-ID') ?? c.req.query('lastEventId') ?? '';
    const stream = hub.open(key, lastId, {
      expiresAt: c.get('allowedUntil'),
      onEnd: () => metrics.streamClosed(id),
    });
    if (!stream) return unavailable('this relay holds all the streams it can; try again shortly');
    metrics.streamOpened(id);
    return streamResponse(c.req.raw, stream);
  };

  for (const base of ['/v1/customers/:customerId', '/v1/studios/:studio/customers/:customerId']) {
    app.use(`${base}/*`, memberCors, studioOfRoute, authorizeMember);
    app.get(`${base}/access-code`, accessCode);
    app.get(`${base}/events`, events);
  }

  // The front desk's feed, only where the partner says who its staff are.
  const feed = options.authorizeStaff
    ? checkinRoutes(app, [memberCors, studioOfRoute], {
        runtimes,
        hub,
        state,
        metrics,
        logger,
        authorizeStaff: options.authorizeStaff,
        closed: () => closed,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      })
    : undefined;

  app.post('/webhooks/magicline', async (c) => {
    // Every studio's key is compared, in constant time: the answer's timing tells no key apart.
    const runtime = runtimes.get((await studioOfWebhookKey(c.req.header('X-API-KEY') ?? ''))?.id ?? '');
    if (!runtime) {
      metrics.webhookKeyRefused();
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
    metrics.webhookReceived(runtime.studio.id);
    // Only check-ins are relayed.
    if (digits !== null && isCheckin(parsed)) {
      // Answer at once (Magicline waits 5 s at most and does not retry); the work follows.
      const delivery = deliver(runtime, customerKey(digits), text as string);
      deliveries.add(delivery);
      void delivery.finally(() => deliveries.delete(delivery));
    }
    return c.json({ received: true }, 200);
  });

  app.get('/healthz', async (c) => {
    const ok = !closed && (await state.ping());
    return c.json({ ok }, ok ? 200 : 503, NO_STORE);
  });

  const served = options.metrics ?? true;
  if (served) app.get('/metrics', (c) => metrics.respond(c.req.raw));

  async function deliver(runtime: StudioRuntime, key: string, text: string): Promise<void> {
    try {
      // Drop the cached code first: by the time the member's screen hears of the check-in, a new request fetches afresh.
      await runtime.state.dropCode(key);
      runtime.codes.forget(key);
      await runtime.state.publish(key, text);
      metrics.webhookDelivered(runtime.studio.id);
      // The member's screen first; the front desk's message may wait up to 2 s for a name.
      await feed?.publish(runtime, text);
    } catch (error) {
      logger.error('check-in not relayed', { studio: runtime.studio.id, error: describeError(error) });
    }
  }

  async function handle(request: Request, env?: { incoming?: IncomingMessage }): Promise<Response> {
    const started = performance.now();
    const answer = Promise.resolve(app.fetch(request, env));
    requests.add(answer);
    const response = await answer.finally(() => requests.delete(answer));
    // One line a request: no query string, header, body or code.
    logger.info('request', {
      method: request.method,
      path: new URL(request.url).pathname,
      status: response.status,
      ms: Math.round(performance.now() - started),
    });
    return response;
  }

  const node = createNodeAdapter(handle, relayPath(served), logger);

  return {
    fetch: async (request, env) => asWebResponse(request, await handle(request, env)),
    nodeHandler: node.nodeHandler,
    listen: node.listen,
    openStreams: (customerId, studio = DEFAULT_STUDIO_ID) => hub.count(scopedKey(studio, customerKey(customerId))),
    streamStats: () => hub.stats(),
    maxStreams,
    metrics: metrics.registry,
    async close() {
      if (closed) return;
      closed = true;
      const deadline = performance.now() + SHUTDOWN_GRACE_MS;
      // No new connections from now on; those with a request under way stay until it is answered.
      const serversClosed = node.close(SHUTDOWN_GRACE_MS);
      // Each stream's last words: reconnect soon, spread over a second (to another instance, as this one goes).
      hub.endAll(() => `retry: ${Math.floor(Math.random() * 1000)}\n\n`);
      // Every request begun is answered (a webhook still arriving is read to its end), then what they publish.
      while (requests.size && performance.now() < deadline) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          Promise.allSettled([...requests]),
          new Promise((resolve) => (timer = setTimeout(resolve, deadline - performance.now()))),
        ]);
        clearTimeout(timer);
      }
      await Promise.allSettled([...deliveries]);
      runtimes.forEach((runtime) => runtime.codes.close());
      feed?.close();
      unsubscribe();
      upstreamAbort.abort();
      unwatch();
      await serversClosed;
      if (ownsState) await state.close();
    },
  };
}
