import type { IncomingMessage } from 'node:http';
import type { Hono, MiddlewareHandler } from 'hono';
import { allowedUntil, type AuthorizeStaff } from './authorize.js';
import { createCheckinFeed, type CheckinFeed } from './checkin-feed.js';
import { describeError, type RelayLogger } from './log.js';
import { countedFetch, type RelayMetrics } from './metrics.js';
import { feedKey, type SharedState } from './state.js';
import type { StudioRuntime } from './studio-runtime.js';
import type { StreamHub, StreamKind } from './stream-hub.js';
import { STREAM_HEADERS, streamResponse } from './direct-response.js';

/** A studio's front-desk screens on one instance: more than any desk has, few enough that one studio cannot fill the instance. */
export const MAX_STAFF_STREAMS_PER_STUDIO = 50;
const STAFF_STREAMS: StreamKind = { maxPerKey: MAX_STAFF_STREAMS_PER_STUDIO, replayFresh: true };

export const NO_STORE = { 'Cache-Control': 'no-store' };
export function unavailable(error: string): Response {
  return new Response(JSON.stringify({ error }), {
    status: 503,
    headers: { ...NO_STORE, 'Content-Type': 'application/json', 'Retry-After': '5' },
  });
}

/** What the middleware leaves for the routes: the route's studio, and until when the caller is allowed (epoch ms, or Infinity). */
export type Env = { Variables: { studio: StudioRuntime; allowedUntil: number } };

export interface CheckinRouteOptions {
  runtimes: Map<string, StudioRuntime>;
  hub: StreamHub;
  state: SharedState;
  metrics: RelayMetrics;
  logger: RelayLogger;
  authorizeStaff: AuthorizeStaff;
  /** Whether the relay has begun to close. */
  closed: () => boolean;
  fetch?: typeof fetch;
}

/**
 * The front desk's feed: `GET /v1/studios/{studio}/checkins` and `GET /v1/checkins` for the staff, through
 * the stream hub (its limits, ids and resume), the studio's check-ins of the last day first. Returns what
 * the webhook hands each accepted body to, and what closes the name lookups.
 */
export function checkinRoutes(
  app: Hono<Env>,
  middleware: MiddlewareHandler<Env>[],
  options: CheckinRouteOptions,
): { publish(runtime: StudioRuntime, webhookBody: string): Promise<void>; close(): void } {
  const { hub, state, metrics, logger } = options;
  // Each studio's names come from its own Open API, with its own key; not from any member's budget.
  const feeds = new Map<string, CheckinFeed>(
    [...options.runtimes.values()].map(({ studio }) => [
      studio.id,
      createCheckinFeed({
        magiclineBaseUrl: studio.magiclineBaseUrl,
        magiclineApiKey: studio.magiclineApiKey,
        logger,
        fetch: countedFetch(
          metrics,
          studio.id,
          options.fetch ?? ((input, init) => fetch(input, init)),
          metrics.nameLookup,
        ),
      }),
    ]),
  );

  const staffOnly: MiddlewareHandler<Env> = async (c, next) => {
    const studio = c.var.studio.studio.id;
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const answer = await options.authorizeStaff(c.req.raw, { studio, ...(incoming ? { incoming } : {}) });
    const until = allowedUntil(answer);
    if (until !== null) {
      c.set('allowedUntil', until);
      return next();
    }
    metrics.refused(studio, 'auth');
    if (answer === 'unauthorized') return c.json({ error: 'not signed in' }, 401, NO_STORE);
    return c.json({ error: 'not staff of this studio' }, 403, NO_STORE);
  };

  for (const path of ['/v1/checkins', '/v1/studios/:studio/checkins']) {
    app.use(path, ...middleware, staffOnly);
    app.get(path, (c) => {
      if (options.closed() || !state.available) return unavailable('the feed is unavailable for a moment');
      // Hono answers HEAD with the GET route and drops the body: a stream opened for it would never end.
      if (c.req.method === 'HEAD') return new Response(null, { headers: STREAM_HEADERS });
      const lastId = c.req.header('Last-Event-ID') ?? c.req.query('lastEventId') ?? '';
      const { id } = c.var.studio.studio;
      const stream = hub.open(feedKey(id), lastId, {
        expiresAt: c.get('allowedUntil'),
        kind: STAFF_STREAMS,
        onEnd: () => metrics.staffStreams(id, -1),
      });
      if (!stream) return unavailable('this relay holds all the streams it can; try again shortly');
      metrics.staffStreams(id, 1);
      return streamResponse(c.req.raw, stream);
    });
  }

  return {
    async publish(runtime, webhookBody) {
      try {
        const data = await feeds.get(runtime.studio.id)?.message(webhookBody);
        if (data) await state.publish(feedKey(runtime.studio.id), data);
      } catch (error) {
        logger.error('check-in not on the feed', { studio: runtime.studio.id, error: describeError(error) });
      }
    },
    close: () => feeds.forEach((feed) => feed.close()),
  };
}
