import { expect, oneEvent } from '@open-wc/testing';
import qrcode from 'qrcode-generator';
import sinon from 'sinon';
import { QUIET_ZONE, qrImage, type ErrorCorrectionLevel } from '../src/internal/qr.js';
import { decodeShownQr, freshCode, mount } from './helpers.js';

const LEVELS: ErrorCorrectionLevel[] = ['L', 'M', 'Q', 'H'];

describe('qrImage', () => {
  it('uses numeric mode for digits: 19 digits fit version 1 (21 modules)', () => {
    expect(qrImage('0049267681211943991', 'M').size).to.equal(21 + 2 * QUIET_ZONE);
    // The same length in byte mode needs version 2.
    expect(qrImage('004926768121194399x', 'M').size).to.equal(25 + 2 * QUIET_ZONE);
  });

  it('keeps a quiet zone of four modules on every side', () => {
    const { size, path } = qrImage('0049267681211943991', 'H');
    const xs = [...path.matchAll(/M(\d+) (\d+)h(-?\d+)/g)].map(([, x, y, w]) => [Number(x), Number(y), Number(w)] as const);
    expect(Math.min(...xs.map(([x]) => x))).to.equal(QUIET_ZONE);
    expect(Math.min(...xs.map(([, y]) => y))).to.equal(QUIET_ZONE);
    expect(Math.max(...xs.map(([x, , w]) => x + w))).to.equal(size - QUIET_ZONE);
    expect(Math.max(...xs.map(([, y]) => y + 1))).to.equal(size - QUIET_ZONE);
  });

  it('throws an Error (not a string) when the content does not fit', () => {
    expect(() => qrImage('9'.repeat(8000), 'L')).to.throw(Error, /does not fit/);
  });

  it('grows with the level', () => {
    const sizes = LEVELS.map((level) => qrImage('https://example.com/checkin/0049267681211943991', level).size);
    expect(sizes).to.deep.equal([...sizes].sort((a, b) => a - b));
    expect(sizes[3]).to.be.greaterThan(sizes[0]!);
  });
});

describe('the QR encoder as it ships', () => {
  it('has the renderers and unused modes cut from qrcode-generator', () => {
    const qr = qrcode(0, 'M') as unknown as Record<string, unknown>;
    for (const member of ['createTableTag', 'createSvgTag', 'createDataURL', 'createImgTag', 'createASCII', 'renderTo2dContext']) {
      expect(qr, member).to.not.have.property(member);
    }
    expect(() => qrcode(0, 'M').addData('ABC', 'Alphanumeric')).to.throw();
  });
});

describe('the rendered QR decodes back to the content', () => {
  let el: HTMLElement | undefined;
  afterEach(() => {
    el?.remove();
    sinon.restore();
  });

  const contents = ['0049267681211943991', 'GYM:1234567/Zugang-Ü-ß-✓'];
  for (const content of contents) {
    for (const level of LEVELS) {
      it(`${/^\d+$/.test(content) ? 'digits' : 'mixed text'} at level ${level}`, async () => {
        sinon.stub(window, 'fetch').callsFake(async () => freshCode(content));
        const qr = document.createElement('gym-access-qr');
        qr.setAttribute('error-correction', level);
        qr.setAttribute('customer-id', '1234567');
        qr.setAttribute('token-endpoint', '/api/{customerId}');
        const shown = oneEvent(qr, 'gym-access-qr-refresh');
        document.body.append((el = qr));
        await shown;
        expect(await decodeShownQr(qr)).to.equal(content);
      });
    }
  }

  it('stays dark on light on a dark page with other token colours for the ring', async () => {
    sinon.stub(window, 'fetch').callsFake(async () => freshCode('0049267681211943991'));
    const page = document.createElement('div');
    page.style.cssText = 'background:#111;color:#eee;--gym-access-qr-accent:#0ff';
    document.body.append((el = page));
    const shown = oneEvent(page, 'gym-access-qr-refresh');
    const qr = await mount({ 'customer-id': '1234567', 'token-endpoint': '/api/{customerId}' }, page);
    await shown;
    const light = getComputedStyle(qr.shadowRoot!.querySelector('.qr .light')!).fill;
    const dark = getComputedStyle(qr.shadowRoot!.querySelector('.qr .dark')!).fill;
    expect([light, dark]).to.deep.equal(['rgb(255, 255, 255)', 'rgb(0, 0, 0)']);
    expect(await decodeShownQr(qr)).to.equal('0049267681211943991');
    expect(qr.shadowRoot!.querySelector('svg.qr')!.getAttribute('shape-rendering')).to.equal('crispEdges');
  });
});
