import { expect } from '@open-wc/testing';
import type { GymAccessQr } from '../src/index.js';
import {
  freshCode,
  mount,
  qrPathOf,
  record,
  resetVisibility,
  setVisibility,
  fakeClockAndFetch,
  CUSTOMER,
  ENDPOINT,
  CODE_A,
  CODE_B,
} from './helpers.js';
import { qrImage } from '../src/internal/qr.js';

// <gym-access-qr> under a faked clock: page visibility, changed attributes and clean-up on removal.

describe('<gym-access-qr> with a faked clock', () => {
  const { clock, net, settle, show } = fakeClockAndFetch();
  let el: GymAccessQr | undefined;

  describe('page visibility', () => {
    it('sends nothing while hidden, and on return hides a code that ran out and fetches one', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      setVisibility('hidden');
      await clock.tickAsync(120_000);
      expect(net.calls).to.have.length(1);

      const expired = record(el, 'gym-access-qr-expired');
      setVisibility('visible');
      // Synchronously: the dead code is gone before the next frame.
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(null);
      expect(expired).to.have.length(1);
      await settle();
      expect(net.calls).to.have.length(2);
      await show(CODE_B);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
    });

    it('sends no first request while hidden', async () => {
      setVisibility('hidden');
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await clock.tickAsync(60_000);
      expect(net.calls).to.have.length(0);
      setVisibility('visible');
      await settle();
      expect(net.calls).to.have.length(1);
    });

    it('keeps a still-valid code on return and refreshes it when due', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      setVisibility('hidden');
      await clock.tickAsync(10_000);
      setVisibility('visible');
      await settle();
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'M').path);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(14_000);
      expect(net.calls).to.have.length(2);
    });

    it('re-checks on pageshow (back/forward cache)', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      setVisibility('hidden');
      await clock.tickAsync(40_000);
      resetVisibility();
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(null);
      await settle();
      expect(net.calls).to.have.length(2);
    });
  });

  describe('changes and clean-up', () => {
    it('drops a late response for the previous customer', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const refreshes = record(el, 'gym-access-qr-refresh');
      await settle();
      const first = net.last;
      el.customerId = '7654321';
      await settle();
      expect(first.aborted()).to.equal(true);
      expect(net.calls).to.have.length(2);
      expect(net.last.url).to.include('/7654321/');
      await first.respond(freshCode(CODE_A));
      expect(qrPathOf(el)).to.equal(null);
      await show(CODE_B);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
      expect(refreshes).to.have.length(1);
    });

    it('hides the shown code at once when the customer changes', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      el.setAttribute('customer-id', '7654321');
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(null);
      expect(el.state).to.equal('loading');
    });

    it('hides the shown code at once when the endpoint changes', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      el.tokenEndpoint = '/other/{customerId}';
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(null);
    });

    it('aborts, clears every timer and sends nothing once removed; resumes when put back', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      await clock.tickAsync(24_000);
      const inFlight = net.last;
      el.remove();
      await settle();
      expect(inFlight.aborted()).to.equal(true);
      expect(clock.countTimers()).to.equal(0);
      await clock.tickAsync(120_000);
      expect(net.calls).to.have.length(2);

      const expired = record(el, 'gym-access-qr-expired');
      document.body.append(el);
      await el.updateComplete;
      // The code ran out while detached: not shown again.
      expect(qrPathOf(el)).to.equal(null);
      expect(expired).to.have.length(1);
      await settle();
      expect(net.calls).to.have.length(3);
      await show(CODE_B);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
    });

    it('keeps a still-valid code when moved in the DOM', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      const box = document.createElement('div');
      document.body.append(box);
      box.append(el);
      await settle();
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'M').path);
      expect(net.calls).to.have.length(1);
      el.remove();
      box.remove();
    });

    it('re-encodes the shown code when error-correction changes, without a request', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      el.errorCorrection = 'H';
      await el.updateComplete;
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'H').path);
      expect(net.calls).to.have.length(1);
    });

    it('refresh() fetches at once and shares a request already in flight', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      const done = el.refresh();
      void el.refresh();
      await settle();
      expect(net.calls).to.have.length(2);
      await show(CODE_B);
      await done;
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
    });
  });
});
