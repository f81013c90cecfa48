import { css } from 'lit';

/*
 * Public tokens (--gym-access-qr-*) are read once, on :host, into private
 * --_* properties; everything below uses only the private ones.
 */
export const styles = css`
  :host {
    --_size: var(--gym-access-qr-size, min(18rem, 100%));
    --_dark: var(--gym-access-qr-dark, #000);
    --_light: var(--gym-access-qr-light, #fff);
    /* White text on it: 5:1. */
    --_accent: var(--gym-access-qr-accent, #15803d);
    --_warning: var(--gym-access-qr-warning, #d97706);
    --_track: var(--gym-access-qr-track, color-mix(in srgb, currentColor 15%, transparent));
    --_radius: var(--gym-access-qr-radius, 1rem);
    --_ring-width: var(--gym-access-qr-ring-width, 0.5rem);
    --_font: var(--gym-access-qr-font, inherit);

    display: inline-block;
    inline-size: var(--_size);
    font: var(--_font);
    color: inherit;
    vertical-align: top;
  }

  :host([hidden]) {
    display: none;
  }

  .base {
    position: relative;
    display: grid;
    gap: 0.5rem;
    justify-items: center;
  }

  .frame {
    position: relative;
    inline-size: 100%;
    aspect-ratio: 1;
    display: grid;
    place-items: center;
  }

  /*
   * The ring is four edges that shrink one after the other, clockwise from
   * the top left, animated by the element (Web Animations, a step each second
   * of the countdown). Transform only, in steps, which the compositor runs
   * without the main thread (docs/performance.md#transform-steps).
   */
  .ring {
    position: absolute;
    inset: 0;
    border-radius: var(--_radius);
    box-shadow: inset 0 0 0 var(--_ring-width) var(--_track);
    overflow: hidden;
  }

  .edge {
    position: absolute;
    background: var(--_accent);
  }

  .top,
  .bottom {
    inset-inline: 0;
    block-size: var(--_ring-width);
  }

  .left,
  .right {
    inset-block: 0;
    inline-size: var(--_ring-width);
  }

  .top {
    top: 0;
    transform-origin: right;
  }

  .right {
    right: 0;
    transform-origin: bottom;
  }

  .bottom {
    bottom: 0;
    transform-origin: left;
  }

  .left {
    left: 0;
    transform-origin: top;
  }

  /*
   * The liveness cue: a light band that keeps crossing the ring, so a
   * screenshot is told from the live code at a glance. Transform only (the
   * compositor runs it, a hop each second with the countdown:
   * docs/performance.md#sheen); the code itself is painted above it.
   */
  .sheen {
    position: absolute;
    inset: 0;
    background: linear-gradient(105deg, transparent 40%, rgb(255 255 255 / 0.6) 50%, transparent 60%);
    transform: translateX(-100%);
  }

  .ending .edge {
    background: var(--_warning);
  }

  .qr {
    /* Inset so the ring never touches the quiet zone. */
    inline-size: 88%;
    block-size: 88%;
    position: relative;
    border-radius: calc(var(--_radius) / 2);
    display: block;
    /* High-contrast modes must not invert the code: scanners read dark on light. */
    forced-color-adjust: none;
  }

  /* Opaque light modules in every theme: scanners need dark on light. */
  .qr .light {
    fill: var(--_light);
  }

  .qr .dark {
    fill: var(--_dark);
  }

  /*
   * Each field of these two is a strip of all its values in a one-line
   * window, stepped up by the element (transform only, on the compositor).
   * Their text never changes while a code counts down, so nothing is laid
   * out or painted (docs/performance.md#strips).
   */
  .countdown,
  .clock {
    font-variant-numeric: tabular-nums;
    letter-spacing: 0.02em;
    line-height: 1.25;
    /* Times read left to right on a right-to-left page too: the windows are neutral to the bidi algorithm, digits were not. */
    direction: ltr;
  }

  /* Its own line height, whatever a page sets on the part: one line of the strip fills the window exactly. */
  .window {
    display: inline-block;
    vertical-align: top;
    line-height: 1.25;
    block-size: 1.25em;
    overflow: hidden;
  }

  .strip {
    display: block;
    white-space: pre;
  }

  .countdown {
    font-size: 1.25em;
    font-weight: 600;
  }

  /* Over the code, the same size: the code is the button. */
  .enlarge {
    position: absolute;
    inset: 0 0 auto;
    aspect-ratio: 1;
    padding: 0;
    min-block-size: 0;
    border-radius: var(--_radius);
    background: none;
    cursor: zoom-in;
  }

  /* Said to screen readers, not shown. */
  .live {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  /* The full-screen view: a modal <dialog> over the whole viewport. */
  dialog {
    inset: 0;
    width: auto;
    height: auto;
    max-width: none;
    max-height: none;
    margin: 0;
    padding: 0;
    border: 0;
  }

  /* Opaque white whatever the page's theme (scanners want dark on light); the part that goes full screen. */
  .sheet {
    box-sizing: border-box;
    height: 100%;
    padding: 0.5rem;
    display: grid;
    place-items: center;
    container-type: size;
    background: #fff;
    color: #111;
  }

  /* As large as the short side allows, with room below (portrait) or beside (landscape) for the times. */
  .sheet .base {
    --_big: min(100cqi, 100cqb - 9rem);
    grid-template-columns: var(--_big);
    align-items: center;
  }

  .sheet .frame {
    inline-size: var(--_big);
  }

  .sheet .qr {
    inline-size: calc(100% - 4 * var(--_ring-width));
    block-size: calc(100% - 4 * var(--_ring-width));
  }

  .sheet .countdown {
    font-size: 2em;
  }

  @container (orientation: landscape) {
    .sheet .base {
      --_big: min(100cqb, 100cqi - 12rem);
      grid-template-columns: var(--_big) auto;
      column-gap: 1.5rem;
    }
    .sheet .frame {
      grid-row: span 3;
    }
  }

  .message {
    inline-size: 88%;
    block-size: 88%;
    box-sizing: border-box;
    display: grid;
    align-content: center;
    justify-items: center;
    gap: 0.75rem;
    padding: 1rem;
    text-align: center;
    border-radius: var(--_radius);
    border: 2px dashed var(--_track);
  }

  .message.checked-in {
    border-style: solid;
    border-color: var(--_accent);
  }

  .status-icon {
    inline-size: 2.5rem;
    block-size: 2.5rem;
  }

  .status-icon circle,
  .status-icon path {
    fill: none;
    stroke: var(--_accent);
    stroke-width: 2.5;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  .spinner {
    inline-size: 2rem;
    block-size: 2rem;
    border-radius: 50%;
    border: 3px solid var(--_track);
    border-block-start-color: var(--_accent);
    animation: gym-access-qr-spin 0.9s linear infinite;
  }

  @keyframes gym-access-qr-spin {
    to {
      transform: rotate(1turn);
    }
  }

  button {
    font: inherit;
    padding: 0.6em 1.2em;
    min-block-size: 2.75rem;
    border-radius: 999px;
    border: none;
    background: var(--_accent);
    color: #fff;
    cursor: pointer;
  }

  button:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }

  @media (prefers-reduced-motion: reduce) {
    /* The ring steps about once a second anyway; the spinner stands still. */
    .spinner {
      animation: none;
    }
    /* The clock still ticks: it is text, not motion. Hidden, not removed: see the element's inSight. */
    .sheen {
      visibility: hidden;
    }
  }
`;
