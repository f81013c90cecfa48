import * as z from 'zod/mini';
import { filledString } from './access-code.js';
import { customerKey } from './customer-id.js';

/**
 * A finite number. Through z.custom, like every leaf here: zod's number, string, array, literal and
 * nullable schemas cost the bundle hundreds of bytes gzipped for what a comparison does.
 */
const finite = z.custom<number>(Number.isFinite);

/** A Magicline webhook body, as the partner backend relays it in an SSE message's `data`. */
const webhookSchema = z.object({
  entityId: finite,
  uuid: filledString,
  // Checked item by item below.
  payload: z.custom<unknown[]>(Array.isArray),
});

/** One event of a webhook's `payload`. */
const eventSchema = z.object({
  timestamp: finite,
  type: z.custom<string>((value) => typeof value === 'string'),
});

export interface Checkin {
  /** The webhook's `uuid`: the same delivery must count once. */
  uuid: string;
  /** When the member checked in, in epoch ms on the server's clock. */
  timestamp: number;
}

/**
 * The first `CUSTOMER_CHECKIN` of `customerId` in an SSE message, or `null`
 * for anything else: other types, other customers, malformed data.
 */
export function checkinFromMessage(data: string, customerId: string): Checkin | null {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return null;
  }
  const result = webhookSchema.safeParse(body);
  if (!result.success) return null;
  const { entityId, uuid } = result.data;
  const payload: z.infer<typeof eventSchema>[] = [];
  for (const item of result.data.payload) {
    // Any malformed event makes the whole message malformed.
    const event = eventSchema.safeParse(item);
    if (!event.success) return null;
    payload.push(event.data);
  }
  // entityId is an int64: as a JSON number it may have lost digits, so compare the digits as sent
  // (the first entityId in the text must be the one that was parsed).
  const sent = /"entityId"\s*:\s*(\d+)/.exec(data)?.[1];
  if (sent === undefined || Number(sent) !== entityId) return null;
  if (customerKey(sent) !== customerKey(customerId)) return null;
  const event = payload.find((item) => item.type === 'CUSTOMER_CHECKIN');
  return event ? { uuid, timestamp: event.timestamp } : null;
}
