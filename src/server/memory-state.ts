import {
  compareEventIds,
  DEFAULT_REPLAY_WINDOW_MS,
  isEventId,
  replayWindowFor,
  type CachedCode,
  type CheckinMessage,
  type CodeEntry,
  type SharedState,
  type SlotAnswer,
} from './state.js';

export interface MemoryStateOptions {
  /** How long messages stay replayable, ms (default 5 minutes). */
  replayWindowMs?: number;
  /** Wall clock, epoch ms (ids and the rate window). */
  now?: () => number;
  /** Monotonic clock, ms (cache ages). */
  monotonic?: () => number;
}

/** The shared state for one process: everything in this process's memory. */
export function createMemoryState(options: MemoryStateOptions = {}): SharedState {
  const windowMs = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
  const now = options.now ?? Date.now;
  const monotonic = options.monotonic ?? (() => performance.now());
  const logs = new Map<string, { message: CheckinMessage; at: number }[]>();
  const listeners = new Set<(message: CheckinMessage) => void>();
  const codes = new Map<string, { entry: CodeEntry; storedAt: number; until: number }>();
  let lastMs = 0;
  let seq = 0;
  /** This minute's upstream calls by bucket. */
  const rates = new Map<string, { window: number; count: number }>();
  /** Per-member call counts and remembered statuses, each until an epoch ms; swept as they pass. */
  const memberCalls = new Map<string, { count: number; until: number }>();
  const statuses = new Map<string, { status: number; until: number }>();
  let nextSweep = 0;

  function sweep(at: number) {
    if (at < nextSweep) return;
    nextSweep = at + 10_000;
    for (const [key, item] of memberCalls) if (at >= item.until) memberCalls.delete(key);
    for (const [key, item] of statuses) if (at >= item.until) statuses.delete(key);
  }

  function nextId(): string {
    const ms = now();
    if (ms > lastMs) {
      lastMs = ms;
      seq = 0;
    } else seq++;
    return `${lastMs}-${seq}`;
  }

  function prune(at: number) {
    for (const [key, log] of logs) {
      while (log.length && log[0]!.at < at - replayWindowFor(key, windowMs)) log.shift();
      if (!log.length) logs.delete(key);
    }
  }

  return {
    available: true,
    async publish(customerKey, body) {
      const at = now();
      prune(at);
      const message = { id: nextId(), customerKey, body };
      let log = logs.get(customerKey);
      if (!log) logs.set(customerKey, (log = []));
      log.push({ message, at });
      for (const listener of [...listeners]) listener(message);
      return message.id;
    },
    async replay(customerKey, afterId) {
      if (!isEventId(afterId)) return [];
      prune(now());
      return (logs.get(customerKey) ?? [])
        .map((item) => item.message)
        .filter((message) => compareEventIds(message.id, afterId) > 0);
    },
    async lastId(customerKey) {
      prune(now());
      return logs.get(customerKey)?.at(-1)?.message.id ?? '0-0';
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onAvailability() {
      return () => {};
    },
    async getCode(customerKey): Promise<CachedCode | null> {
      const item = codes.get(customerKey);
      if (!item) return null;
      const at = monotonic();
      if (at >= item.until) {
        codes.delete(customerKey);
        return null;
      }
      return { ...item.entry, ageMs: at - item.storedAt };
    },
    async putCode(customerKey, entry, ttlMs) {
      const at = monotonic();
      for (const [key, item] of codes) if (at >= item.until) codes.delete(key);
      codes.set(customerKey, { entry, storedAt: at, until: at + ttlMs });
    },
    async dropCode(customerKey) {
      codes.delete(customerKey);
    },
    async takeUpstreamSlot(limitPerMinute, bucket = ''): Promise<SlotAnswer> {
      const at = now();
      const window = Math.floor(at / 60_000);
      let rate = rates.get(bucket);
      if (rate?.window !== window) rates.set(bucket, (rate = { window, count: 0 }));
      if (rate.count >= limitPerMinute) return { ok: false, retryAfterMs: (window + 1) * 60_000 - at };
      rate.count++;
      return { ok: true };
    },
    async takeMemberSlot(customerKey, limitPerMinute): Promise<SlotAnswer> {
      const at = now();
      sweep(at);
      let item = memberCalls.get(customerKey);
      if (!item || at >= item.until) memberCalls.set(customerKey, (item = { count: 0, until: at + 60_000 }));
      if (item.count >= limitPerMinute) return { ok: false, retryAfterMs: item.until - at };
      item.count++;
      return { ok: true };
    },
    async rememberUpstreamStatus(customerKey, status, ttlMs) {
      const at = now();
      sweep(at);
      statuses.set(customerKey, { status, until: at + ttlMs });
    },
    async rememberedUpstreamStatus(customerKey) {
      const item = statuses.get(customerKey);
      return item && now() < item.until ? item.status : null;
    },
    async ping() {
      return true;
    },
    async close() {
      listeners.clear();
      logs.clear();
      codes.clear();
      memberCalls.clear();
      statuses.clear();
    },
  };
}
