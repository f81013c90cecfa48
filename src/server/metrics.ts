/**
 * The relay's metrics for `GET /metrics`, per studio, through prom-client.
 * Each relay has a registry of its own (never prom-client's global one), so
 * several relays in one process, or an embedder's own metrics, do not clash.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/** Why a member request was turned away without an upstream call. */
export type RefusalReason =
  /** The studio's per-minute cap on upstream calls. */
  | 'rate'
  /** The member's own upstream budget. */
  | 'budget'
  /** No valid credentials, or not this member's customer id (401/403). */
  | 'auth';

/** What an upstream call came to: Magicline's HTTP status, or why there was none. */
export type UpstreamStatus = number | 'timeout' | 'unreachable';

export interface RelayMetricsOptions {
  /** The studios' ids: their series are there from the start, at 0. */
  studios: readonly string[];
  /** When set, `/metrics` needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** Node's process metrics (CPU, memory, event loop, handles) too (default true). */
  processMetrics?: boolean;
}

export interface RelayMetrics {
  readonly registry: Registry;
  upstreamCall(studio: string, status: UpstreamStatus): void;
  codeFromCache(studio: string): void;
  streamOpened(studio: string): void;
  streamClosed(studio: string): void;
  /** The front desk's streams: open ones, and Magicline's answers to name lookups. */
  staffStreams(studio: string, change: 1 | -1): void;
  nameLookup(studio: string, status: UpstreamStatus): void;
  /** A webhook accepted with the studio's key. */
  webhookReceived(studio: string): void;
  /** A check-in handed to the fan-out (every instance's streams). */
  webhookDelivered(studio: string): void;
  /** A webhook whose key is no studio's. */
  webhookKeyRefused(): void;
  refused(studio: string, reason: RefusalReason): void;
  /** Answers `GET /metrics`: the text format, or 401 without the token when one is set. */
  respond(request: Request): Promise<Response>;
}

const PREFIX = 'gym_access_qr_';

export function createRelayMetrics(options: RelayMetricsOptions): RelayMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const upstreamCalls = new Counter({
    name: `${PREFIX}upstream_calls_total`,
    help: "Access-code calls to Magicline, by studio and Magicline's status (or timeout, unreachable).",
    labelNames: ['studio', 'status'] as const,
    registers,
  });
  const fromCache = new Counter({
    name: `${PREFIX}codes_from_cache_total`,
    help: 'Access codes answered from the cache or a shared in-flight call, without an upstream call.',
    labelNames: ['studio'] as const,
    registers,
  });
  const openStreams = new Gauge({
    name: `${PREFIX}open_streams`,
    help: 'Event streams open on this instance.',
    labelNames: ['studio'] as const,
    registers,
  });
  const staffStreams = new Gauge({
    name: `${PREFIX}staff_streams`,
    help: 'Front-desk feed streams open on this instance.',
    labelNames: ['studio'] as const,
    registers,
  });
  const nameLookups = new Counter({
    name: `${PREFIX}name_lookups_total`,
    help: "Customer name lookups for the front desk, by studio and Magicline's status (or timeout, unreachable).",
    labelNames: ['studio', 'status'] as const,
    registers,
  });
  const received = new Counter({
    name: `${PREFIX}webhooks_received_total`,
    help: "Webhooks accepted with the studio's key.",
    labelNames: ['studio'] as const,
    registers,
  });
  const delivered = new Counter({
    name: `${PREFIX}webhooks_delivered_total`,
    help: "Check-in webhooks handed to the fan-out, to reach the customer's streams on every instance.",
    labelNames: ['studio'] as const,
    registers,
  });
  const keyRefused = new Counter({
    name: `${PREFIX}webhook_key_refusals_total`,
    help: 'Webhooks refused because their X-API-KEY is no studio’s.',
    registers,
  });
  const refusals = new Counter({
    name: `${PREFIX}refusals_total`,
    help: 'Member requests refused: rate (the studio’s cap), budget (the member’s), auth (401/403).',
    labelNames: ['studio', 'reason'] as const,
    registers,
  });
  // Series at 0 from the start: a rate over a counter that appears late misses its first step.
  for (const studio of options.studios) {
    fromCache.labels(studio).inc(0);
    openStreams.labels(studio).set(0);
    staffStreams.labels(studio).set(0);
    received.labels(studio).inc(0);
    delivered.labels(studio).inc(0);
    for (const reason of ['rate', 'budget', 'auth'] as const) refusals.labels(studio, reason).inc(0);
  }
  const encoder = new TextEncoder();
  const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  const expected = options.token ? digest(`Bearer ${options.token}`) : undefined;

  return {
    registry,
    upstreamCall: (studio, status) => upstreamCalls.labels(studio, String(status)).inc(),
    codeFromCache: (studio) => fromCache.labels(studio).inc(),
    streamOpened: (studio) => openStreams.labels(studio).inc(),
    streamClosed: (studio) => openStreams.labels(studio).dec(),
    staffStreams: (studio, change) => staffStreams.labels(studio).inc(change),
    nameLookup: (studio, status) => nameLookups.labels(studio, String(status)).inc(),
    webhookReceived: (studio) => received.labels(studio).inc(),
    webhookDelivered: (studio) => delivered.labels(studio).inc(),
    webhookKeyRefused: () => keyRefused.inc(),
    refused: (studio, reason) => refusals.labels(studio, reason).inc(),
    async respond(request) {
      if (expected) {
        const [want, given] = await Promise.all([
          expected,
          digest((request.headers.get('Authorization') ?? '').trim()),
        ]);
        let difference = 0;
        for (let i = 0; i < want.length; i++) difference |= want[i]! ^ given[i]!;
        if (difference !== 0)
          return new Response(JSON.stringify({ error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' }), {
            status: 401,
            headers: {
              'Content-Type': 'application/json',
              'Cache-Control': 'no-store',
              'WWW-Authenticate': 'Bearer',
            },
          });
      }
      return new Response(await registry.metrics(), {
        status: 200,
        headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' },
      });
    },
  };
}

/** `base`, counting each call's outcome as the studio's upstream call: Magicline's status, or why there was none. */
export function countedFetch(
  metrics: RelayMetrics,
  studio: string,
  base: typeof fetch,
  count: (studio: string, status: UpstreamStatus) => void = metrics.upstreamCall,
): typeof fetch {
  return async (input, init) => {
    try {
      const response = await base(input, init);
      count(studio, response.status);
      return response;
    } catch (error) {
      count(studio, init?.signal?.aborted ? 'timeout' : 'unreachable');
      throw error;
    }
  };
}
