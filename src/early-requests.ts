// The drop-in bundle's first module: evaluated before Lit and the element, it
// sends the first access-code request of each tag already in the page (see
// startEarlyRequests). Loading the bundle twice sends nothing more.
import { startEarlyRequests } from './internal/access-code-fetch.js';

if (!customElements.get('gym-access-qr')) startEarlyRequests('gym-access-qr');
