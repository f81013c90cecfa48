import { REUSE_MIN_REMAINING_MS } from './code-service.js';
import { DEFAULT_STUDIO_ID } from './studios.js';
import type { SharedState } from './state.js';

export interface StudioStateHooks {
  /** A cached code was read that is still good to hand out. */
  onReusableCode?(): void;
  /** The studio's upstream allowance for this minute is spent. */
  onSlotRefused?(): void;
  /** A member's own upstream allowance is spent. */
  onMemberSlotRefused?(): void;
}

/**
 * One studio's view of the shared state: customer 123 of this studio is
 * another key than customer 123 of any other (cache, budget, remembered
 * answers, replay, fan-out, Redis keys), and its upstream calls count against
 * its own allowance. Studio
 * `default` keeps the bare keys a single-studio relay has always used, so a
 * deploy over running instances shares their state. Closing the view leaves
 * the state open.
 */
export function studioState(state: SharedState, studio: string, hooks: StudioStateHooks = {}): SharedState {
  const scoped = (customerKey: string) => scopedKey(studio, customerKey);
  const bucket = studio === DEFAULT_STUDIO_ID ? undefined : studio;
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
        const owner = keyOwner(message.customerKey);
        if (owner.studio === studio) listener({ ...message, customerKey: owner.customerKey });
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
    async takeMemberSlot(customerKey, limitPerMinute) {
      const answer = await state.takeMemberSlot(scoped(customerKey), limitPerMinute);
      if (!answer.ok) hooks.onMemberSlotRefused?.();
      return answer;
    },
    rememberUpstreamStatus: (customerKey, status, ttlMs) =>
      state.rememberUpstreamStatus(scoped(customerKey), status, ttlMs),
    rememberedUpstreamStatus: (customerKey) => state.rememberedUpstreamStatus(scoped(customerKey)),
    ping: () => state.ping(),
    async close() {},
  };
}

/**
 * A studio's customer as one key of the shared state. Studio ids hold no `/` and customer keys are
 * digits, so a scoped key names exactly one studio's customer; studio `default` keeps the bare key.
 */
export function scopedKey(studio: string, customerKey: string): string {
  return studio === DEFAULT_STUDIO_ID ? customerKey : `${studio}/${customerKey}`;
}

/** The studio and customer a key of the shared state names. */
export function keyOwner(key: string): { studio: string; customerKey: string } {
  const slash = key.indexOf('/');
  return slash < 0
    ? { studio: DEFAULT_STUDIO_ID, customerKey: key }
    : { studio: key.slice(0, slash), customerKey: key.slice(slash + 1) };
}
