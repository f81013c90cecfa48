import { isCustomerId } from '../../internal/config.js';

/** One check-in as the relay's feed sends it: `{"customerId", "at", "uuid", "name"?}`. */
export interface FeedCheckin {
  customerId: string;
  /** Epoch ms. */
  at: number;
  /** The webhook's `uuid`: the same check-in counts once, also when a reconnect replays it. */
  uuid: string;
  name?: string;
}

/** Longer names are not the "Anna M." the relay writes. */
const MAX_NAME_CHARS = 80;

/** The check-in in an SSE message's data, or `null` for anything malformed (ignored, never fatal). */
export function feedCheckinFromMessage(data: string): FeedCheckin | null {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return null;
  }
  if (!body || typeof body !== 'object') return null;
  const { customerId, at, uuid, name } = body as Record<string, unknown>;
  if (typeof customerId !== 'string' || !isCustomerId(customerId)) return null;
  if (typeof uuid !== 'string' || uuid === '' || typeof at !== 'string') return null;
  const atMs = Date.parse(at);
  if (!Number.isFinite(atMs)) return null;
  const checkin: FeedCheckin = { customerId, at: atMs, uuid };
  const shown = typeof name === 'string' ? name.trim() : '';
  if (shown && shown.length <= MAX_NAME_CHARS) checkin.name = shown;
  return checkin;
}
