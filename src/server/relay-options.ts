import type { IncomingMessage, Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Authorization, Authorize, AuthorizeMember, AuthorizeStaff, MemberContext } from './authorize.js';
import type { RelayLogger } from './log.js';
import type { NodeHandler } from './node-adapter.js';
import type { SharedState } from './state.js';
import type { StreamStats } from './stream-hub.js';
import { DEFAULT_STUDIO_ID, parseStudios, StudiosError, type Studio } from './studios.js';

/** What every relay takes, however many studios it serves. */
export interface RelayCommonOptions {
  /** Origins allowed to call the member routes from a browser (exact `scheme://host[:port]`). Default: none (same origin only). */
  allowedOrigins?: readonly string[];
  /** Shared state in Redis for several instances; without it (and without `state`) state is kept in memory. */
  redisUrl?: string;
  /** A state of your own (it is not closed by `close()`); takes precedence over `redisUrl`. */
  state?: SharedState;
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
  /** `GET /metrics` (default true): Prometheus text format. */
  metrics?: boolean;
  /** When set, `GET /metrics` needs `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /**
   * The staff check for the front desk's feed (`GET /v1/studios/{studio}/checkins`, `GET /v1/checkins`):
   * `authorizeStaff(request, { studio, incoming })`, answering as `authorize` does. Without it those routes are 404.
   */
  authorizeStaff?: AuthorizeStaff;
}

/** One studio's relay: the single-studio options, served as studio `default`. */
export interface RelayOptions extends RelayCommonOptions {
  /** The Open API's base URL, e.g. `https://<tenant>.open-api.magicline.com` (a path prefix is kept). */
  magiclineBaseUrl: string;
  /** Sent as `X-API-KEY` to Magicline (scope `CUSTOMER_READ`). */
  magiclineApiKey: string;
  /** What Magicline sends as `X-API-KEY` with its webhooks. */
  webhookApiKey: string;
  /** The partner's session check for both member routes: `authorize(request, customerId, context)`. */
  authorize: Authorize;
  /** Upstream calls a minute, all instances together (default 1000, Magicline's default limit). */
  upstreamLimitPerMinute?: number;
}

/** A studio as `createRelay({ studios })` takes it: the studios file's shape. */
export interface StudioOptions {
  /** 1–64 of `a-z 0-9 -`. */
  id: string;
  magiclineBaseUrl: string;
  magiclineApiKey: string;
  webhookApiKey: string;
  /** Default 1000 a minute, all instances together. */
  upstreamLimitPerMinute?: number;
}

/** A relay for several studios, each with its own keys, base URL and upstream cap. */
export interface StudiosRelayOptions extends RelayCommonOptions {
  studios: readonly StudioOptions[];
  /** The partner's session check for both member routes: `authorize(request, { studio, customerId, incoming })`. */
  authorize: AuthorizeMember;
}

export interface Relay {
  /** The web-standard handler: Node via `nodeHandler`/`listen`, or Deno, Bun, Workers directly. */
  fetch(request: Request, env?: { incoming?: IncomingMessage }): Promise<Response>;
  /** For `http.createServer`, Express (`app.use(relay.nodeHandler)`, before any body parser), Connect, Vite. */
  nodeHandler: NodeHandler;
  /** Starts an HTTP server (port 0: a free one); `close()` stops it. */
  listen(options?: { port?: number; hostname?: string }): Promise<{ server: Server; port: number; url: string }>;
  /** This instance's open event streams for a customer of a studio (default `default`). */
  openStreams(customerId: string, studio?: string): number;
  /** This instance's open streams, the bytes waiting for them, and the live check-ins written to them. */
  streamStats(): StreamStats;
  /** Open event streams on this instance past which new ones get 503. */
  readonly maxStreams: number;
  /** The relay's metrics registry (prom-client), e.g. to merge with your own. */
  metrics: Registry;
  /**
   * Stops accepting connections, answers every request under way (a webhook still arriving is
   * read to its end, answered and published), ends each event stream with a `retry:` hint, then
   * ends timers, upstream calls, servers from `listen` and the Redis connections: within 9 s.
   */
  close(): Promise<void>;
}

/** The options' studios, checked; a fault throws a TypeError that names the studio and field. */
export function studiosOf(options: RelayOptions | StudiosRelayOptions): Studio[] {
  if (typeof options.authorize !== 'function')
    throw new TypeError('createRelay: authorize(request, customerId) is required');
  if ('studios' in options && options.studios) {
    try {
      return parseStudios({ studios: options.studios });
    } catch (error) {
      throw error instanceof StudiosError ? new TypeError(`createRelay: ${error.message}`) : error;
    }
  }
  const single = options as RelayOptions;
  for (const name of ['magiclineBaseUrl', 'magiclineApiKey', 'webhookApiKey'] as const) {
    if (typeof single[name] !== 'string' || !single[name]) throw new TypeError(`createRelay: ${name} is required`);
  }
  // Magicline takes its key as a header; a password in the URL would only end up in error messages.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(single.magiclineBaseUrl))
    throw new TypeError('createRelay: magiclineBaseUrl must not hold a user name or password');
  return [
    {
      id: DEFAULT_STUDIO_ID,
      magiclineBaseUrl: single.magiclineBaseUrl,
      magiclineApiKey: single.magiclineApiKey,
      webhookApiKey: single.webhookApiKey,
      upstreamLimitPerMinute: single.upstreamLimitPerMinute ?? 1000,
    },
  ];
}

/** The partner's callback in the one form the routes call, whichever form the options gave. */
export function memberAuthorizer(
  options: RelayOptions | StudiosRelayOptions,
): (request: Request, member: MemberContext) => Promise<Authorization | unknown> {
  if ('studios' in options && options.studios) {
    const authorize = options.authorize as AuthorizeMember;
    return async (request, member) => authorize(request, member);
  }
  const authorize = options.authorize as Authorize;
  // The single-studio callback as it always was, the studio and id in its context as well.
  return async (request, member) => authorize(request, member.customerId, member);
}
