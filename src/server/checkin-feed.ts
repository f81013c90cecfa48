/**
 * The relay's part of the front-desk feed (`<gym-checkin-feed>`), on its own
 * until the relay's routes take it in: a studio's check-ins of the last 24 h
 * for a fresh connection, each webhook turned into the feed's message
 * `{"customerId","at","uuid","name"}`, and the name looked up once a day per
 * customer from Magicline's `GET /v1/customers/{customerId}`.
 */
import { describeError, silentLogger, type RelayLogger } from './log.js';
import { compareEventIds, customerKey, isEventId } from './state.js';
import { entityIdDigits } from './webhook.js';

/** A fresh connection gets this much of the studio's check-ins. */
export const FEED_WINDOW_MS = 24 * 60 * 60_000;
/** A message waits at most this long for its name; it goes without one after. */
export const NAME_WAIT_MS = 2_000;
/** A name found is kept this long per customer. */
export const NAME_CACHE_MS = 24 * 60 * 60_000;
/** A lookup that failed is not tried again for this long (Magicline down is not a reason to ask per check-in). */
export const NAME_RETRY_MS = 5 * 60_000;
/** A lookup is given up after this long (it may outlast the message's wait, to fill the cache). */
export const NAME_TIMEOUT_MS = 8_000;
/** A bound per studio, whatever arrives in a day. */
const MAX_ENTRIES_PER_STUDIO = 20_000;

/** One check-in on the feed: its id on the stream, the check-in's time, and the message's data. */
export interface FeedEntry {
  /** `<ms>-<seq>`, as the member stream's ids. */
  id: string;
  /** The check-in's time, epoch ms. */
  at: number;
  /** `{"customerId","at","uuid","name"?}` as JSON. */
  data: string;
}

/** Where the studios' feeds are kept. In memory here; a Redis stream trimmed by time can take its place. */
export interface FeedStore {
  /** Keeps `data` for `studio`, returns its entry. */
  append(studio: string, at: number, data: string): Promise<FeedEntry>;
  /** The studio's entries of the window, oldest first; only those after `afterId` when it is given. */
  since(studio: string, afterId: string | null): Promise<FeedEntry[]>;
}

export function createMemoryFeedStore(
  options: { now?: () => number; windowMs?: number; maxPerStudio?: number } = {},
): FeedStore {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? FEED_WINDOW_MS;
  const max = options.maxPerStudio ?? MAX_ENTRIES_PER_STUDIO;
  const feeds = new Map<string, FeedEntry[]>();
  let lastMs = 0;
  let seq = 0;
  const prune = (entries: FeedEntry[], cutoff: number) => {
    // In the order they came; a check-in's own time may lag, and is checked on the way out too.
    while (entries.length && (Number(entries[0]!.id.split('-')[0]) < cutoff || entries.length > max)) entries.shift();
  };
  return {
    async append(studio, at, data) {
      const ms = now();
      if (ms > lastMs) [lastMs, seq] = [ms, 0];
      else seq++;
      const entry = { id: `${lastMs}-${seq}`, at, data };
      let entries = feeds.get(studio);
      if (!entries) feeds.set(studio, (entries = []));
      entries.push(entry);
      prune(entries, ms - windowMs);
      return entry;
    },
    async since(studio, afterId) {
      const cutoff = now() - windowMs;
      const entries = feeds.get(studio) ?? [];
      prune(entries, cutoff);
      return entries.filter(
        (entry) => entry.at >= cutoff && (afterId === null || compareEventIds(entry.id, afterId) > 0),
      );
    },
  };
}

export interface CheckinFeedOptions {
  /** The Open API's base URL (a path prefix is kept). */
  magiclineBaseUrl: string;
  /** Sent as `X-API-KEY` (scope `CUSTOMER_READ`). */
  magiclineApiKey: string;
  /** The `fetch` used for Magicline (default the global one). */
  fetch?: typeof fetch;
  store?: FeedStore;
  /** Wall clock, epoch ms. */
  now?: () => number;
  logger?: RelayLogger;
}

export interface CheckinFeed {
  /**
   * Turns a webhook body into the feed's message (waiting at most 2 s for the name), keeps it for the
   * studio, and hands it to the studio's listeners. Null for a webhook that is not a check-in.
   */
  publish(studio: string, webhookBody: string): Promise<FeedEntry | null>;
  /** The feed's message for a webhook body (waiting at most 2 s for the name); null for anything but a check-in. */
  message(webhookBody: string): Promise<string | null>;
  /**
   * What a connection gets first: the studio's check-ins of the last 24 h, or, resuming, those after
   * `lastEventId`. An id the feed cannot have issued (or one from the future) counts as none.
   */
  replay(studio: string, lastEventId?: string | null): Promise<FeedEntry[]>;
  /** Calls `listener` for each of the studio's new entries; returns the unsubscribe. */
  subscribe(studio: string, listener: (entry: FeedEntry) => void): () => void;
  /** Upstream name lookups made so far (monitoring, tests). */
  readonly lookups: number;
  /** Aborts lookups in flight. */
  close(): void;
}

/** One SSE message of the feed. The data is one line of JSON. */
export function feedFrame(entry: FeedEntry): string {
  return `id: ${entry.id}\ndata: ${entry.data}\n\n`;
}

/** "Anna M.": the first name and the last name's initial; null without a first name. */
export function shortName(firstName: unknown, lastName: unknown): string | null {
  const first = typeof firstName === 'string' ? firstName.trim().replace(/\s+/g, ' ').slice(0, 40) : '';
  if (!first) return null;
  const initial = typeof lastName === 'string' ? [...lastName.trim()][0] : undefined;
  return initial ? `${first} ${initial.toLocaleUpperCase()}.` : first;
}

/**
 * The feed's message for a webhook body: the top-level `entityId`'s digits (an int64 keeps every
 * digit), the first `CUSTOMER_CHECKIN`'s timestamp as ISO time, the `uuid`. Null for anything else.
 */
export function feedCheckin(webhookBody: string): { customerId: string; at: number; uuid: string } | null {
  let body: unknown;
  try {
    body = JSON.parse(webhookBody);
  } catch {
    return null;
  }
  const digits = entityIdDigits(webhookBody);
  if (digits === null || !body || typeof body !== 'object') return null;
  const { uuid, payload } = body as { uuid?: unknown; payload?: unknown };
  if (typeof uuid !== 'string' || !uuid || !Array.isArray(payload)) return null;
  const event = payload.find(
    (item): item is { timestamp: number } =>
      Boolean(item) &&
      typeof item === 'object' &&
      (item as { type?: unknown }).type === 'CUSTOMER_CHECKIN' &&
      Number.isFinite((item as { timestamp?: unknown }).timestamp),
  );
  if (!event || !Number.isFinite(new Date(event.timestamp).getTime())) return null;
  return { customerId: customerKey(digits), at: event.timestamp, uuid };
}

export function createCheckinFeed(options: CheckinFeedOptions): CheckinFeed {
  const now = options.now ?? Date.now;
  const store = options.store ?? createMemoryFeedStore({ now });
  const logger = options.logger ?? silentLogger;
  const doFetch = options.fetch ?? fetch;
  const base = options.magiclineBaseUrl.replace(/\/+$/, '');
  const names = new Map<string, { name: string | null; until: number }>();
  const lookupsInFlight = new Map<string, Promise<string | null>>();
  const listeners = new Map<string, Set<(entry: FeedEntry) => void>>();
  const abort = new AbortController();
  let lookups = 0;

  /** The customer's name: cached, or one lookup shared by every check-in and stream that waits for it. */
  function nameOf(key: string): Promise<string | null> {
    const cached = names.get(key);
    if (cached && cached.until > now()) return Promise.resolve(cached.name);
    let flight = lookupsInFlight.get(key);
    if (!flight) {
      flight = lookUp(key).finally(() => lookupsInFlight.delete(key));
      lookupsInFlight.set(key, flight);
    }
    return flight;
  }

  async function lookUp(key: string): Promise<string | null> {
    lookups++;
    const call = new AbortController();
    const stop = () => call.abort();
    abort.signal.addEventListener('abort', stop);
    // A timer rather than AbortSignal.timeout(): it follows the process's (and the tests') clock.
    const timer = setTimeout(stop, NAME_TIMEOUT_MS);
    try {
      const response = await doFetch(`${base}/v1/customers/${key}`, {
        headers: { 'X-API-KEY': options.magiclineApiKey, Accept: 'application/json' },
        signal: call.signal,
        redirect: 'error',
      });
      if (!response.ok) {
        void response.body?.cancel().catch(() => {});
        // A customer Magicline does not know is no fault; anything else is worth a line, the status only.
        if (response.status !== 404) logger.warn('customer name lookup failed', { status: response.status });
        return remember(key, null, NAME_RETRY_MS);
      }
      const body = (await response.json()) as { firstName?: unknown; lastName?: unknown } | null;
      return remember(key, shortName(body?.firstName, body?.lastName), NAME_CACHE_MS);
    } catch (error) {
      logger.warn('customer name lookup failed', { error: call.signal.aborted ? 'timeout' : describeError(error) });
      return remember(key, null, NAME_RETRY_MS);
    } finally {
      clearTimeout(timer);
      abort.signal.removeEventListener('abort', stop);
    }
  }

  function remember(key: string, name: string | null, forMs: number): string | null {
    const at = now();
    // Customers seen once a day ago are not kept for ever.
    if (names.size >= 10_000) for (const [k, v] of names) if (v.until <= at) names.delete(k);
    names.set(key, { name, until: at + forMs });
    return name;
  }

  /** The name, or null once {@link NAME_WAIT_MS} have passed. */
  function nameWithin(key: string): Promise<string | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), NAME_WAIT_MS)));
    return Promise.race([nameOf(key), late]).finally(() => clearTimeout(timer));
  }

  async function message(webhookBody: string): Promise<string | null> {
    const checkin = feedCheckin(webhookBody);
    if (!checkin) return null;
    const name = await nameWithin(checkin.customerId);
    return JSON.stringify({
      customerId: checkin.customerId,
      at: new Date(checkin.at).toISOString(),
      uuid: checkin.uuid,
      ...(name ? { name } : {}),
    });
  }

  return {
    get lookups() {
      return lookups;
    },
    message,
    async publish(studio, webhookBody) {
      const checkin = feedCheckin(webhookBody);
      const data = checkin && (await message(webhookBody));
      if (!checkin || !data) return null;
      const entry = await store.append(studio, checkin.at, data);
      for (const listener of [...(listeners.get(studio) ?? [])]) listener(entry);
      return entry;
    },
    async replay(studio, lastEventId) {
      const [ms] = (lastEventId ?? '').split('-');
      const vouched = lastEventId && isEventId(lastEventId) && Number(ms) <= now() ? lastEventId : null;
      return store.since(studio, vouched);
    },
    subscribe(studio, listener) {
      let set = listeners.get(studio);
      if (!set) listeners.set(studio, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (!set.size && listeners.get(studio) === set) listeners.delete(studio);
      };
    },
    close() {
      abort.abort();
      listeners.clear();
    },
  };
}
