/**
 * The studios one relay serves: each with its own Open API key, base URL and
 * webhook key, as Magicline hands them out. The bin reads them from
 * `RELAY_STUDIOS_FILE` (studios-file.ts), or makes studio `default` of the
 * single-studio variables. No Node API here: the relay runs on any fetch runtime.
 */
export interface Studio {
  /** 1–64 of `a-z 0-9 -`: the `{studio}` in the member routes and the token's `studio` claim. */
  id: string;
  /** The studio's Open API base URL, e.g. `https://<tenant>.open-api.magicline.com`. */
  magiclineBaseUrl: string;
  /** Sent as `X-API-KEY` with this studio's calls (scope `CUSTOMER_READ`). */
  magiclineApiKey: string;
  /** What Magicline sends as `X-API-KEY` with this studio's webhooks. */
  webhookApiKey: string;
  /** This studio's upstream calls a minute, all instances together. */
  upstreamLimitPerMinute: number;
}

/** The studio the single-studio variables, options and routes mean. */
export const DEFAULT_STUDIO_ID = 'default';
export const DEFAULT_UPSTREAM_LIMIT_PER_MINUTE = 1000;
export const MAX_UPSTREAM_LIMIT_PER_MINUTE = 1_000_000;
const STUDIO_ID = /^[a-z0-9-]{1,64}$/;
const FIELDS = new Set(['id', 'magiclineBaseUrl', 'magiclineApiKey', 'webhookApiKey', 'upstreamLimitPerMinute']);

/** A studio list that cannot be served; the message names the studio and the field, never a key or URL. */
export class StudiosError extends Error {
  override name = 'StudiosError';
}

/** Whether `id` can name a studio. */
export function isStudioId(id: string): boolean {
  return STUDIO_ID.test(id);
}

/**
 * Checks a parsed studios file (`{"studios": [...]}`) and returns its
 * studios, limits filled in; throws a {@link StudiosError} at the first fault.
 */
export function parseStudios(value: unknown, defaultLimit = DEFAULT_UPSTREAM_LIMIT_PER_MINUTE): Studio[] {
  if (!isObject(value) || !Array.isArray(value.studios))
    throw new StudiosError('expected {"studios": [{"id": …, "magiclineBaseUrl": …, …}, …]}');
  if (!value.studios.length) throw new StudiosError('"studios" lists no studio');
  const studios = value.studios.map((entry: unknown, index) => parseStudio(entry, index, defaultLimit));
  const byId = new Map<string, number>();
  const byWebhookKey = new Map<string, string>();
  studios.forEach((studio, index) => {
    const first = byId.get(studio.id);
    if (first !== undefined)
      throw new StudiosError(`studios[${index}].id: "${studio.id}" is already the id of studios[${first}]`);
    byId.set(studio.id, index);
    const owner = byWebhookKey.get(studio.webhookApiKey);
    // A webhook is routed by its key alone: two studios sharing one could not be told apart.
    if (owner !== undefined)
      throw new StudiosError(`studio "${studio.id}": webhookApiKey is the same as studio "${owner}"'s`);
    byWebhookKey.set(studio.webhookApiKey, studio.id);
  });
  return studios;
}

function parseStudio(entry: unknown, index: number, defaultLimit: number): Studio {
  if (!isObject(entry)) throw new StudiosError(`studios[${index}] must be an object`);
  const id = entry.id;
  if (typeof id !== 'string' || !isStudioId(id))
    throw new StudiosError(
      `studios[${index}].id must be 1 to 64 of a-z, 0-9 and -` +
        (typeof id === 'string' && id.length <= 80 ? `, got "${id}"` : ''),
    );
  const where = `studio "${id}"`;
  for (const field of Object.keys(entry)) {
    if (!FIELDS.has(field)) throw new StudiosError(`${where}: unknown field ${JSON.stringify(field.slice(0, 40))}`);
  }
  const secret = (field: 'magiclineApiKey' | 'webhookApiKey') => {
    const text = entry[field];
    if (typeof text !== 'string' || !text) throw new StudiosError(`${where}: ${field} is required`);
    // A header value loses surrounding blanks on the way, so such a key could never match.
    if (text.trim() !== text) throw new StudiosError(`${where}: ${field} begins or ends with white space`);
    return text;
  };
  return {
    id,
    magiclineBaseUrl: baseUrl(entry.magiclineBaseUrl, `${where}: magiclineBaseUrl`),
    magiclineApiKey: secret('magiclineApiKey'),
    webhookApiKey: secret('webhookApiKey'),
    upstreamLimitPerMinute: limit(entry.upstreamLimitPerMinute, `${where}: upstreamLimitPerMinute`, defaultLimit),
  };
}

/** Checks an Open API base URL; the message never repeats it (its user-info may hold a password). */
export function baseUrl(value: unknown, name: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new StudiosError(`${name} is required`);
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new StudiosError(`${name} must be an http: or https: URL`);
  // Magicline takes its key as a header; a password in the URL would only end up in error messages.
  if (url.username || url.password) throw new StudiosError(`${name} must not hold a user name or password`);
  return value.trim();
}

function limit(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_UPSTREAM_LIMIT_PER_MINUTE)
    throw new StudiosError(`${name} must be a whole number from 1 to ${MAX_UPSTREAM_LIMIT_PER_MINUTE}`);
  return value;
}

/**
 * Finds the studio whose webhook key `given` is. Every studio's key is
 * compared, as SHA-256 digests in time independent of the bytes, with no
 * early exit: how long it takes tells nothing of which studio, or whether any,
 * matched.
 */
export function webhookKeyLookup(studios: readonly Studio[]): (given: string) => Promise<Studio | null> {
  const encoder = new TextEncoder();
  const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  let expected: Promise<Uint8Array[]> | undefined;
  return async (given) => {
    expected ??= Promise.all(studios.map((studio) => digest(studio.webhookApiKey)));
    const [keys, mine] = await Promise.all([expected, digest(given)]);
    // 1 + the index of the matching studio (keys are unique, so at most one), or 0.
    let found = 0;
    keys.forEach((key, index) => {
      let difference = 0;
      for (let i = 0; i < key.length; i++) difference |= key[i]! ^ mine[i]!;
      // 1 when difference is 0, else 0, without a branch.
      const same = ((difference - 1) >>> 31) & 1;
      found |= same * (index + 1);
    });
    return found ? studios[found - 1]! : null;
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
