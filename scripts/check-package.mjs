// The npm package must import in Node (SSR, build tools, tests) without a
// browser: no `window`, no tag registration as a side effect.
const entry = await import('../lib/index.js');
if (typeof entry.GymAccessQr !== 'function') throw new Error('lib/index.js does not export GymAccessQr');
if (typeof globalThis.window !== 'undefined') throw new Error('importing the package created window');
if (globalThis.customElements?.get?.('gym-access-qr')) throw new Error('importing the package registered the tag');
console.log('lib/index.js imports in Node without touching window');
