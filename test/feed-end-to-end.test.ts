import { expect } from '@open-wc/testing';
import type { GymCheckinFeed } from '../src/feed/index.js';
import { record } from './helpers.js';
import { mountFeed, seen } from './feed-helpers.js';
import { scan, uniqueCustomer, until, webhooksDelivered } from './backend.js';

/**
 * Checks the customer in at the gate with their current code from the demo's relay (the demo has no sign-in).
 * Another browser running this test at the same time may have used the same code first: then the next one.
 */
async function checkIn(customerId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const response = await fetch(`/v1/customers/${customerId}/access-code`);
    const { content } = (await response.json()) as { content: string };
    const { status } = await scan(content);
    await webhooksDelivered();
    if (status === 200) return;
  }
  throw new Error(`could not check ${customerId} in`);
}

const hhmm = (iso: string) =>
  new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.parse(iso));

/**
 * The front desk on the demo's backend: the gate (the mock Open API) grants a
 * scan, posts the check-in webhook to the relay, and the feed shows it with the
 * member's name from the mock's GET /v1/customers/{id}.
 */
describe('end to end: the front desk on the demo backend', () => {
  let el: GymCheckinFeed | undefined;
  afterEach(() => {
    el?.remove();
    el = undefined;
  });

  it('a scan at the gate appears on the front-desk page, with the member’s name', async () => {
    el = await mountFeed({ 'events-endpoint': '/v1/checkins' });
    await until(() => el!.state === 'live', 5_000, 'the feed to be live');
    const events = record(el, 'gym-checkin-feed-checkin');
    // Emil Wagner, one of the mock's customers with a name.
    await checkIn('4567890');
    await until(() => events.some((event) => event.detail.customerId === '4567890'), 5_000, 'the check-in');
    await el.updateComplete;
    const { at, name } = events.find((event) => event.detail.customerId === '4567890')!.detail;
    expect(name).to.equal('Emil W.');
    expect(seen(el).rows).to.include(`${hhmm(at)} Emil W.`);
    expect(seen(el).fresh).to.include(`${hhmm(at)} Emil W.`);
  });

  it('a member the studio has no name for shows as the customer id; a page opened later gets it in its replay', async () => {
    const id = uniqueCustomer();
    await checkIn(id);
    el = await mountFeed({ 'events-endpoint': '/v1/checkins' });
    await until(() => seen(el!).rows.some((row) => row.endsWith(`Customer ${id}`)), 5_000, 'the replayed check-in');
    expect(el.state).to.equal('live');
  });
});
