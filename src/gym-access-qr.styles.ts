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
    --_accent: var(--gym-access-qr-accent, #16a34a);
    --_warning: var(--gym-access-qr-warning, #d97706);
    --_track: var(--gym-access-qr-track, color-mix(in srgb, currentColor 15%, transparent));
    --_radius: var(--gym-access-qr-radius, 1rem);
    --_ring-width: var(--gym-access-qr-ring-width, 3);
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

  .ring {
    position: absolute;
    inset: 0;
    inline-size: 100%;
    block-size: 100%;
    overflow: visible;
  }

  .ring rect {
    fill: none;
    stroke-width: var(--_ring-width);
  }

  .track {
    stroke: var(--_track);
  }

  .progress {
    stroke: var(--_accent);
    stroke-linecap: round;
    stroke-dasharray: 100 100;
    /* The ring runs on the compositor; the element re-renders only once a second. */
    animation: gym-access-qr-countdown var(--_ring-duration, 0s) linear var(--_ring-delay, 0s) both;
  }

  .ending .progress {
    stroke: var(--_warning);
  }

  @keyframes gym-access-qr-countdown {
    from {
      stroke-dashoffset: 0;
    }
    to {
      stroke-dashoffset: 100;
    }
  }

  .qr {
    /* Inset so the ring never touches the quiet zone. */
    inline-size: 88%;
    block-size: 88%;
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

  .countdown {
    font-variant-numeric: tabular-nums;
    font-size: 1.25em;
    font-weight: 600;
    letter-spacing: 0.02em;
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
    /* The ring then steps once a second through its stroke-dashoffset attribute. */
    .progress,
    .spinner {
      animation: none;
    }
  }

`;
