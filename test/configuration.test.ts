import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import type { GymAccessQr } from '../src/index.js';
import {
  codeResponse,
  mount,
  qrPathOf,
  record,
  visibleText,
  fakeClockAndFetch,
  CUSTOMER,
  ENDPOINT,
  CODE_A,
  CODE_B,
} from './helpers.js';
import { qrImage } from '../src/internal/qr.js';

// <gym-access-qr> under a faked clock: configuration errors, and the code's content kept secret.

describe('<gym-access-qr> with a faked clock', () => {
  const { clock, net, settle, show } = fakeClockAndFetch();
  let el: GymAccessQr | undefined;

  describe('configuration errors', () => {
    for (const id of ['12a', '../x', '12345678901234567890', '9223372036854775808', '-1']) {
      it(`refuses customer-id ${JSON.stringify(id)} without a request`, async () => {
        el = await mount({ 'customer-id': id, 'token-endpoint': ENDPOINT });
        const errors = record(el, 'gym-access-qr-error');
        await settle();
        expect(el.state).to.equal('error');
        expect(net.calls).to.have.length(0);
        // The event fired while connecting; a refresh() re-reports it.
        await el.refresh();
        await settle();
        expect(errors.map((e) => [e.detail.kind, e.detail.retryInMs])).to.deep.equal([['config', null]]);
        expect(visibleText(el)).to.equal('The check-in code is not set up correctly on this page.');
        expect(net.calls).to.have.length(0);
      });
    }

    it('reports config at connection time', async () => {
      const errors: CustomEvent[] = [];
      document.body.addEventListener('gym-access-qr-error', (e) => errors.push(e), { once: true });
      el = await mount({ 'customer-id': '12a', 'token-endpoint': ENDPOINT });
      await settle();
      expect(errors.map((e) => e.detail.kind)).to.deep.equal(['config']);
    });

    for (const endpoint of ['javascript:alert(1)', 'data:application/json,{}', 'ftp://example.com/code']) {
      it(`refuses token-endpoint ${endpoint}`, async () => {
        const errors: CustomEvent[] = [];
        document.body.addEventListener('gym-access-qr-error', (e) => errors.push(e), { once: true });
        el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': endpoint });
        await settle();
        expect(el.state).to.equal('error');
        expect(errors.map((e) => e.detail.kind)).to.deep.equal(['config']);
        expect(net.calls).to.have.length(0);
      });
    }

    it('stays idle, quietly, until both customer-id and token-endpoint are set', async () => {
      el = await mount({});
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      expect(el.state).to.equal('idle');
      el.customerId = CUSTOMER;
      await settle();
      expect(el.state).to.equal('idle');
      el.tokenEndpoint = ENDPOINT;
      await settle();
      expect(el.state).to.equal('loading');
      expect(net.calls).to.have.length(1);
      expect(errors).to.have.length(0);
    });

    it('recovers when a bad customer-id is corrected', async () => {
      el = await mount({ 'customer-id': 'abc', 'token-endpoint': ENDPOINT });
      await settle();
      el.customerId = CUSTOMER;
      await settle();
      expect(net.calls).to.have.length(1);
      await show(CODE_A);
      expect(el.state).to.equal('active');
    });

    it('falls back to the defaults for unknown credentials and error-correction values', async () => {
      el = await mount({
        'customer-id': CUSTOMER,
        'token-endpoint': ENDPOINT,
        credentials: 'everything',
        'error-correction': 'X',
      });
      await settle();
      expect(net.last.init.credentials).to.equal('same-origin');
      await show(CODE_A);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_A, 'M').path);
    });

    it('ignores a state written from outside', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      el.setAttribute('state', 'active');
      await el.updateComplete;
      expect(el.state).to.equal('loading');
      expect(el.getAttribute('state')).to.equal('loading');
    });
  });

  describe('the content is a secret', () => {
    it('appears nowhere but in the QR path: not in text, attributes or events', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const details: unknown[] = [];
      for (const type of ['gym-access-qr-refresh', 'gym-access-qr-expired', 'gym-access-qr-error'] as const) {
        el.addEventListener(type, (e) => details.push(e.detail));
      }
      const logged = sinon.spy(console, 'log');
      const warned = sinon.spy(console, 'warn');
      await settle();
      await show(CODE_A);
      await clock.tickAsync(24_000);
      await net.last.respond(codeResponse({ format: 'QR_CODE', content: CODE_B, expiresAt: 'never' }));
      await clock.tickAsync(10_000);

      const attributes = [el, ...el.shadowRoot!.querySelectorAll('*')].flatMap((node) =>
        [...node.attributes].map((a) => a.value),
      );
      for (const secret of [CODE_A, CODE_B]) {
        expect(el.shadowRoot!.textContent).to.not.include(secret);
        expect(attributes.join('\n')).to.not.include(secret);
        expect(JSON.stringify(details)).to.not.include(secret);
        expect(JSON.stringify([logged.args, warned.args])).to.not.include(secret);
      }
      expect(details.length).to.be.greaterThan(2);
    });
  });
});
