/**
 * The relay's shared state behind one interface: check-in fan-out with a
 * replay log, the access-code cache, the upstream rate counters (all members,
 * and each member) and the upstream refusals remembered. One process
 * uses `createMemoryState()`; several instances share `createRedisState(url)`.
 * Both pass the same test suite (test/server/state.test.ts).
 */

/** A relayed webhook: its id on the event stream and its body as Magicline sent it. */
export interface CheckinMessage {
  /** Orderable across instances: `<ms>-<seq>`, as Redis stream ids are. */
  id: string;
  /** The customer's id digits without leading zeros. */
  customerKey: string;
  /** The webhook body, byte for byte. */
  body: string;
}

/** An access code as cached: the upstream answer and Magicline's clock when it was fetched. */
export interface CodeEntry {
  /** Magicline's JSON, unchanged. */
  body: string;
  /** `expiresAt`, epoch ms. */
  expiresAtMs: number;
  /** Magicline's `Date` header when the code was fetched, epoch ms. */
  upstreamDateMs: number;
}

/** A cached code as read back, with how long ago it was stored. */
export interface CachedCode extends CodeEntry {
  ageMs: number;
}

export type SlotAnswer = { ok: true } | { ok: false; retryAfterMs: number };

export interface SharedState {
  /**
   * Appends `body` to the customer's replay log and delivers it to every
   * instance's subscribers; resolves to its id, or null when it is kept to be
   * published once the backing store is back.
   */
  publish(customerKey: string, body: string): Promise<string | null>;
  /** The customer's messages after `afterId`, oldest first (at least the replay window's worth). */
  replay(customerKey: string, afterId: string): Promise<CheckinMessage[]>;
  /**
   * Where the customer's log stands: the id of its newest message, or `0-0` when it has none.
   * A stream hands it to a client that has no id yet, so even its first reconnect can resume.
   */
  lastId(customerKey: string): Promise<string>;
  /** Calls `listener` for every message published by any instance; returns the unsubscribe. */
  subscribe(listener: (message: CheckinMessage) => void): () => void;
  /** Calls `listener` when fan-out stops or starts working (Redis lost or back). */
  onAvailability(listener: (available: boolean) => void): () => void;
  /** Whether fan-out and replay work right now. */
  readonly available: boolean;

  /** The cached code, or null; an entry lives for `ttlMs` after `putCode`. */
  getCode(customerKey: string): Promise<CachedCode | null>;
  putCode(customerKey: string, entry: CodeEntry, ttlMs: number): Promise<void>;
  dropCode(customerKey: string): Promise<void>;

  /**
   * Takes one upstream call from this minute's allowance, shared by all instances; each `bucket`
   * (a studio's key) has an allowance of its own.
   */
  takeUpstreamSlot(limitPerMinute: number, bucket?: string): Promise<SlotAnswer>;
  /**
   * Takes one of the customer's own upstream calls, at most `limitPerMinute`
   * in the minute from its first, shared by all instances.
   */
  takeMemberSlot(customerKey: string, limitPerMinute: number): Promise<SlotAnswer>;
  /** Remembers Magicline's answer status for the customer (a 404, a 401/403) for `ttlMs`. */
  rememberUpstreamStatus(customerKey: string, status: number, ttlMs: number): Promise<void>;
  /** The status remembered for the customer, or null. */
  rememberedUpstreamStatus(customerKey: string): Promise<number | null>;

  /** Resolves true while the state's backing store answers. */
  ping(): Promise<boolean>;
  /** Ends connections and timers. */
  close(): Promise<void>;
}

/** How long messages stay replayable by default. */
export const DEFAULT_REPLAY_WINDOW_MS = 5 * 60_000;

/** A studio's front-desk feed keeps this much, whatever the member replay window. */
export const FEED_WINDOW_MS = 24 * 60 * 60_000;
/** The feed's key space: a `:` never appears in a customer key (digits, or `studio/digits`). */
const FEED_KEY_PREFIX = 'checkins:';

/** The key under which a studio's front-desk feed is logged and fanned out. */
export function feedKey(studio: string): string {
  return FEED_KEY_PREFIX + studio;
}

/** Whether a key of the shared state is a studio's feed rather than a customer. */
export function isFeedKey(key: string): boolean {
  return key.startsWith(FEED_KEY_PREFIX);
}

/** How long a key's messages stay replayable: a feed a day, a customer the replay window. */
export function replayWindowFor(key: string, windowMs: number): number {
  return isFeedKey(key) ? Math.max(windowMs, FEED_WINDOW_MS) : windowMs;
}

const EVENT_ID = /^(\d{1,15})-(\d{1,15})$/;

/** Whether `id` looks like an event id this relay hands out. */
export function isEventId(id: string): boolean {
  return EVENT_ID.test(id);
}

/** Orders two event ids; negative when `a` came first. */
export function compareEventIds(a: string, b: string): number {
  const [, am = '0', as = '0'] = EVENT_ID.exec(a) ?? [];
  const [, bm = '0', bs = '0'] = EVENT_ID.exec(b) ?? [];
  return Number(am) - Number(bm) || Number(as) - Number(bs);
}

export { customerKey } from '../internal/customer-id.js';
