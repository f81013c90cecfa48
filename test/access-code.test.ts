import { expect } from '@open-wc/testing';
import { parseAccessCode } from '../src/internal/access-code.js';

describe('parseAccessCode', () => {
  it('takes the documented response', () => {
    expect(
      parseAccessCode({ format: 'QR_CODE', expiresAt: '2024-06-13T10:33:00Z', content: '0049267681211943991' }),
    ).to.deep.equal({
      ok: true,
      code: {
        format: 'QR_CODE',
        content: '0049267681211943991',
        expiresAt: '2024-06-13T10:33:00Z',
        expiresAtMs: Date.parse('2024-06-13T10:33:00Z'),
      },
    });
  });

  it('takes a response without expiresAt (or with null), and ignores extra fields', () => {
    for (const body of [
      { format: 'QR_CODE', content: '1' },
      { format: 'QR_CODE', content: '1', expiresAt: null, extra: true },
    ]) {
      const parsed = parseAccessCode(body);
      expect(parsed.ok && parsed.code.expiresAt).to.equal(null);
    }
  });

  it('refuses other formats, missing or empty content, and an expiresAt that is not a date', () => {
    const bad = [
      null,
      'QR_CODE',
      [],
      { format: 'BARCODE', content: '1' },
      { format: 'QR_CODE' },
      { format: 'QR_CODE', content: '' },
      { format: 'QR_CODE', content: 123 },
      { format: 'QR_CODE', content: '1', expiresAt: 'tomorrow' },
      { format: 'QR_CODE', content: '1', expiresAt: 1718274780000 },
    ];
    for (const body of bad) expect(parseAccessCode(body).ok, JSON.stringify(body)).to.equal(false);
  });

  it('never repeats a value in its message', () => {
    const parsed = parseAccessCode({ format: 'SECRET-FORMAT', content: 9876543210 });
    expect(parsed.ok).to.equal(false);
    if (!parsed.ok) {
      expect(parsed.message).to.equal('access code response has an invalid format, content');
    }
  });
});
