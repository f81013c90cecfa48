import { expect } from '@open-wc/testing';
import type { GymAccessQr } from '../src/index.js';
import {
  codeResponse,
  freshCode,
  iso,
  mount,
  qrPathOf,
  record,
  fakeClockAndFetch,
  CUSTOMER,
  ENDPOINT,
  CODE_A,
  CODE_B,
} from './helpers.js';
import { qrImage } from '../src/internal/qr.js';

// <gym-access-qr> under a faked clock: rotation to the next code, and the clocks it is timed by.

describe('<gym-access-qr> with a faked clock', () => {
  const { clock, net, settle, show } = fakeClockAndFetch();
  let el: GymAccessQr | undefined;

  describe('rotation', () => {
    it('asks for the next code refresh-lead before expiry and swaps it in when it arrives', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT, 'refresh-lead': '5' });
      await settle();
      const t0 = net.last.at;
      await show(CODE_A);
      // The lifetime is 29 s (Date header resolution), so the next request goes at 24 s.
      await clock.tickAsync(23_999);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(net.calls).to.have.length(2);
      expect(net.last.at - t0).to.equal(24_000);

      // The old code stays while its successor is on the way…
      await clock.tickAsync(2_000);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'M').path);
      expect(el.state).to.equal('active');
      // …and is replaced in the same render that brings the new one.
      const paths: (string | null)[] = [];
      const observer = new MutationObserver(() => paths.push(qrPathOf(el!)));
      observer.observe(el.shadowRoot!, { subtree: true, childList: true, attributes: true });
      await show(CODE_B);
      observer.disconnect();
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
      expect(paths).to.not.include(null);
    });

    it('clamps the lead to half of a short lifetime', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT, 'refresh-lead': '5' });
      await settle();
      await net.last.respond(freshCode(CODE_A, 7_000)); // 6 s after the resolution allowance
      await clock.tickAsync(2_999);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(net.calls).to.have.length(2);
    });

    it('sends exactly one request per code lifetime over 20 lifetimes', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      const refreshes = record(el, 'gym-access-qr-refresh');
      for (let i = 0; i < 20; i++) {
        await net.last.respond(freshCode(String(10_000_000 + i)));
        await clock.tickAsync(24_000);
      }
      // 20 codes shown; the 21st request is the one in flight for the next.
      expect(refreshes).to.have.length(20);
      expect(net.calls).to.have.length(21);
      expect(el.state).to.equal('active');
    });

    it('assumes fallback-refresh as the lifetime when expiresAt is absent', async () => {
      el = await mount({
        'customer-id': CUSTOMER,
        'token-endpoint': ENDPOINT,
        'fallback-refresh': '20',
        'refresh-lead': '5',
      });
      const refreshes = record(el, 'gym-access-qr-refresh');
      const expired = record(el, 'gym-access-qr-expired');
      await settle();
      await net.last.respond(codeResponse({ format: 'QR_CODE', content: CODE_A }));
      expect(refreshes[0]!.detail.expiresAt).to.equal(null);
      await clock.tickAsync(14_999);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(net.calls).to.have.length(2);
      // No answer: the assumed lifetime ends at 20 s and the code goes.
      await clock.tickAsync(5_000);
      expect(qrPathOf(el)).to.equal(null);
      expect(expired.map((e) => e.detail)).to.deep.equal([{ expiresAt: null }]);
    });
  });

  describe('clocks', () => {
    it('gives the full lifetime when the Date header is an hour ahead of the device', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      const serverNow = Date.now() + 3_600_000;
      await net.last.respond(freshCode(CODE_A, 30_000, serverNow));
      expect(el.state).to.equal('active');
      await clock.tickAsync(28_999);
      expect(qrPathOf(el)).to.not.equal(null);
      await clock.tickAsync(1);
      expect(qrPathOf(el)).to.equal(null);
      expect(el.state).to.equal('expired');
    });

    it('falls back to the device clock without a Date header', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await net.last.respond(
        codeResponse({ format: 'QR_CODE', content: CODE_A, expiresAt: iso(Date.now() + 30_000) }, { date: null }),
      );
      await clock.tickAsync(29_999);
      expect(qrPathOf(el)).to.not.equal(null);
      await clock.tickAsync(1);
      expect(qrPathOf(el)).to.equal(null);
    });

    it('counts the lifetime from the moment the request was sent', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      const sentAt = Date.now();
      // The response takes 3 s; its Date header says when the server answered.
      await clock.tickAsync(3_000);
      await net.last.respond(freshCode(CODE_A, 30_000, sentAt + 3_000));
      await clock.tickAsync(25_999); // 3 s + 26 s = the 29 s the code has after the allowance
      expect(qrPathOf(el)).to.not.equal(null);
      await clock.tickAsync(1_000);
      expect(qrPathOf(el)).to.equal(null);
    });

    it('ignores a jumping device clock once the code is shown', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      // The wall clock jumps a day ahead; the monotonic clock does not.
      clock.setSystemTime(Date.now() + 86_400_000);
      await clock.tickAsync(1_000);
      expect(qrPathOf(el)).to.not.equal(null);
      expect(el.state).to.equal('active');
    });

    it('rejects an expiresAt that is not in the future as invalid-response', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      await net.last.respond(freshCode(CODE_A, 0));
      expect(qrPathOf(el)).to.equal(null);
      expect(errors.map((e) => e.detail.kind)).to.deep.equal(['invalid-response']);
    });
  });
});
