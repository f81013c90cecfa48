import type { FeedCheckin } from './feed-message.js';

/** The list shows this many check-ins, newest first. */
export const ROW_LIMIT = 50;
/** Uuids are remembered this long: a fresh connection replays 24 h, a reconnect without an id maybe all of it. */
const SEEN_FOR_MS = 25 * 60 * 60_000;
/** A bound on the uuids kept, whatever a backend sends. */
const SEEN_LIMIT = 20_000;

export interface FeedRow extends FeedCheckin {
  /** Until when (`performance.now()`) it is marked new, or `null`: came in with the first load, or marked long enough. */
  newUntil: number | null;
}

/** The start of the local day that holds `ms`, in epoch ms. */
export function startOfDay(ms: number): number {
  const date = new Date(ms);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** The start of the local day after the one that holds `ms` (23 or 25 hours later on a clock change). */
export function startOfNextDay(ms: number): number {
  const date = new Date(ms);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
}

/**
 * What the feed shows, as data: today's check-ins per hour of the page's local
 * day, the latest {@link ROW_LIMIT} newest first, and the uuids already counted.
 */
export class CheckinTally {
  /** Newest first. */
  rows: FeedRow[] = [];
  /** Today's check-ins per local hour, 0 to 23. */
  hours: number[] = new Array<number>(24).fill(0);
  #day: number;
  readonly #seen = new Map<string, number>();

  constructor(now: number) {
    this.#day = startOfDay(now);
  }

  /** Check-ins today. */
  get today(): number {
    return this.hours.reduce((sum, count) => sum + count, 0);
  }

  /** When today ends, in epoch ms. */
  get dayEndsAt(): number {
    return startOfNextDay(this.#day);
  }

  /** Counts a check-in; false when its uuid was counted before. */
  add(checkin: FeedCheckin, newUntil: number | null): boolean {
    if (this.#seen.has(checkin.uuid)) return false;
    this.#seen.set(checkin.uuid, checkin.at);
    if (this.#seen.size > SEEN_LIMIT) this.#forget();
    if (startOfDay(checkin.at) === this.#day) this.hours[new Date(checkin.at).getHours()]!++;
    // Replays come oldest first, live ones newest: each goes where its time puts it.
    let i = 0;
    while (i < this.rows.length && this.rows[i]!.at > checkin.at) i++;
    if (i < ROW_LIMIT) {
      this.rows.splice(i, 0, { ...checkin, newUntil });
      this.rows.length = Math.min(this.rows.length, ROW_LIMIT);
    }
    return true;
  }

  /** Starts a new day when `now` is past today; returns whether it did. */
  rollOver(now: number): boolean {
    const day = startOfDay(now);
    if (day === this.#day) return false;
    this.#day = day;
    this.hours = new Array<number>(24).fill(0);
    this.#forget(now);
    return true;
  }

  /** Drops the uuids of check-ins no replay can bring back, or the oldest when there are too many. */
  #forget(now = Date.now()): void {
    for (const [uuid, at] of this.#seen) if (at < now - SEEN_FOR_MS) this.#seen.delete(uuid);
    while (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.keys().next().value!);
  }
}
