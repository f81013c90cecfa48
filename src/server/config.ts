import { createRelay, type Relay, type StudiosRelayOptions } from './relay.js';
import { jwtAuthorizer, staffJwtAuthorizer } from './authorize.js';
import { withoutUserInfo } from './log.js';
import { readStudiosFile } from './studios-file.js';
import { baseUrl, DEFAULT_STUDIO_ID, StudiosError, type Studio } from './studios.js';

/** The standalone relay's settings, read from the environment. */
export interface RelayConfig {
  port: number;
  /** The address to listen on (`0.0.0.0`: every interface). */
  host: string;
  /** From `RELAY_STUDIOS_FILE`, or studio `default` from the single-studio variables. */
  studios: Studio[];
  memberTokenSecret: string;
  metricsToken: string | undefined;
  redisUrl: string | undefined;
  upstreamLimitPerMinute: number;
  memberUpstreamLimitPerMinute: number;
  /** Unset: 90 % of the process's open-file limit. */
  maxStreams: number | undefined;
  allowedOrigins: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and checks the environment; throws a {@link ConfigError} naming the
 * variable at the first one missing or invalid. Never echoes a secret.
 */
export function readConfig(env: Record<string, string | undefined>): RelayConfig {
  const required = (name: string) => {
    const value = env[name]?.trim();
    if (!value) throw new ConfigError(`${name} is required`);
    return value;
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const text = env[name]?.trim();
    if (!text) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max)
      throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
    return value;
  };
  const port = integer('PORT', 8080, 0, 65535);
  const host = env.HOST?.trim() || '0.0.0.0';
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host))
    throw new ConfigError('HOST must be an address to listen on, such as 0.0.0.0 or 127.0.0.1');
  const upstreamLimitPerMinute = integer('UPSTREAM_LIMIT_PER_MINUTE', 1000, 1, 1_000_000);
  const studios = readStudios(env, required, upstreamLimitPerMinute);
  const memberTokenSecret = required('MEMBER_TOKEN_SECRET');
  // HS256 wants a key as long as its hash: 32 bytes.
  if (new TextEncoder().encode(memberTokenSecret).length < 32)
    throw new ConfigError('MEMBER_TOKEN_SECRET must be at least 32 bytes long');
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\/./.test(redisUrl))
    throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
  const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
  const memberUpstreamLimitPerMinute = integer('MEMBER_UPSTREAM_LIMIT_PER_MINUTE', 6, 1, 1_000_000);
  const maxStreams = env.MAX_STREAMS?.trim() ? integer('MAX_STREAMS', 0, 1, 10_000_000) : undefined;
  const allowedOrigins = (env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of allowedOrigins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== origin) {
      throw new ConfigError(
        `ALLOWED_ORIGINS must list origins such as https://app.example.com, got "${withoutUserInfo(origin)}"`,
      );
    }
  }
  return {
    port,
    host,
    studios,
    memberTokenSecret,
    metricsToken,
    redisUrl,
    upstreamLimitPerMinute,
    memberUpstreamLimitPerMinute,
    maxStreams,
    allowedOrigins,
  };
}

/** The studios from `RELAY_STUDIOS_FILE`, or studio `default` from the single-studio variables. */
function readStudios(
  env: Record<string, string | undefined>,
  required: (name: string) => string,
  defaultLimit: number,
): Studio[] {
  try {
    const file = env.RELAY_STUDIOS_FILE?.trim();
    if (file) {
      for (const name of ['MAGICLINE_BASE_URL', 'MAGICLINE_API_KEY', 'MAGICLINE_WEBHOOK_API_KEY']) {
        // Two sources of keys would leave it to chance which one a studio gets.
        if (env[name]?.trim())
          throw new ConfigError(`${name} and RELAY_STUDIOS_FILE are both set: give every studio's keys in the file`);
      }
      return readStudiosFile(file, defaultLimit);
    }
    return [
      {
        id: DEFAULT_STUDIO_ID,
        magiclineBaseUrl: baseUrl(env.MAGICLINE_BASE_URL, 'MAGICLINE_BASE_URL'),
        magiclineApiKey: required('MAGICLINE_API_KEY'),
        webhookApiKey: required('MAGICLINE_WEBHOOK_API_KEY'),
        upstreamLimitPerMinute: defaultLimit,
      },
    ];
  } catch (error) {
    throw error instanceof StudiosError ? new ConfigError(error.message) : error;
  }
}

/**
 * The relay as the bin runs it: JWT bearer tokens signed with MEMBER_TOKEN_SECRET, naming their
 * studio in a `studio` claim when there are several.
 */
export function relayFromConfig(config: RelayConfig, extra: Partial<StudiosRelayOptions> = {}): Relay {
  return createRelay({
    studios: config.studios,
    authorize: jwtAuthorizer({ secret: config.memberTokenSecret, requireStudio: config.studios.length > 1 }),
    authorizeStaff: staffJwtAuthorizer({ secret: config.memberTokenSecret }),
    allowedOrigins: config.allowedOrigins,
    memberUpstreamLimitPerMinute: config.memberUpstreamLimitPerMinute,
    ...(config.maxStreams ? { maxStreams: config.maxStreams } : {}),
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    ...extra,
  });
}
