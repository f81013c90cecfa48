import { expect } from '@open-wc/testing';
import qrcode from 'qrcode-generator';
import { encodeQr, type ErrorCorrectionLevel } from '../src/internal/qr-encoder.js';

const LEVELS: ErrorCorrectionLevel[] = ['L', 'M', 'Q', 'H'];

/** qrcode-generator as published, given content as the element gave it before: digits, or bytes one per char. */
function published(content: string | Uint8Array, level: ErrorCorrectionLevel): string {
  const qr = qrcode(0, level);
  if (typeof content === 'string') qr.addData(content, 'Numeric');
  else qr.addData(String.fromCharCode(...content), 'Byte');
  qr.make();
  const count = qr.getModuleCount();
  let bits = '';
  for (let row = 0; row < count; row++) for (let col = 0; col < count; col++) bits += qr.isDark(row, col) ? '1' : '0';
  return bits;
}

function ours(content: string | Uint8Array, level: ErrorCorrectionLevel): string {
  return encodeQr(content, level).modules.join('');
}

function expectSameMatrix(content: string | Uint8Array, level: ErrorCorrectionLevel): void {
  const what = `${typeof content === 'string' ? 'digits' : 'bytes'} × ${content.length} at level ${level}`;
  expect(ours(content, level), what).to.equal(published(content, level));
}

/** A repeatable stream of pseudo-random numbers below `below`. */
function randomInts(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % below;
  };
}

const versionOf = (content: string | Uint8Array, level: ErrorCorrectionLevel) =>
  (encodeQr(content, level).size - 17) / 4;

/** The longest content `make(length)` whose symbol is at most `version`, by bisection on our encoder. */
function longestAt(version: number, level: ErrorCorrectionLevel, make: (length: number) => string | Uint8Array) {
  let fits = 0;
  let tooLong = 8000;
  while (tooLong - fits > 1) {
    const length = (fits + tooLong) >> 1;
    let at = Infinity;
    try {
      at = versionOf(make(length), level);
    } catch {
      // Longer than version 40 holds.
    }
    if (at <= version) fits = length;
    else tooLong = length;
  }
  return fits;
}

describe('the QR encoder against qrcode-generator as published', () => {
  for (const level of LEVELS) {
    it(`draws 19-digit access codes alike at level ${level}`, () => {
      const random = randomInts(19 + level.charCodeAt(0));
      for (let i = 0; i < 200; i++) {
        expectSameMatrix(Array.from({ length: 19 }, () => String(random(10))).join(''), level);
      }
    });

    it(`draws bytes alike at the most each version 1 to 40 holds, level ${level}`, () => {
      const random = randomInts(40 + level.charCodeAt(0));
      const bytes = (length: number) => Uint8Array.from({ length }, () => random(256));
      const seen = new Set<number>();
      let previous = 0;
      for (let version = 1; version <= 40; version++) {
        const length = longestAt(version, level, (n) => new Uint8Array(n));
        expect(length, `version ${version} holds more than ${version - 1}`).to.be.greaterThan(previous);
        previous = length;
        const content = bytes(length);
        seen.add(versionOf(content, level));
        expectSameMatrix(content, level);
      }
      expect([...seen].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    it(`draws digits alike from 1 to the most version 40 holds, level ${level}`, () => {
      const random = randomInts(10 + level.charCodeAt(0));
      const digits = (length: number) => Array.from({ length }, () => String(random(10))).join('');
      const most = longestAt(40, level, (n) => '9'.repeat(n));
      // Every remainder of three, then lengths spread over the versions, then the most version 40 holds.
      for (let length = 1; length <= 12; length++) expectSameMatrix(digits(length), level);
      for (let length = 20; length < most; length = Math.ceil(length * 1.4)) expectSameMatrix(digits(length), level);
      expectSameMatrix(digits(most), level);
      expect(() => ours('9'.repeat(most + 1), level)).to.throw(RangeError, `does not fit a QR code at level ${level}`);
      expect(() => published('9'.repeat(most + 1), level)).to.throw();
    });

    it(`draws UTF-8 text and edge bytes alike at level ${level}`, () => {
      const texts = [
        '',
        'GYM:1234567/Zugang-Ü-ß-✓',
        'https://example.com/checkin/0049267681211943991',
        'Mitglied 🏋️ Studio Köln · 04:00–23:00',
        '会员入口',
        '0049267681211943991x',
      ];
      for (const text of texts) expectSameMatrix(new TextEncoder().encode(text), level);
      // Blocks of nothing but zero bytes, of 0xFF, and one of each byte value.
      for (const length of [1, 30, 150, 600]) {
        expectSameMatrix(new Uint8Array(length), level);
        expectSameMatrix(new Uint8Array(length).fill(0xff), level);
      }
      expectSameMatrix(
        Uint8Array.from({ length: 256 }, (_, i) => i),
        level,
      );
      const most = longestAt(40, level, (n) => new Uint8Array(n));
      expect(() => ours(new Uint8Array(most + 1), level)).to.throw(RangeError);
      expect(() => published(new Uint8Array(most + 1), level)).to.throw();
    });
  }

  it('draws digits and printable bytes from 1 to 400 characters alike: versions 1 to about 15, every mask', () => {
    let compared = 0;
    for (const level of LEVELS) {
      for (let length = 1; length <= 400; length += 13) {
        const digits = Array.from({ length }, (_, i) => String((i * 7 + length) % 10)).join('');
        const bytes = Uint8Array.from({ length }, (_, i) => 33 + ((i * 31 + length) % 90));
        expectSameMatrix(digits, level);
        expectSameMatrix(bytes, level);
        compared += 2;
      }
    }
    expect(compared).to.equal(4 * 31 * 2);
  });

  it('takes digits only in numeric mode', () => {
    expect(() => encodeQr('12a', 'M')).to.throw(TypeError);
  });
});
