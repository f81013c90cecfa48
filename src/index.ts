/**
 * The package entry: the element class, its types and its events. Importing
 * it registers nothing and touches no browser global; `gym-access-qr/define.js`
 * (or the `dist/` bundle) registers the tag.
 */
export { GymAccessQr } from './gym-access-qr.js';
export { AccessState } from './internal/access-state.js';
export type { GymAccessQrStrings } from './internal/i18n.js';
export type { ErrorCorrectionLevel } from './internal/qr.js';
export type { RequestHeadersSource } from './internal/request.js';
export * from './events.js';
