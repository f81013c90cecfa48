import type { GymCheckinFeed } from '../src/feed/index.js';

const feed = document.querySelector<GymCheckinFeed>('#feed')!;
const log = document.querySelector<HTMLOListElement>('#log')!;
const state = document.querySelector<HTMLOutputElement>('#state')!;

feed.addEventListener('gym-checkin-feed-checkin', (event) => {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()}  checkin  ${JSON.stringify(event.detail)}`;
  log.prepend(item);
  while (log.children.length > 50) log.lastElementChild!.remove();
});

new MutationObserver(() => (state.value = feed.getAttribute('state') ?? '')).observe(feed, {
  attributes: true,
  attributeFilter: ['state'],
});
state.value = feed.getAttribute('state') ?? '';
