import { textResponse } from './direct-response.js';
import type { RelayLogger } from './log.js';
import { describeError } from './log.js';
import type { SharedState } from './state.js';
import { fetchAccessCode, type UpstreamOptions, type UpstreamResult } from './upstream.js';

/** A code is handed out again only while it has at least this long left on Magicline's clock. */
export const REUSE_MIN_REMAINING_MS = 10_000;
/** Magicline's 404 and 401/403 are answered again from memory for this long, without a call. */
export const REMEMBER_REFUSAL_MS = 30_000;
/** Each member's share of the upstream calls: a code every 10 s. */
export const DEFAULT_MEMBER_LIMIT_PER_MINUTE = 6;
const NO_STORE = { 'Cache-Control': 'no-store' };

/** What a request for a code comes to: a code, a refusal of the relay's own, or Magicline's answer. */
export type CodeOutcome =
  | { kind: 'code'; body: string; dateMs: number }
  | { kind: 'limited'; retryAfterMs: number }
  | Exclude<UpstreamResult, { kind: 'ok' | 'refused' }>
  /** Magicline refused the relay's API key; `remembered` when answered from memory (logged once, when it happened). */
  | { kind: 'refused'; status: number; remembered?: boolean };

export interface CodeServiceOptions {
  state: SharedState;
  logger: RelayLogger;
  upstream: UpstreamOptions;
  /** Upstream calls a minute, all instances together. */
  limitPerMinute: number;
  /** Upstream calls a minute for one customer, all instances together (default 6). */
  memberLimitPerMinute?: number;
}

export interface CodeService {
  /** The customer's code: one upstream call for concurrent requests, a cached code while it has 10 s left. */
  obtain(customerKey: string): Promise<CodeOutcome>;
  /** Forgets a code being fetched (a check-in made it suspect): later requests start afresh. */
  forget(customerKey: string): void;
  /** Stops caching what calls still in flight bring back. */
  close(): void;
}

/** The access-code service: coalescing of concurrent requests, the code cache and the upstream cap. */
export function createCodeService(options: CodeServiceOptions): CodeService {
  const { state, logger, upstream, limitPerMinute } = options;
  const memberLimit = options.memberLimitPerMinute ?? DEFAULT_MEMBER_LIMIT_PER_MINUTE;
  const inflight = new Map<string, Promise<CodeOutcome>>();
  let closed = false;

  async function fetchCode(key: string, stillCurrent: () => boolean): Promise<CodeOutcome> {
    const cached = await state.getCode(key);
    if (cached) {
      const magiclineNow = cached.upstreamDateMs + cached.ageMs;
      if (cached.expiresAtMs - magiclineNow >= REUSE_MIN_REMAINING_MS)
        return { kind: 'code', body: cached.body, dateMs: magiclineNow };
    }
    const remembered = await state.rememberedUpstreamStatus(key);
    if (remembered === 404) return { kind: 'not-found' };
    if (remembered !== null) return { kind: 'refused', status: remembered, remembered: true };
    // The member's own share first: one member's storm must not spend the studio's allowance.
    const share = await state.takeMemberSlot(key, memberLimit);
    if (!share.ok) return { kind: 'limited', retryAfterMs: share.retryAfterMs };
    const slot = await state.takeUpstreamSlot(limitPerMinute);
    if (!slot.ok) {
      logger.warn('upstream limit reached', { limitPerMinute });
      return { kind: 'limited', retryAfterMs: slot.retryAfterMs };
    }
    const result = await fetchAccessCode(upstream, key);
    if (result.kind === 'not-found' || result.kind === 'refused') {
      const status = result.kind === 'refused' ? result.status : 404;
      await state.rememberUpstreamStatus(key, status, REMEMBER_REFUSAL_MS).catch((error: unknown) => {
        logger.warn('upstream answer not remembered', { error: describeError(error) });
      });
    }
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

  return {
    obtain(key) {
      let flight = inflight.get(key);
      if (!flight) {
        const current: Promise<CodeOutcome> = fetchCode(key, () => inflight.get(key) === current);
        flight = current;
        inflight.set(key, current);
        void current
          .finally(() => {
            if (inflight.get(key) === current) inflight.delete(key);
          })
          // Every waiter gets the rejection through its own await (a 500); this copy needs no handler.
          .catch(() => {});
      }
      return flight;
    },
    forget(key) {
      inflight.delete(key);
    },
    close() {
      closed = true;
    },
  };
}

/** The HTTP answer for an outcome; what the operator must know is logged, never the code. */
export function codeResponse(request: Request, outcome: CodeOutcome, logger: RelayLogger): Response {
  switch (outcome.kind) {
    case 'code':
      return textResponse(request, outcome.body, {
        status: 200,
        headers: { ...NO_STORE, 'Content-Type': 'application/json', Date: new Date(outcome.dateMs).toUTCString() },
      });
    case 'limited':
      return json(request, 429, 'too many requests to Magicline, try again shortly', {
        'Retry-After': String(Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))),
      });
    case 'rate-limited':
      return json(
        request,
        429,
        'Magicline rate limit reached',
        outcome.retryAfter ? { 'Retry-After': outcome.retryAfter } : {},
      );
    case 'not-found':
      return json(request, 404, 'customer not found');
    case 'refused':
      if (!outcome.remembered)
        logger.error('Magicline refused the API key: check MAGICLINE_API_KEY and its CUSTOMER_READ scope', {
          status: outcome.status,
        });
      return json(request, 502, 'Magicline refused the relay');
    case 'bad-gateway':
      logger.warn('Magicline answered badly', { status: outcome.status });
      return json(request, 502, 'Magicline answered badly');
    case 'unreachable':
      logger.warn('Magicline unreachable', { reason: outcome.reason });
      return json(request, 503, 'Magicline unreachable');
    case 'timeout':
      logger.warn('Magicline did not answer in time');
      return json(request, 504, 'Magicline did not answer in time');
  }
}

function json(request: Request, status: number, error: string, headers: Record<string, string> = {}): Response {
  return textResponse(request, JSON.stringify({ error }), {
    status,
    headers: { ...NO_STORE, 'Content-Type': 'application/json', ...headers },
  });
}
