/**
 * `gym-access-qr/feed`: the front desk's check-in feed element, its types and
 * its event. Importing it registers nothing and touches no browser global;
 * `gym-access-qr/feed/define.js` (or `dist/gym-checkin-feed.js`) registers the tag.
 */
export { GymCheckinFeed } from './gym-checkin-feed.js';
export { FeedState } from './internal/feed-controller.js';
export type { GymCheckinFeedStrings } from './internal/strings.js';
export type { RequestHeadersSource } from '../internal/request.js';
export * from './events.js';
