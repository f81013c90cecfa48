// First: the tags already in the page send their first request before the rest of the bundle is evaluated.
import './early-requests.js';
import { GymAccessQr } from './gym-access-qr.js';

export * from './index.js';

// Loading the bundle twice (two script tags, a CMS snippet pasted twice) must be harmless.
if (!customElements.get('gym-access-qr')) customElements.define('gym-access-qr', GymAccessQr);

declare global {
  interface HTMLElementTagNameMap {
    'gym-access-qr': GymAccessQr;
  }
}
