/** Each request is given up after this long (contract, Behaviour 5). */
export const REQUEST_TIMEOUT_MS = 10_000;
/** First backoff window; it doubles per failure up to {@link MAX_BACKOFF_MS}. */
export const MIN_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 30_000;
/** The `Date` header counts whole seconds: the server's clock may be up to this much later. */
export const DATE_HEADER_RESOLUTION_MS = 1_000;

export interface LifetimeInput {
  /** `expiresAt` from the response, already parsed, or `null` when absent. */
  expiresAtMs: number | null;
  /** The response's `Date` header, parsed, or `null` when unreadable. */
  serverDateMs: number | null;
  /** The device clock when the response arrived. */
  deviceNowMs: number;
  /** Lifetime to assume when `expiresAt` is absent. */
  fallbackMs: number;
}

/**
 * How long a code lives, counted from the moment its request was sent. The
 * reference clock is the server's (`Date` header) when readable, the device's
 * otherwise, and both are read so that the result never overstates the
 * lifetime: the header is pushed forward by its resolution, the device clock
 * is read on arrival, and the caller anchors the result at the send time.
 * Zero or less means the code is already dead.
 */
export function codeLifetime({ expiresAtMs, serverDateMs, deviceNowMs, fallbackMs }: LifetimeInput): number {
  if (expiresAtMs === null) return fallbackMs;
  const reference = serverDateMs === null ? deviceNowMs : serverDateMs + DATE_HEADER_RESOLUTION_MS;
  return expiresAtMs - reference;
}

/** When to ask for the next code, after the current one's start: `lead` before its end, but never in its first half. */
export function refreshDelay(lifetimeMs: number, leadMs: number): number {
  const lead = Math.min(Math.max(leadMs, 0), lifetimeMs / 2);
  return lifetimeMs - lead;
}

/** Exponential backoff with full jitter: a uniform pick below 1 s, 2 s, 4 s … capped at 30 s. */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const window = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.max(failures, 0));
  return Math.floor(random() * window);
}

/** Reads `Retry-After` (delta seconds or an HTTP date) as a delay in ms, or `null` when absent or unreadable. */
export function retryAfterDelay(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its weekday and month; anything else Date.parse might guess at is refused.
  const at = /[a-z]/i.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
