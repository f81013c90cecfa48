import { REUSE_MIN_REMAINING_MS } from './code-service.js';
import { DEFAULT_STUDIO_ID } from './studios.js';
import type { SharedState } from './state.js';

export interface StudioStateHooks {
  /** A cached code was read that is still good to hand out. */
  onReusableCode?(): void;
  /** The studio's upstream allowance for this minute is spent. */
  onSlotRefused?(): void;
}

/**
 * One studio's view of the shared state: customer 123 of this studio is
 * another key than customer 123 of any other (cache, replay, fan-out, Redis
 * keys), and its upstream calls count against its own allowance. Studio
 * `default` keeps the bare keys a single-studio relay has always used, so a
 * deploy over running instances shares their state. Closing the view leaves
 * the state open.
 */
export function studioState(state: SharedState, studio: string, hooks: StudioStateHooks = {}): SharedState {
  const bare = studio === DEFAULT_STUDIO_ID;
  // Studio ids hold no `/`, customer keys are digits: a scoped key names exactly one studio's customer.
  const prefix = `${studio}/`;
  const scoped = (customerKey: string) => (bare ? customerKey : `${prefix}${customerKey}`);
  const own = (key: string) => (bare ? !key.includes('/') : key.startsWith(prefix));
  const unscoped = (key: string) => (bare ? key : key.slice(prefix.length));
  const bucket = bare ? undefined : studio;
  return {
    get available() {
      return state.available;
    },
    publish: (customerKey, body) => state.publish(scoped(customerKey), body),
    async replay(customerKey, afterId) {
      const messages = await state.replay(scoped(customerKey), afterId);
      return messages.map((message) => ({ ...message, customerKey }));
    },
    lastId: (customerKey) => state.lastId(scoped(customerKey)),
    subscribe: (listener) =>
      state.subscribe((message) => {
        if (own(message.customerKey)) listener({ ...message, customerKey: unscoped(message.customerKey) });
      }),
    onAvailability: (listener) => state.onAvailability(listener),
    async getCode(customerKey) {
      const cached = await state.getCode(scoped(customerKey));
      if (cached && cached.expiresAtMs - (cached.upstreamDateMs + cached.ageMs) >= REUSE_MIN_REMAINING_MS)
        hooks.onReusableCode?.();
      return cached;
    },
    putCode: (customerKey, entry, ttlMs) => state.putCode(scoped(customerKey), entry, ttlMs),
    dropCode: (customerKey) => state.dropCode(scoped(customerKey)),
    async takeUpstreamSlot(limitPerMinute) {
      const answer = await state.takeUpstreamSlot(limitPerMinute, bucket);
      if (!answer.ok) hooks.onSlotRefused?.();
      return answer;
    },
    ping: () => state.ping(),
    async close() {},
  };
}
