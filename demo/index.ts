import type { GymAccessQr } from '../src/index.js';

const member = document.querySelector<GymAccessQr>('#member')!;
const form = document.querySelector<HTMLFormElement>('#settings')!;
const log = document.querySelector<HTMLOListElement>('#log')!;
const state = document.querySelector<HTMLOutputElement>('#state')!;

async function applySettings() {
  const data = new FormData(form);
  const customerId = String(data.get('customerId'));
  await fetch(`/mock/settings?customerId=${encodeURIComponent(customerId)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      lifetimeSeconds: Number(data.get('lifetimeSeconds')),
      fault: data.get('fault'),
      singleUse: data.get('singleUse') === 'on',
    }),
  });
  member.afterCheckin = data.get('afterCheckin') as 'prompt' | 'refresh';
  member.errorCorrection = data.get('errorCorrection') as 'L' | 'M' | 'Q' | 'H';
  member.enlarge = data.get('enlarge') === 'on' ? 'on' : 'off';
  member.keepAwake = data.get('keepAwake') === 'on';
  member.customerId = customerId;
}

form.addEventListener('change', () => void applySettings());
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
void applySettings();
