import { secondsLeft, type CountdownCode } from './countdown.js';
import { backoffDelay } from './schedule.js';

/** The timers that end a situation: the shown code's death, and the next request. */
export type TimerName = 'expiry' | 'fetch';

/**
 * The access code's timers on the monotonic clock. A timer that ends a
 * situation calls `onDue`, which clears them all and sets what the new
 * situation needs; the once-a-second tick is no change of situation and only
 * sets the next tick.
 */
export class CodeTimers {
  readonly #timers = new Map<TimerName | 'tick', ReturnType<typeof setTimeout>>();
  readonly #onDue: () => void;
  readonly #onTick: () => void;
  /** The whole seconds left that the host last showed, as far as ticks know. */
  #shownSeconds = -1;

  /**
   * @param onDue - Called when a timer set with {@link set} fires.
   * @param onTick - Called when the shown whole seconds change.
   */
  constructor(onDue: () => void, onTick: () => void) {
    this.#onDue = onDue;
    this.#onTick = onTick;
  }

  /** Calls `onDue` in `delay` ms, rounded up, so a timer never fires before the moment it stands for. */
  set(name: TimerName, delay: number): void {
    this.#timers.set(
      name,
      setTimeout(
        () => {
          this.#timers.delete(name);
          this.#onDue();
        },
        Math.max(1, Math.ceil(delay)),
      ),
    );
  }

  /** The render that shows a new code shows its seconds too: no tick is owed for them. */
  shown(code: CountdownCode, now: number): void {
    this.#shownSeconds = secondsLeft(code, now);
  }

  /**
   * Calls onTick when the shown whole seconds change, no more often, and sets the next tick. A tick is no change of
   * situation: it sets the next tick and nothing else, sparing plan()'s six timer calls every second. plan() clears
   * the timers and calls this too, so a second that ends just as plan() runs (a refresh is due on one) is still shown.
   */
  tick(code: CountdownCode, now: number): void {
    const seconds = secondsLeft(code, now);
    if (seconds !== this.#shownSeconds) {
      this.#shownSeconds = seconds;
      this.#onTick();
    }
    const toNextSecond = (code.deadline - now) % 1000 || 1000;
    this.#timers.set(
      'tick',
      setTimeout(() => this.tick(code, performance.now()), Math.max(1, Math.ceil(toNextSecond))),
    );
  }

  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}

/** The retry after a failure: when it may go out, backing off further with each failure in a row. */
export class RetryBackoff {
  /** When the pending retry may go out (`performance.now()`), or `null`. */
  at: number | null = null;
  #failures = 0;
  readonly #random: () => number;

  constructor(random: () => number) {
    this.#random = random;
  }

  /** Sets the retry after one more failure, after `retryAfterMs` when the server named a wait; returns the delay. */
  schedule(retryAfterMs: number | null): number {
    const delay = retryAfterMs ?? backoffDelay(this.#failures, this.#random);
    this.#failures++;
    this.at = performance.now() + delay;
    return delay;
  }

  /** A success or a fresh start: no retry pending, and the next failure waits the shortest. */
  clear(): void {
    this.#failures = 0;
    this.at = null;
  }
}
