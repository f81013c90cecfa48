import { createClient, defineScript, type CommandParser } from 'redis';
import { describeError, type RelayLogger } from './log.js';

/**
 * Appends to the customer's log (trimmed to the window on Redis's clock) and publishes, in one step, once per
 * delivery token: a publish retried after a missed deadline finds its first run's id instead of adding another.
 */
const publishCheckin = defineScript({
  NUMBER_OF_KEYS: 2,
  SCRIPT: `
local done = redis.call('GET', KEYS[2])
if done then return done end
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = redis.call('XADD', KEYS[1], 'MINID', tostring(nowMs - tonumber(ARGV[2])), '*', 'b', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], id, 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4] .. '\\n' .. id .. '\\n' .. ARGV[1])
return id`,
  parseCommand(
    parser: CommandParser,
    log: string,
    token: string,
    body: string,
    windowMs: string,
    channel: string,
    key: string,
  ) {
    parser.pushKeys([log, token]);
    parser.push(body, windowMs, channel, key);
  },
  transformReply: (reply: unknown) => String(reply),
});

/** Counts a call in a window that starts with its first call; answers the count and the window's time left. */
const countCall = defineScript({
  NUMBER_OF_KEYS: 1,
  SCRIPT: `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`,
  parseCommand(parser: CommandParser, key: string, windowMs: string) {
    parser.pushKey(key);
    parser.push(windowMs);
  },
  transformReply: (reply: unknown) => (reply as [number, number]).map(Number) as [number, number],
});

class DeadlineError extends Error {
  override name = 'DeadlineError';
}

export interface RedisConnectionOptions {
  url: string;
  /** A command unanswered this long after it was issued counts Redis as away. */
  deadlineMs: number;
  /** The longest wait between reconnection attempts. */
  maxReconnectDelayMs: number;
  logger: RelayLogger;
  /** Called whenever a connection is lost, back, or Redis stops or starts answering. */
  onChange(): void;
}

/**
 * The two connections to Redis (commands, and a `duplicate()` for
 * subscriptions), the relay's Lua scripts, and a deadline on every command:
 * a Redis that accepts connections but does not answer counts as away until
 * a ping answers again.
 */
export function createRedisConnection(options: RedisConnectionOptions) {
  const { deadlineMs, logger, onChange } = options;
  let closed = false;
  /** A command missed its deadline: Redis is away until a ping answers. */
  let hung = false;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    // node-redis's own timeout covers a command's wait in its queue; `run` covers the answer.
    commandOptions: { timeout: deadlineMs },
    scripts: { publishCheckin, countCall },
    socket: {
      connectTimeout: 2000,
      // Retry soon and keep retrying: the relay must be whole again seconds after Redis is.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, options.maxReconnectDelayMs),
    },
  });
  const subscriber = client.duplicate();

  /** A command with its deadline: past it, Redis counts as away and the caller gets a DeadlineError. */
  async function run<T>(command: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineError(`redis did not answer within ${deadlineMs} ms`)), deadlineMs);
    });
    try {
      return await Promise.race([command(), late]);
    } catch (error) {
      if (error instanceof DeadlineError && !hung && !closed) {
        hung = true;
        logger.warn('redis stopped answering', { error: error.message });
        onChange();
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  // A Redis that hangs sends no error: only an unanswered command shows it, and only an answer ends it.
  let probing = false;
  const watchdog = setInterval(() => {
    if (probing || closed || !client.isReady) return;
    probing = true;
    run(() => client.ping())
      .then(() => {
        if (!hung) return;
        hung = false;
        logger.info('redis answers again');
        onChange();
      })
      .catch(() => {})
      .finally(() => (probing = false));
  }, deadlineMs);
  watchdog.unref?.();

  let lastError = '';
  for (const connection of [client, subscriber]) {
    // Without an error listener a lost connection would crash the process.
    connection.on('error', (error: unknown) => {
      const message = describeError(error);
      if (message !== lastError) logger.warn('redis connection error', { error: message });
      lastError = message;
      onChange();
    });
    connection.on('ready', () => {
      lastError = '';
      onChange();
    });
    connection.on('end', onChange);
    connection.on('reconnecting', onChange);
  }
  client.connect().catch((error: unknown) => {
    if (!closed) logger.error('redis connection given up', { error: describeError(error) });
  });

  return {
    client,
    subscriber,
    run,
    /** Whether commands can be sent and are answered. */
    answering: () => !closed && !hung && client.isReady,
    async close() {
      closed = true;
      clearInterval(watchdog);
      await Promise.all(
        [client, subscriber].map(async (connection) => {
          try {
            // A hung Redis never answers QUIT: give it the deadline, then cut the connection.
            if (connection.isReady && !hung) await run(() => connection.close());
            else if (connection.isOpen) connection.destroy();
          } catch {
            if (connection.isOpen) connection.destroy();
          }
        }),
      );
    },
  };
}
