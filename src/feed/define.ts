import { GymCheckinFeed } from './gym-checkin-feed.js';

export * from './index.js';

// Loading the bundle twice must be harmless.
if (!customElements.get('gym-checkin-feed')) customElements.define('gym-checkin-feed', GymCheckinFeed);

declare global {
  interface HTMLElementTagNameMap {
    'gym-checkin-feed': GymCheckinFeed;
  }
}
