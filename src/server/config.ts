import { createRelay, type Relay, type RelayOptions } from './relay.js';
import { jwtAuthorizer } from './authorize.js';
import { withoutUserInfo } from './log.js';

/** The standalone relay's settings, read from the environment. */
export interface RelayConfig {
  port: number;
  magiclineBaseUrl: string;
  magiclineApiKey: string;
  webhookApiKey: string;
  memberTokenSecret: string;
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
  const magiclineBaseUrl = required('MAGICLINE_BASE_URL');
  // Echoed without its user-info: that part may hold a password.
  const notHttp = () =>
    new ConfigError(`MAGICLINE_BASE_URL must be an http: or https: URL, got "${withoutUserInfo(magiclineBaseUrl)}"`);
  let base: URL;
  try {
    base = new URL(magiclineBaseUrl);
  } catch {
    throw notHttp();
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw notHttp();
  if (base.username || base.password)
    throw new ConfigError(
      'MAGICLINE_BASE_URL must not hold a user name or password (the key goes in MAGICLINE_API_KEY)',
    );
  const magiclineApiKey = required('MAGICLINE_API_KEY');
  const webhookApiKey = required('MAGICLINE_WEBHOOK_API_KEY');
  const memberTokenSecret = required('MEMBER_TOKEN_SECRET');
  // HS256 wants a key as long as its hash: 32 bytes.
  if (new TextEncoder().encode(memberTokenSecret).length < 32)
    throw new ConfigError('MEMBER_TOKEN_SECRET must be at least 32 bytes long');
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\/./.test(redisUrl))
    throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
  const upstreamLimitPerMinute = integer('UPSTREAM_LIMIT_PER_MINUTE', 1000, 1, 1_000_000);
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
    magiclineBaseUrl,
    magiclineApiKey,
    webhookApiKey,
    memberTokenSecret,
    redisUrl,
    upstreamLimitPerMinute,
    memberUpstreamLimitPerMinute,
    maxStreams,
    allowedOrigins,
  };
}

/** The relay as the bin runs it: JWT bearer tokens signed with MEMBER_TOKEN_SECRET. */
export function relayFromConfig(config: RelayConfig, extra: Partial<RelayOptions> = {}): Relay {
  return createRelay({
    magiclineBaseUrl: config.magiclineBaseUrl,
    magiclineApiKey: config.magiclineApiKey,
    webhookApiKey: config.webhookApiKey,
    authorize: jwtAuthorizer({ secret: config.memberTokenSecret }),
    allowedOrigins: config.allowedOrigins,
    upstreamLimitPerMinute: config.upstreamLimitPerMinute,
    memberUpstreamLimitPerMinute: config.memberUpstreamLimitPerMinute,
    ...(config.maxStreams ? { maxStreams: config.maxStreams } : {}),
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    ...extra,
  });
}
