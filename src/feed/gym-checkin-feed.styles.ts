import { css } from 'lit';

/*
 * Public tokens (--gym-checkin-feed-*) are read once, on :host, into private
 * --_* properties; everything below uses only the private ones.
 */
export const styles = css`
  :host {
    --_accent: var(--gym-checkin-feed-accent, #15803d);
    --_warning: var(--gym-checkin-feed-warning, #b45309);
    --_danger: var(--gym-checkin-feed-danger, #b91c1c);
    --_highlight: var(--gym-checkin-feed-highlight, color-mix(in srgb, #15803d 18%, transparent));
    --_track: var(--gym-checkin-feed-track, color-mix(in srgb, currentColor 15%, transparent));
    --_radius: var(--gym-checkin-feed-radius, 0.75rem);
    --_font: var(--gym-checkin-feed-font, inherit);

    display: block;
    font: var(--_font);
    color: inherit;
  }

  :host([hidden]) {
    display: none;
  }

  .base {
    display: grid;
    gap: 0.75rem;
    padding: 1rem;
    border: 1px solid var(--_track);
    border-radius: var(--_radius);
  }

  :host([state='error']) .base {
    border-color: var(--_danger);
  }

  p,
  h2,
  figure,
  ol {
    margin: 0;
  }

  .head {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1rem;
    align-items: baseline;
    justify-content: space-between;
  }

  .number {
    font-size: 3rem;
    font-weight: 700;
    line-height: 1;
    font-variant-numeric: tabular-nums;
  }

  .state {
    display: inline-flex;
    gap: 0.4rem;
    align-items: center;
  }

  .dot {
    inline-size: 0.6rem;
    block-size: 0.6rem;
    border-radius: 50%;
    background: var(--_track);
  }

  :host([state='live']) .dot {
    background: var(--_accent);
  }

  :host([state='reconnecting']) .dot,
  :host([state='connecting']) .dot {
    background: var(--_warning);
  }

  :host([state='error']) .dot {
    background: var(--_danger);
  }

  :host([state='idle']) .dot {
    display: none;
  }

  .bars {
    display: block;
    inline-size: 100%;
    block-size: 5rem;
    border-block-end: 1px solid var(--_track);
  }

  .bars rect {
    fill: var(--_accent);
  }

  .axis {
    display: flex;
    justify-content: space-between;
    font-size: 0.75rem;
    font-variant-numeric: tabular-nums;
  }

  .title {
    font-size: 1rem;
  }

  .list {
    padding: 0;
    list-style: none;
  }

  .row {
    display: flex;
    gap: 0.75rem;
    padding: 0.35rem 0.5rem;
    border-block-end: 1px solid var(--_track);
  }

  .row time {
    font-variant-numeric: tabular-nums;
  }

  /* A new row stands out for a moment; with motion allowed it fades back, under reduced motion it just ends. */
  .row.new {
    background: var(--_highlight);
    box-shadow: inset 0.25rem 0 0 var(--_accent);
  }

  @media (prefers-reduced-motion: no-preference) {
    .row {
      transition:
        background-color 1s ease-out,
        box-shadow 1s ease-out;
    }
  }

  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
`;
