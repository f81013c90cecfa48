import { expect, oneEvent } from '@open-wc/testing';
import qrcode from 'qrcode-generator';
import sinon from 'sinon';
import { QUIET_ZONE, modulesPath, qrImage, type ErrorCorrectionLevel } from '../src/internal/qr.js';
import { decodeQrImage, decodeShownQr, freshCode, mount } from './helpers.js';

const LEVELS: ErrorCorrectionLevel[] = ['L', 'M', 'Q', 'H'];

describe('qrImage', () => {
  it('uses numeric mode for digits: 19 digits fit version 1 (21 modules)', () => {
    expect(qrImage('0049267681211943991', 'M').size).to.equal(21 + 2 * QUIET_ZONE);
    // The same length in byte mode needs version 2.
    expect(qrImage('004926768121194399x', 'M').size).to.equal(25 + 2 * QUIET_ZONE);
  });

  it('keeps a quiet zone of four modules on every side', () => {
    const { size, path } = qrImage('0049267681211943991', 'H');
    const xs = [...path.matchAll(/M(\d+) (\d+)h(-?\d+)/g)].map(
      ([, x, y, w]) => [Number(x), Number(y), Number(w)] as const,
    );
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

/** The largest byte-mode content at level M that fits version 10, as the benchmark uses. */
const LARGE = 'gym:007:'.padEnd(213, 'abcdefghijklmnopqrstuvwxyz0123456789');

/**
 * Reads a path back as rectangles. Fails the test unless every subpath is an
 * axis-aligned rectangle written `M x y h w v h h -w z` with whole numbers.
 */
function rectanglesOf(path: string): { x: number; y: number; w: number; h: number }[] {
  const subpaths = path.split(/(?=M)/).filter(Boolean);
  return subpaths.map((subpath) => {
    const match = /^M(\d+) (\d+)h(\d+)v(\d+)h-(\d+)z$/.exec(subpath);
    expect(match, `subpath ${subpath}`).to.not.equal(null);
    const [x, y, w, h, back] = match!.slice(1).map(Number) as [number, number, number, number, number];
    expect(back, `subpath ${subpath} closes`).to.equal(w);
    expect(w * h, `subpath ${subpath} is not empty`).to.be.greaterThan(0);
    return { x, y, w, h };
  });
}

/** How often the path covers each module of a `size`×`size` image. */
function coverage(path: string, size: number): number[][] {
  const grid = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (const { x, y, w, h } of rectanglesOf(path)) {
    for (let row = y; row < y + h; row++) for (let col = x; col < x + w; col++) grid[row]![col]! += 1;
  }
  return grid;
}

/** qrcode-generator's matrix as published, for ASCII or digit content, with a quiet zone: 1 dark, 0 light. */
function matrixOf(content: string, level: ErrorCorrectionLevel): number[][] {
  const qr = qrcode(0, level);
  qr.addData(content, /^[0-9]+$/.test(content) ? 'Numeric' : 'Byte');
  qr.make();
  const count = qr.getModuleCount();
  const size = count + 2 * QUIET_ZONE;
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, col) => {
      const r = row - QUIET_ZONE;
      const c = col - QUIET_ZONE;
      return r >= 0 && c >= 0 && r < count && c < count && qr.isDark(r, c) ? 1 : 0;
    }),
  );
}

describe('the QR path', () => {
  const contents = {
    '19 digits': '0049267681211943991',
    'a URL': 'https://example.com/checkin/0049267681211943991',
    '213 bytes': LARGE,
  };
  for (const [name, content] of Object.entries(contents)) {
    for (const level of LEVELS) {
      it(`covers exactly the dark modules, each once: ${name} at level ${level}`, () => {
        const { size, path } = qrImage(content, level);
        expect(coverage(path, size)).to.deep.equal(matrixOf(content, level));
      });
    }
  }

  it('draws a block of identical runs as one rectangle', () => {
    const block = new Set(['0,1', '0,2', '1,1', '1,2', '2,1', '2,2', '2,3']);
    const path = modulesPath(4, (row, col) => block.has(`${row},${col}`));
    // Columns 1-2 over rows 0-1 repeat; row 2 runs further, so it starts its own rectangle.
    expect(path).to.equal(`M${QUIET_ZONE + 1} ${QUIET_ZONE}h2v2h-2zM${QUIET_ZONE + 1} ${QUIET_ZONE + 2}h3v1h-3z`);
  });

  it('draws nothing for an all-light matrix and one square for an all-dark one', () => {
    expect(modulesPath(3, () => false)).to.equal('');
    expect(modulesPath(3, () => true)).to.equal(`M${QUIET_ZONE} ${QUIET_ZONE}h3v3h-3z`);
  });

  it('needs fewer rectangles than horizontal runs: the finder patterns merge', () => {
    const { path } = qrImage('0049267681211943991', 'M');
    const matrix = matrixOf('0049267681211943991', 'M');
    const runs = matrix.reduce((sum, row) => sum + row.filter((dark, col) => dark && !row[col - 1]).length, 0);
    expect(rectanglesOf(path).length).to.be.lessThan(runs * 0.8);
  });

  for (const level of LEVELS) {
    it(`decodes from the path alone: 213 bytes at level ${level}`, async () => {
      expect(await decodeQrImage(qrImage(LARGE, level))).to.equal(LARGE);
    });
  }
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
