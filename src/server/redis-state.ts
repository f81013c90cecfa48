import { describeError, silentLogger, type RelayLogger } from './log.js';
import { createMemoryState } from './memory-state.js';
import { createRedisConnection } from './redis-connection.js';
import {
  DEFAULT_REPLAY_WINDOW_MS,
  isEventId,
  isFeedKey,
  replayWindowFor,
  type CachedCode,
  type CheckinMessage,
  type SharedState,
  type SlotAnswer,
} from './state.js';

export interface RedisStateOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** Prefix of every key and of the pub/sub channel (default `gym-access-qr:`). */
  keyPrefix?: string;
  /** How long messages stay replayable, ms (default 5 minutes). */
  replayWindowMs?: number;
  /** A command unanswered this long after it was issued counts Redis as away (default 1000 ms). */
  commandTimeoutMs?: number;
  /** The longest wait between reconnection attempts (default 1000 ms). */
  maxReconnectDelayMs?: number;
  logger?: RelayLogger;
}

/** Webhooks that arrive while Redis is away wait here (at most this many) and are published when it is back. */
const MAX_PENDING = 1000;

/**
 * The shared state for several instances, in Redis: a stream per customer
 * for replay, one pub/sub channel for fan-out (on a `duplicate()`
 * connection), the code cache with Redis-side expiry, and the rate counters.
 *
 * Every command has a deadline from the moment it is issued; a Redis that
 * misses one, or a connection that is lost, counts as away until a ping
 * answers again. While Redis is away: `available` is false (the relay
 * answers event streams with 503), `ping()` resolves false, codes, counters
 * and remembered answers live in this process's memory (each instance then
 * caps itself at the full limit), and webhooks are kept (up to 1000, within
 * the replay window) to be published when Redis is back, so reconnecting
 * streams still replay them.
 */
export function createRedisState(options: RedisStateOptions): SharedState {
  const prefix = options.keyPrefix ?? 'gym-access-qr:';
  const windowMs = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
  const logger = options.logger ?? silentLogger;
  const channel = `${prefix}checkins`;
  const local = createMemoryState({ replayWindowMs: windowMs });
  const listeners = new Set<(message: CheckinMessage) => void>();
  const availabilityListeners = new Set<(available: boolean) => void>();
  const pending: { customerKey: string; body: string; token: string; at: number }[] = [];
  let closed = false;
  let wasAvailable = false;
  let subscribed = false;

  const connection = createRedisConnection({
    url: options.url,
    deadlineMs: options.commandTimeoutMs ?? 1000,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? 1000,
    logger,
    onChange: () => checkAvailability(),
  });
  const { client, subscriber, run } = connection;
  const usable = () => !closed && connection.answering();

  // A member's log holds minutes; a studio's feed a day of check-ins, all of which a fresh screen counts.
  const replayCount = (key: string) => (isFeedKey(key) ? '20000' : '1000');
  const state: SharedState = {
    get available() {
      return usable() && subscriber.isReady && subscribed;
    },
    async publish(customerKey, body) {
      const token = crypto.randomUUID();
      if (!state.available) {
        queue(customerKey, body, token);
        return null;
      }
      try {
        return await runPublish(customerKey, body, token);
      } catch (error) {
        logger.warn('redis publish failed, kept until Redis is back', { error: describeError(error) });
        queue(customerKey, body, token);
        return null;
      }
    },
    async replay(customerKey, afterId) {
      if (!isEventId(afterId)) return [];
      const entries = (await run(() =>
        client.sendCommand(['XRANGE', streamKey(customerKey), `(${afterId}`, '+', 'COUNT', replayCount(customerKey)]),
      )) as [string, string[]][];
      return entries.map(([id, fields]) => ({ id, customerKey, body: fields[1] ?? '' }));
    },
    async lastId(customerKey) {
      const [newest] = (await run(() =>
        client.sendCommand(['XREVRANGE', streamKey(customerKey), '+', '-', 'COUNT', '1']),
      )) as [string, string[]][];
      return newest?.[0] ?? '0-0';
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onAvailability(listener) {
      availabilityListeners.add(listener);
      return () => availabilityListeners.delete(listener);
    },
    async getCode(customerKey): Promise<CachedCode | null> {
      if (!usable()) return local.getCode(customerKey);
      try {
        const key = codeKey(customerKey);
        const [text, pttl] = (await run(() => client.multi().get(key).pTTL(key).exec())) as unknown as [
          string | null,
          number,
        ];
        if (text === null || pttl <= 0) return null;
        const stored = JSON.parse(text) as { body: string; expiresAtMs: number; upstreamDateMs: number; ttlMs: number };
        // The age on Redis's clock, so instances whose clocks disagree still agree on it.
        return {
          body: stored.body,
          expiresAtMs: stored.expiresAtMs,
          upstreamDateMs: stored.upstreamDateMs,
          ageMs: stored.ttlMs - pttl,
        };
      } catch (error) {
        logger.warn('redis code cache read failed, using local memory', { error: describeError(error) });
        return local.getCode(customerKey);
      }
    },
    async putCode(customerKey, entry, ttlMs) {
      const ttl = Math.max(1, Math.floor(ttlMs));
      if (!usable()) return local.putCode(customerKey, entry, ttl);
      try {
        const text = JSON.stringify({ ...entry, ttlMs: ttl });
        await run(() => client.sendCommand(['SET', codeKey(customerKey), text, 'PX', String(ttl)]));
      } catch (error) {
        logger.warn('redis code cache write failed, using local memory', { error: describeError(error) });
        await local.putCode(customerKey, entry, ttl);
      }
    },
    async dropCode(customerKey) {
      await local.dropCode(customerKey);
      if (!usable()) return;
      try {
        await run(() => client.sendCommand(['DEL', codeKey(customerKey)]));
      } catch (error) {
        logger.warn('redis code cache drop failed', { error: describeError(error) });
      }
    },
    async takeUpstreamSlot(limitPerMinute, bucket = ''): Promise<SlotAnswer> {
      if (!usable()) return local.takeUpstreamSlot(limitPerMinute, bucket);
      const at = Date.now();
      const window = Math.floor(at / 60_000);
      try {
        const [count] = await run(() =>
          client.countCall(`${prefix}upstream:${bucket && `${bucket}:`}${window}`, '120000'),
        );
        return count <= limitPerMinute ? { ok: true } : { ok: false, retryAfterMs: (window + 1) * 60_000 - at };
      } catch (error) {
        logger.warn('redis rate counter failed, counting in local memory', { error: describeError(error) });
        return local.takeUpstreamSlot(limitPerMinute, bucket);
      }
    },
    async takeMemberSlot(customerKey, limitPerMinute): Promise<SlotAnswer> {
      if (!usable()) return local.takeMemberSlot(customerKey, limitPerMinute);
      try {
        const [count, pttl] = await run(() => client.countCall(`${prefix}member-upstream:${customerKey}`, '60000'));
        return count <= limitPerMinute ? { ok: true } : { ok: false, retryAfterMs: Math.max(1, pttl) };
      } catch (error) {
        logger.warn('redis member counter failed, counting in local memory', { error: describeError(error) });
        return local.takeMemberSlot(customerKey, limitPerMinute);
      }
    },
    async rememberUpstreamStatus(customerKey, status, ttlMs) {
      await local.rememberUpstreamStatus(customerKey, status, ttlMs);
      if (!usable()) return;
      const ttl = String(Math.max(1, Math.floor(ttlMs)));
      try {
        await run(() => client.sendCommand(['SET', statusKey(customerKey), String(status), 'PX', ttl]));
      } catch (error) {
        logger.warn('redis write of an upstream answer failed, kept in local memory', { error: describeError(error) });
      }
    },
    async rememberedUpstreamStatus(customerKey) {
      if (!usable()) return local.rememberedUpstreamStatus(customerKey);
      try {
        const text = await run(() => client.sendCommand(['GET', statusKey(customerKey)]));
        return text === null || text === undefined ? null : Number(text);
      } catch (error) {
        logger.warn('redis read of an upstream answer failed, using local memory', { error: describeError(error) });
        return local.rememberedUpstreamStatus(customerKey);
      }
    },
    async ping() {
      if (!state.available) return false;
      try {
        return (await run(() => client.ping())) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      closed = true;
      listeners.clear();
      availabilityListeners.clear();
      await connection.close();
      await local.close();
    },
  };

  function streamKey(customerKey: string) {
    return `${prefix}events:${customerKey}`;
  }
  function codeKey(customerKey: string) {
    return `${prefix}code:${customerKey}`;
  }
  function statusKey(customerKey: string) {
    return `${prefix}upstream-status:${customerKey}`;
  }

  function runPublish(customerKey: string, body: string, token: string): Promise<string> {
    return run(() =>
      client.publishCheckin(
        streamKey(customerKey),
        `${prefix}published:${token}`,
        body,
        String(replayWindowFor(customerKey, windowMs)),
        channel,
        customerKey,
      ),
    );
  }

  function queue(customerKey: string, body: string, token: string) {
    pending.push({ customerKey, body, token, at: Date.now() });
    if (pending.length > MAX_PENDING) pending.shift();
  }

  async function flushPending() {
    while (pending.length && state.available) {
      const item = pending[0]!;
      if (Date.now() - item.at > windowMs) {
        pending.shift();
        continue;
      }
      try {
        await runPublish(item.customerKey, item.body, item.token);
        pending.shift();
      } catch (error) {
        logger.warn('redis publish of a kept webhook failed, will retry', { error: describeError(error) });
        return;
      }
    }
  }

  function onMessage(text: string) {
    const first = text.indexOf('\n');
    const second = text.indexOf('\n', first + 1);
    if (first < 0 || second < 0) return;
    const message = {
      customerKey: text.slice(0, first),
      id: text.slice(first + 1, second),
      body: text.slice(second + 1),
    };
    for (const listener of [...listeners]) listener(message);
  }

  function checkAvailability() {
    const now = state.available;
    if (now === wasAvailable) return;
    wasAvailable = now;
    if (now) {
      logger.info('redis available');
      void flushPending();
    } else if (!closed) logger.warn('redis unavailable: event streams answer 503, codes are cached in local memory');
    for (const listener of [...availabilityListeners]) listener(now);
  }

  subscriber
    .connect()
    .then(() => subscriber.subscribe(channel, onMessage))
    .then(() => {
      // node-redis subscribes again by itself after every reconnection.
      subscribed = true;
      checkAvailability();
    })
    .catch((error: unknown) => {
      if (!closed) logger.error('redis subscription failed', { error: describeError(error) });
    });

  return state;
}
