import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import type { GymAccessQr } from '../src/index.js';
import {
  codeResponse,
  errorResponse,
  iso,
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

// <gym-access-qr> under a faked clock: failed requests: retries, backoff, Retry-After, errors.

describe('<gym-access-qr> with a faked clock', () => {
  const { clock, net, settle, show } = fakeClockAndFetch();
  let el: GymAccessQr | undefined;

  describe('failures', () => {
    it('hides the code exactly at expiry while requests fail, fires expired once, and recovers', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const expired = record(el, 'gym-access-qr-expired');
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      const expiresAt = iso(Date.now() + 30_000);
      await net.last.respond(codeResponse({ format: 'QR_CODE', content: CODE_A, expiresAt }));
      await clock.tickAsync(24_000);
      await net.last.fail(); // backoff 0.5 × 1 s
      expect(el.state).to.equal('active'); // the retry runs behind the valid code
      await clock.tickAsync(500);
      await net.last.respond(errorResponse(503)); // 0.5 × 2 s
      await clock.tickAsync(1_000);
      await net.last.fail(); // 0.5 × 4 s
      expect(qrPathOf(el)).to.not.equal(null);
      // 29 s after the first request: the code dies, with no successor.
      await clock.tickAsync(29_000 - 24_000 - 1_500 - 1);
      expect(qrPathOf(el)).to.not.equal(null);
      await clock.tickAsync(1);
      expect(qrPathOf(el)).to.equal(null);
      expect(el.state).to.equal('expired');
      expect(expired.map((e) => e.detail)).to.deep.equal([{ expiresAt }]);
      expect(errors.map((e) => [e.detail.kind, e.detail.retryInMs])).to.deep.equal([
        ['network', 500],
        ['http', 1_000],
        ['network', 2_000],
      ]);
      await clock.tickAsync(2_000);
      await show(CODE_B);
      expect(qrPathOf(el)).to.equal(qrImage(CODE_B, 'M').path);
      expect(el.state).to.equal('active');
      expect(expired).to.have.length(1);
    });

    const retried: [string, () => Response | Error, Record<string, unknown>][] = [
      ['network', () => new TypeError('Failed to fetch'), { kind: 'network' }],
      ['http 500', () => errorResponse(500), { kind: 'http', status: 500 }],
      ['http 503', () => errorResponse(503), { kind: 'http', status: 503 }],
      ['not JSON', () => new Response('<html>', { status: 200 }), { kind: 'invalid-response', status: 200 }],
      [
        'schema mismatch',
        () => codeResponse({ format: 'QR_CODE', content: 42 }),
        { kind: 'invalid-response', status: 200 },
      ],
      [
        'another format',
        () => codeResponse({ format: 'BARCODE', content: CODE_A }),
        { kind: 'invalid-response', status: 200 },
      ],
      [
        'expiresAt not a date',
        () => codeResponse({ format: 'QR_CODE', content: CODE_A, expiresAt: 'soon' }),
        { kind: 'invalid-response', status: 200 },
      ],
    ];
    for (const [name, answer, expected] of retried) {
      it(`retries ${name} with backoff from 1 s`, async () => {
        sinon.stub(Math, 'random').returns(0.75);
        el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
        const errors = record(el, 'gym-access-qr-error');
        await settle();
        const result = answer();
        if (result instanceof Error) await net.last.fail(result);
        else await net.last.respond(result);
        expect(errors).to.have.length(1);
        expect(errors[0]!.detail).to.deep.include({ ...expected, retryInMs: 750 });
        expect(errors[0]!.detail.message).to.be.a('string').and.not.include(CODE_A);
        expect(el.state).to.equal('loading');
        await clock.tickAsync(749);
        expect(net.calls).to.have.length(1);
        await clock.tickAsync(1);
        expect(net.calls).to.have.length(2);
      });
    }

    it('doubles the backoff window per failure up to 30 s', async () => {
      sinon.stub(Math, 'random').returns(0.999);
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      for (let i = 0; i < 8; i++) {
        await net.last.fail();
        await clock.tickAsync(errors.at(-1)!.detail.retryInMs!);
      }
      expect(errors.map((e) => e.detail.retryInMs)).to.deep.equal([999, 1998, 3996, 7992, 15984, 29970, 29970, 29970]);
    });

    it('gives up a request after 10 s as timeout, and retries', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      const first = net.last;
      await clock.tickAsync(9_999);
      expect(errors).to.have.length(0);
      await clock.tickAsync(1);
      await settle();
      expect(first.aborted()).to.equal(true);
      expect(errors.map((e) => e.detail)).to.deep.equal([
        { kind: 'timeout', retryInMs: 500, message: 'access code request took longer than 10 s' },
      ]);
      await clock.tickAsync(500);
      expect(net.calls).to.have.length(2);
    });

    it('times out a requestHeaders function that never settles, like a request', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      el = document.createElement('gym-access-qr');
      let calls = 0;
      el.requestHeaders = () =>
        ++calls === 1 ? new Promise<Record<string, string>>(() => {}) : { Authorization: 'Bearer t' };
      el.setAttribute('customer-id', CUSTOMER);
      el.setAttribute('token-endpoint', ENDPOINT);
      const errors = record(el, 'gym-access-qr-error');
      document.body.append(el);
      await clock.tickAsync(10_000);
      await settle();
      expect(errors.map((e) => [e.detail.kind, e.detail.retryInMs])).to.deep.equal([['timeout', 500]]);
      expect(net.calls).to.have.length(0);
      await clock.tickAsync(500);
      expect(net.calls).to.have.length(1);
      await show(CODE_A);
      expect(el.state).to.equal('active');
    });

    it('retries when the requestHeaders function throws (a token refresh on a bad network)', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      el = document.createElement('gym-access-qr');
      let calls = 0;
      el.requestHeaders = async () => {
        if (++calls === 1) throw new Error('token endpoint unreachable');
        return { Authorization: 'Bearer t' };
      };
      el.setAttribute('customer-id', CUSTOMER);
      el.setAttribute('token-endpoint', ENDPOINT);
      const errors = record(el, 'gym-access-qr-error');
      document.body.append(el);
      await settle();
      expect(errors.map((e) => e.detail)).to.deep.equal([
        { kind: 'network', retryInMs: 500, message: 'requestHeaders failed: token endpoint unreachable' },
      ]);
      await clock.tickAsync(500);
      expect(new Headers(net.last.init.headers).get('Authorization')).to.equal('Bearer t');
    });

    it('waits Retry-After seconds on 429', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      await net.last.respond(errorResponse(429, { 'Retry-After': '3' }));
      expect(errors.map((e) => e.detail)).to.deep.equal([
        { kind: 'rate-limited', status: 429, retryInMs: 3_000, message: 'access code request failed with HTTP 429' },
      ]);
      await clock.tickAsync(2_999);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(net.calls).to.have.length(2);
    });

    it('waits until a Retry-After date on 429', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      await net.last.respond(errorResponse(429, { 'Retry-After': new Date(Date.now() + 7_000).toUTCString() }));
      expect(errors[0]!.detail.retryInMs).to.equal(7_000);
      await clock.tickAsync(6_999);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(net.calls).to.have.length(2);
    });

    it('falls back to the backoff on 429 without Retry-After', async () => {
      sinon.stub(Math, 'random').returns(0.25);
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      const errors = record(el, 'gym-access-qr-error');
      await settle();
      await net.last.respond(errorResponse(429));
      expect(errors[0]!.detail).to.include({ kind: 'rate-limited', retryInMs: 250 });
    });

    const final: [number, string, string][] = [
      [401, 'unauthorized', 'Please sign in again to get your check-in code.'],
      [403, 'forbidden', 'This check-in code is not available for your account.'],
      [404, 'not-found', 'No check-in code was found for your account.'],
      [400, 'http', 'The check-in code could not be loaded.'],
    ];
    for (const [status, kind, text] of final) {
      it(`does not retry HTTP ${status} (${kind}) by itself; the button tries again`, async () => {
        el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
        const errors = record(el, 'gym-access-qr-error');
        await settle();
        await net.last.respond(errorResponse(status));
        expect(errors.map((e) => e.detail)).to.deep.equal([
          { kind, status, retryInMs: null, message: `access code request failed with HTTP ${status}` },
        ]);
        expect(el.state).to.equal('error');
        expect(visibleText(el)).to.equal(`${text} Try again`);
        await clock.tickAsync(120_000);
        expect(net.calls).to.have.length(1);
        el.shadowRoot!.querySelector('button')!.click();
        await settle();
        expect(net.calls).to.have.length(2);
        expect(el.state).to.equal('loading');
        await show(CODE_A);
        expect(el.state).to.equal('active');
      });
    }

    it('hides a shown code when the backend refuses the next one', async () => {
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      await show(CODE_A);
      await clock.tickAsync(24_000);
      await net.last.respond(errorResponse(403));
      expect(qrPathOf(el)).to.equal(null);
      expect(el.state).to.equal('error');
    });

    it('retries when the network comes back, at once', async () => {
      sinon.stub(Math, 'random').returns(0.99);
      el = await mount({ 'customer-id': CUSTOMER, 'token-endpoint': ENDPOINT });
      await settle();
      for (let i = 0; i < 4; i++) {
        await net.last.fail();
        await clock.tickAsync(30_000);
      }
      await net.last.fail();
      const before = net.calls.length;
      window.dispatchEvent(new Event('online'));
      await settle();
      expect(net.calls).to.have.length(before + 1);
    });
  });
});
