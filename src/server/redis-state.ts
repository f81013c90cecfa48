import { createClient } from 'redis';
import { describeError, silentLogger, type RelayLogger } from './log.js';
import { createMemoryState } from './memory-state.js';
import {
  DEFAULT_REPLAY_WINDOW_MS,
  isEventId,
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
  /** A command that takes longer fails over to the local fallback (default 1000 ms). */
  commandTimeoutMs?: number;
  /** The longest wait between reconnection attempts (default 1000 ms). */
  maxReconnectDelayMs?: number;
  logger?: RelayLogger;
}

/** Appends to the customer's log (trimmed to the window on Redis's clock) and publishes, in one step. */
const PUBLISH_SCRIPT = `
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = redis.call('XADD', KEYS[1], 'MINID', tostring(nowMs - tonumber(ARGV[2])), '*', 'b', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4] .. '\\n' .. id .. '\\n' .. ARGV[1])
return id`;

const COUNT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** Webhooks that arrive while Redis is away wait here (at most this many) and are published when it is back. */
const MAX_PENDING = 1000;

/**
 * The shared state for several instances, in Redis: a stream per customer
 * for replay, one pub/sub channel for fan-out (on a `duplicate()`
 * connection), the code cache with Redis-side expiry, and the rate counter.
 *
 * While Redis is away: `available` is false (the relay answers event streams
 * with 503), `ping()` resolves false, codes are cached and counted in this
 * process's memory (each instance then caps itself at the full limit), and
 * webhooks are kept (up to 1000, within the replay window) to be published
 * when Redis is back, so reconnecting streams still replay them.
 */
export function createRedisState(options: RedisStateOptions): SharedState {
  const prefix = options.keyPrefix ?? 'gym-access-qr:';
  const windowMs = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
  const logger = options.logger ?? silentLogger;
  const maxDelay = options.maxReconnectDelayMs ?? 1000;
  const channel = `${prefix}checkins`;
  const local = createMemoryState({ replayWindowMs: windowMs });
  const listeners = new Set<(message: CheckinMessage) => void>();
  const availabilityListeners = new Set<(available: boolean) => void>();
  const pending: { customerKey: string; body: string; at: number }[] = [];
  let closed = false;
  let wasAvailable = false;
  let subscribed = false;

  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    commandOptions: { timeout: options.commandTimeoutMs ?? 1000 },
    socket: {
      connectTimeout: 2000,
      // Retry soon and keep retrying: the relay must be whole again seconds after Redis is.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, maxDelay),
    },
  });
  const subscriber = client.duplicate();

  const state: SharedState = {
    get available() {
      return !closed && client.isReady && subscriber.isReady && subscribed;
    },
    async publish(customerKey, body) {
      if (!state.available) {
        queue(customerKey, body);
        return null;
      }
      try {
        return await runPublish(customerKey, body);
      } catch (error) {
        logger.warn('redis publish failed, kept until Redis is back', { error: describeError(error) });
        queue(customerKey, body);
        return null;
      }
    },
    async replay(customerKey, afterId) {
      if (!isEventId(afterId)) return [];
      const entries = (await client.sendCommand([
        'XRANGE',
        streamKey(customerKey),
        `(${afterId}`,
        '+',
        'COUNT',
        '1000',
      ])) as [string, string[]][];
      return entries.map(([id, fields]) => ({ id, customerKey, body: fields[1] ?? '' }));
    },
    async lastId(customerKey) {
      const [newest] = (await client.sendCommand(['XREVRANGE', streamKey(customerKey), '+', '-', 'COUNT', '1'])) as [
        string,
        string[],
      ][];
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
      if (!client.isReady) return local.getCode(customerKey);
      try {
        const key = codeKey(customerKey);
        const [text, pttl] = (await client.multi().get(key).pTTL(key).exec()) as unknown as [string | null, number];
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
      if (!client.isReady) return local.putCode(customerKey, entry, ttl);
      try {
        await client.sendCommand([
          'SET',
          codeKey(customerKey),
          JSON.stringify({ ...entry, ttlMs: ttl }),
          'PX',
          String(ttl),
        ]);
      } catch (error) {
        logger.warn('redis code cache write failed, using local memory', { error: describeError(error) });
        await local.putCode(customerKey, entry, ttl);
      }
    },
    async dropCode(customerKey) {
      await local.dropCode(customerKey);
      if (!client.isReady) return;
      try {
        await client.sendCommand(['DEL', codeKey(customerKey)]);
      } catch (error) {
        logger.warn('redis code cache drop failed', { error: describeError(error) });
      }
    },
    async takeUpstreamSlot(limitPerMinute, bucket = ''): Promise<SlotAnswer> {
      if (!client.isReady) return local.takeUpstreamSlot(limitPerMinute, bucket);
      const at = Date.now();
      const window = Math.floor(at / 60_000);
      try {
        const count = Number(
          await client.sendCommand([
            'EVAL',
            COUNT_SCRIPT,
            '1',
            `${prefix}upstream:${bucket && `${bucket}:`}${window}`,
            '120000',
          ]),
        );
        return count <= limitPerMinute ? { ok: true } : { ok: false, retryAfterMs: (window + 1) * 60_000 - at };
      } catch (error) {
        logger.warn('redis rate counter failed, counting in local memory', { error: describeError(error) });
        return local.takeUpstreamSlot(limitPerMinute, bucket);
      }
    },
    async ping() {
      if (!state.available) return false;
      try {
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      closed = true;
      listeners.clear();
      availabilityListeners.clear();
      await Promise.all(
        [client, subscriber].map(async (connection) => {
          try {
            if (connection.isReady) await connection.close();
            else if (connection.isOpen) connection.destroy();
          } catch {
            connection.destroy();
          }
        }),
      );
      await local.close();
    },
  };

  function streamKey(customerKey: string) {
    return `${prefix}events:${customerKey}`;
  }
  function codeKey(customerKey: string) {
    return `${prefix}code:${customerKey}`;
  }

  async function runPublish(customerKey: string, body: string): Promise<string> {
    const args = [body, String(windowMs), channel, customerKey];
    return String(await client.sendCommand(['EVAL', PUBLISH_SCRIPT, '1', streamKey(customerKey), ...args]));
  }

  function queue(customerKey: string, body: string) {
    pending.push({ customerKey, body, at: Date.now() });
    if (pending.length > MAX_PENDING) pending.shift();
  }

  async function flushPending() {
    while (pending.length && client.isReady && !closed) {
      const item = pending[0]!;
      if (Date.now() - item.at > windowMs) {
        pending.shift();
        continue;
      }
      try {
        await runPublish(item.customerKey, item.body);
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

  let lastError = '';
  for (const connection of [client, subscriber]) {
    // Without an error listener a lost connection would crash the process.
    connection.on('error', (error: unknown) => {
      const message = describeError(error);
      if (message !== lastError) logger.warn('redis connection error', { error: message });
      lastError = message;
      checkAvailability();
    });
    connection.on('ready', () => {
      lastError = '';
      checkAvailability();
    });
    connection.on('end', checkAvailability);
    connection.on('reconnecting', checkAvailability);
  }

  client.connect().catch((error: unknown) => {
    if (!closed) logger.error('redis connection given up', { error: describeError(error) });
  });
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
