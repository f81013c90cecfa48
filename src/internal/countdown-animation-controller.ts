import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  COUNTDOWN_KEYFRAMES,
  countdownSteps,
  ENDING_MS,
  secondsLeft,
  STEP_TIMING,
  type CountdownCode,
} from './countdown.js';

/** What the controller reads from its element. */
export interface CountdownAnimationHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** The parts that hold something moving. */
const PARTS = '.ring, .countdown, .clock';

/**
 * Keeps what counts down in step with the time left, outside a render: the
 * code's accessible name and the ring's warning colour (see {@link showTime}),
 * and the animations of the ring, the sheen and the strips of the countdown
 * and the clock.
 *
 * Everything that moves while a code counts down is a transform, stepped on
 * the compositor once a second, all on the code's grid: the text of the `m:ss`
 * and the clock never changes, so the page lays out and paints nothing. A new
 * code retimes the same animations in place (docs/performance.md#retiming).
 * Web Animations need no style attribute (strict CSP).
 */
export class CountdownAnimationController implements ReactiveController {
  readonly #host: CountdownAnimationHost;
  readonly #code: () => CountdownCode | null;
  readonly #label: (seconds: number) => string;
  #ring: Element | null = null;
  #ringCode: CountdownCode | null = null;
  /** The ring's edges, the sheen and the five strips, in that order. */
  #steps: Animation[] = [];
  /** For each of those: the part it moves in (ring, countdown or clock), and the duration it is timed for. */
  #stepParts: Element[] = [];
  #stepDurations: number[] = [];
  /** Which of the ring, the countdown and the clock have a box on screen (docs/performance.md#off-screen). */
  readonly #inSight = new Set<Element>();
  #sight: IntersectionObserver | null = null;

  /**
   * @param code - The code on screen, or `null`.
   * @param label - The code's accessible name with `seconds` left.
   */
  constructor(host: CountdownAnimationHost, code: () => CountdownCode | null, label: (seconds: number) => string) {
    this.#host = host;
    this.#code = code;
    this.#label = label;
    host.addController(this);
  }

  hostConnected(): void {
    // Put back: the ring gets its animations again at once (see hostDisconnected).
    this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    // The animations run on the document's timeline and would keep the removed element alive.
    for (const animation of this.#steps) animation.cancel();
    this.#steps = [];
    this.#stepParts = [];
    this.#ring = null;
    this.#sight?.disconnect();
    this.#inSight.clear();
  }

  /**
   * What changes as time passes, outside a render: the code's accessible name, with its whole seconds left, and
   * the ring's warning colour for the last ones. Called after every render and once a second by the access code's
   * ticks. Neither is a binding in the template, so Lit never holds a value these have since changed.
   */
  showTime(): void {
    const code = this.#code();
    const frame = this.#host.renderRoot.querySelector('[role="img"]');
    if (!code || !frame) return;
    const now = performance.now();
    frame.setAttribute('aria-label', this.#label(Math.max(0, secondsLeft(code, now))));
    // Only on a change: toggle() writes the class attribute even if unchanged (docs/performance.md#class-writes).
    const ending = code.deadline - now <= ENDING_MS;
    if (frame.classList.contains('ending') !== ending) frame.classList.toggle('ending');
  }

  hostUpdated(): void {
    this.showTime();
    const root = this.#host.renderRoot;
    const ring = root.querySelector('.ring');
    const code = this.#code();
    if (ring && code && (ring !== this.#ring || code !== this.#ringCode)) {
      const now = performance.now();
      const steps = countdownSteps(code, now);
      if (ring !== this.#ring) this.#animate(root, ring);
      this.#steps.forEach((animation, i) => {
        const { count, period, start } = steps[i]!;
        // The same from code to code, but for the ring of a code that lives longer or shorter.
        if (this.#stepDurations[i] !== count * period) {
          animation.effect!.updateTiming({ duration: count * period, easing: `steps(${count})` });
          this.#stepDurations[i] = count * period;
        }
        // The document's timeline counts from the page's time origin, as performance.now() does: one write places
        // a running animation on the grid (docs/performance.md#retiming).
        if (this.#inSight.has(this.#stepParts[i]!)) animation.startTime = start;
        else {
          animation.pause();
          animation.currentTime = now - start;
        }
      });
    }
    this.#ring = ring;
    this.#ringCode = code;
  }

  /** A new ring (the first, or one moved into or out of the enlarged view): new animations, watched anew. */
  #animate(root: HTMLElement | DocumentFragment, ring: Element): void {
    for (const animation of this.#steps) animation.cancel();
    const moving = [...ring.querySelectorAll('.edge, .sheen'), ...root.querySelectorAll('.strip')];
    this.#steps = moving.map((element, i) => element.animate(COUNTDOWN_KEYFRAMES[i]!, STEP_TIMING));
    this.#stepParts = moving.map((element) => element.closest(PARTS)!);
    this.#stepDurations = [];
    this.#sight ??= new IntersectionObserver((entries) => {
      for (const { target, isIntersecting } of entries) this.#inSight[isIntersecting ? 'add' : 'delete'](target);
      this.#ringCode = null;
      this.#host.requestUpdate();
    });
    this.#sight.disconnect();
    this.#inSight.clear();
    for (const part of root.querySelectorAll(PARTS)) this.#sight.observe(part);
  }
}
