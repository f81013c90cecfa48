/**
 * The countdown ring, the `m:ss` and the `hh:mm:ss` clock, timed for the
 * compositor. Each of the five fields is a strip of every value it can show,
 * moved up one value per step: no text changes, so the page has no layout or
 * paint to do while a code counts down. All steps fall on one grid, the
 * code's whole seconds before its deadline, so they land in the same frame.
 * Times are `performance.now()` milliseconds.
 */

/** The ring's last seconds in the warning colour: only a late code shows it (docs/performance.md#warning-at-four). */
export const ENDING_MS = 4_000;

/** What the countdown needs to know about the shown code. */
export interface CountdownCode {
  /** When its request was sent: the start of its lifetime. */
  readonly sentAt: number;
  /** When it dies. */
  readonly deadline: number;
  /** The server's time (epoch ms) when it arrived, at `receivedAt`. */
  readonly issuedAt: number;
  readonly receivedAt: number;
}

/** A strip of `count` values, showing value `i` during `[start + i·period, start + (i+1)·period)` and cycling. */
export interface Steps {
  count: number;
  period: number;
  start: number;
}

const values = (count: number, down?: boolean): string =>
  Array.from({ length: count }, (_, i) => String(down ? count - 1 - i : i).padStart(2, '0')).join('\n');

/** The strips' values, one per line: the clock's minutes and seconds, its hours, the countdown's seconds. */
export const MINUTE_SECOND_STRIP = values(60);
export const HOUR_STRIP = values(24);
export const SECONDS_LEFT_STRIP = values(60, true);

/** The whole seconds a code has left at `now`, as the countdown, the ring and the code's label show them. */
export function secondsLeft({ deadline }: Pick<CountdownCode, 'deadline'>, now: number): number {
  return Math.ceil((deadline - now) / 1000);
}

/** Whole seconds shown at the code's start: the ring's steps. */
const stepsOf = (code: CountdownCode): number => secondsLeft(code, code.sentAt);

/** The countdown's minutes strip, from the most the code can show down to 0 (no padding: `0:29`, `12:05`). */
export function minutesLeft(code: CountdownCode): string {
  const most = Math.floor(stepsOf(code) / 60);
  return Array.from({ length: most + 1 }, (_, i) => most - i).join('\n');
}

/**
 * The ring: `count` steps of a second, the first at `start`, after which a
 * `1 / count` more of it is gone, so it shows what the `m:ss` shows.
 */
export function ringSteps(code: CountdownCode): Steps {
  const count = stepsOf(code);
  return { count, period: 1000, start: code.deadline - count * 1000 };
}

/**
 * The five strips in the order they are drawn: the countdown's minutes and
 * seconds, then the clock's hours, minutes and seconds. The countdown shows
 * the whole seconds left (`ceil`); the clock, the server's time at the start
 * of that second, in the device's time zone.
 */
export function stripSteps(code: CountdownCode, now: number): Steps[] {
  const { deadline } = code;
  // The countdown's seconds show 59 (and its minutes the next value down) from one second after a whole minute left.
  const countdown = deadline + 1000 - 60_000 * (Math.floor(stepsOf(code) / 60) + 1);
  // The start of the second of the countdown that `now` is in, and the server's time then.
  const second = deadline - secondsLeft(code, now) * 1000;
  const time = new Date(code.issuedAt + second - code.receivedAt);
  const seconds = time.getSeconds();
  const minutes = time.getMinutes() * 60 + seconds;
  const hours = time.getHours() * 3600 + minutes;
  return [
    { count: Math.floor(stepsOf(code) / 60) + 1, period: 60_000, start: countdown },
    { count: 60, period: 1000, start: countdown },
    { count: 24, period: 3_600_000, start: second - hours * 1000 },
    { count: 60, period: 60_000, start: second - minutes * 1000 },
    { count: 60, period: 1000, start: second - seconds * 1000 },
  ];
}

/** Every step runs forever and holds its value between steps; `easing` is `steps(count)`. */
export const STEP_TIMING = { fill: 'both', iterations: Infinity } as const;

/**
 * The ring's four edges, clockwise from the top: each shrinks in its quarter
 * of the code's life, which is the first half of its iteration (see
 * {@link countdownSteps}).
 */
export const EDGE_KEYFRAMES: Keyframe[][] = [0, 1, 2, 3].map((i) => {
  const gone = i % 2 ? 'scaleY(0)' : 'scaleX(0)';
  return [
    { transform: 'none' },
    { transform: 'none', offset: i / 8 },
    { transform: gone, offset: (i + 1) / 8 },
    { transform: gone },
  ];
});

/** The sheen crosses the ring a quarter of the way each second. */
export const SHEEN_KEYFRAMES: PropertyIndexedKeyframes = { transform: ['translateX(-37.5%)', 'translateX(62.5%)'] };

/** A strip moves up one value a step. */
export const STRIP_KEYFRAMES: PropertyIndexedKeyframes = { transform: ['none', 'translateY(-100%)'] };

/** The keyframes of everything that moves, in the order of {@link countdownSteps}. */
export const COUNTDOWN_KEYFRAMES: (Keyframe[] | PropertyIndexedKeyframes)[] = [
  ...EDGE_KEYFRAMES,
  SHEEN_KEYFRAMES,
  ...Array<PropertyIndexedKeyframes>(5).fill(STRIP_KEYFRAMES),
];

/** How many steps the sheen takes across the ring: one a second. */
const SHEEN_STEPS = 4;

/**
 * The timing of everything that moves: the ring's four edges, the sheen, then
 * the five strips of {@link stripSteps}.
 */
export function countdownSteps(code: CountdownCode, now: number): Steps[] {
  const ring = ringSteps(code);
  // Each edge's iteration is twice the code's life, the second half held empty: an animation that never ends
  // leaves Chromium no end to wake up for (docs/performance.md#never-ending).
  const edge = { ...ring, count: ring.count * 2 };
  return [edge, edge, edge, edge, { count: SHEEN_STEPS, period: 1000, start: ring.start }, ...stripSteps(code, now)];
}
