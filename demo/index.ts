import type { GymAccessQr } from '../src/index.js';

const member = document.querySelector<GymAccessQr>('#member')!;
const form = document.querySelector<HTMLFormElement>('#settings')!;
const log = document.querySelector<HTMLOListElement>('#log')!;
const state = document.querySelector<HTMLOutputElement>('#state')!;
const studio = document.querySelector<HTMLSelectElement>('#studio')!;
const gateLink = document.querySelector<HTMLAnchorElement>('#gate-link')!;

/** The element's routes on the relay for the chosen studio; the gate scans for that studio too. */
function applyStudio() {
  const id = encodeURIComponent(studio.value);
  member.tokenEndpoint = `/v1/studios/${id}/customers/{customerId}/access-code`;
  member.eventsEndpoint = `/v1/studios/${id}/customers/{customerId}/events`;
  gateLink.href = `./gate.html?studio=${id}`;
  void applySettings();
}

async function applySettings() {
  const data = new FormData(form);
  const customerId = String(data.get('customerId'));
  await fetch(
    `/mock/settings?studio=${encodeURIComponent(studio.value)}&customerId=${encodeURIComponent(customerId)}`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        lifetimeSeconds: Number(data.get('lifetimeSeconds')),
        fault: data.get('fault'),
        singleUse: data.get('singleUse') === 'on',
      }),
    },
  );
  member.afterCheckin = data.get('afterCheckin') as 'prompt' | 'refresh';
  member.errorCorrection = data.get('errorCorrection') as 'L' | 'M' | 'Q' | 'H';
  member.enlarge = data.get('enlarge') === 'on' ? 'on' : 'off';
  member.keepAwake = data.get('keepAwake') === 'on';
  member.customerId = customerId;
}

form.addEventListener('change', () => void applySettings());
studio.addEventListener('change', applyStudio);
document.querySelector('#refresh')!.addEventListener('click', () => void member.refresh());
document.querySelector('#invalidate')!.addEventListener('click', () => member.invalidate());

for (const type of [
  'gym-access-qr-refresh',
  'gym-access-qr-expired',
  'gym-access-qr-invalidated',
  'gym-access-qr-error',
  'gym-access-qr-enlarge',
  'gym-access-qr-shrink',
] as const) {
  member.addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.textContent = `${new Date().toLocaleTimeString()}  ${type.replace('gym-access-qr-', '')}  ${JSON.stringify(event.detail)}`;
    log.prepend(item);
    while (log.children.length > 50) log.lastElementChild!.remove();
  });
}

new MutationObserver(() => (state.value = member.getAttribute('state') ?? '')).observe(member, {
  attributes: true,
  attributeFilter: ['state'],
});
// The browser may have kept the picker's choice over a reload.
applyStudio();
