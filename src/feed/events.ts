/** What `gym-checkin-feed-checkin` carries: a check-in the feed shows for the first time, replayed or live. */
export interface CheckinDetail {
  /** The Magicline customer id, as digits. */
  customerId: string;
  /** When the member checked in (ISO 8601, the relay's copy of the webhook's timestamp). */
  at: string;
  /** First name and last initial ("Anna M."), when the relay could look it up. */
  name?: string;
}

export const CHECKIN_EVENT = 'gym-checkin-feed-checkin';

export type GymCheckinFeedCheckinEvent = CustomEvent<CheckinDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'gym-checkin-feed-checkin': GymCheckinFeedCheckinEvent;
  }
}
