import { expect, oneEvent } from '@open-wc/testing';
import type { GymAccessQr } from '../src/index.js';
import { decodeShownQr, mount, record } from './helpers.js';
import { openStreams, post, uniqueCustomer, until } from './backend.js';

/**
 * The element on the package's relay (in front of the mock Open API): codes
 * come through the relay, and a check-in webhook POSTed to the relay's
 * webhook route, as Magicline posts it, reaches the member's screen.
 */
describe('end to end: the element on the relay', () => {
  let el: GymAccessQr | undefined;
  afterEach(() => {
    el?.remove();
    el = undefined;
  });

  it('shows the code the relay hands out, and a check-in webhook to the relay hides it', async () => {
    const id = uniqueCustomer();
    const shown = oneEvent(document.body, 'gym-access-qr-refresh');
    el = await mount({
      'customer-id': id,
      'token-endpoint': '/v1/customers/{customerId}/access-code',
      'events-endpoint': '/v1/customers/{customerId}/events',
    });
    await shown;
    expect(await decodeShownQr(el)).to.match(/^[1-9][0-9]{18}$/);
    await until(async () => (await openStreams(id)) > 0, 5_000, 'the event stream to open');

    const invalidated = record(el, 'gym-access-qr-invalidated');
    const webhook = `{"entityId":${id},"uuid":"${crypto.randomUUID()}","payload":[{"timestamp":${Date.now()},"type":"CUSTOMER_CHECKIN","content":{}}]}`;
    expect(await post('/webhooks/magicline', webhook, { 'X-API-KEY': 'demo-api-key' })).to.deep.equal({
      status: 200,
      body: { received: true },
    });

    await until(() => invalidated.length > 0, 5_000, 'gym-access-qr-invalidated');
    await el.updateComplete;
    expect(invalidated.map((event) => event.detail.reason)).to.deep.equal(['checkin']);
    expect(el.state).to.equal('invalidated');
    expect(el.shadowRoot!.querySelector('svg.qr') === null, 'the QR is gone').to.equal(true);
  });
});
