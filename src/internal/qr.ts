import qrcode from 'qrcode-generator';

export type ErrorCorrectionLevel = 'L' | 'M' | 'Q' | 'H';

/** Modules of light margin on every side, as ISO/IEC 18004 asks for. */
export const QUIET_ZONE = 4;

export interface QrImage {
  /** Side of the image in modules, quiet zone included: the SVG's viewBox. */
  size: number;
  /** Every dark module as one path, in module units. */
  path: string;
}

/** Turns text into the bytes the QR carries: UTF-8, one char per byte, which is what the library's byte mode reads. */
function utf8Binary(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return binary;
}

/**
 * Encodes `content` at the smallest version that fits (numeric mode for
 * all-digit content, byte mode with UTF-8 otherwise) and draws the dark
 * modules as one path, a rectangle per horizontal run.
 * Throws an `Error` when the content does not fit a QR code.
 */
export function qrImage(content: string, level: ErrorCorrectionLevel): QrImage {
  const numeric = /^[0-9]+$/.test(content);
  const qr = qrcode(0, level);
  try {
    qr.addData(numeric ? content : utf8Binary(content), numeric ? 'Numeric' : 'Byte');
    qr.make();
  } catch (thrown) {
    // The library throws strings ("code length overflow. (…)"): give callers an Error.
    throw new Error(`content does not fit a QR code at level ${level}`, { cause: thrown });
  }
  const count = qr.getModuleCount();
  let path = '';
  for (let row = 0; row < count; row++) {
    let col = 0;
    while (col < count) {
      if (!qr.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < count && qr.isDark(row, col)) col++;
      path += `M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h${start - col}z`;
    }
  }
  return { size: count + 2 * QUIET_ZONE, path };
}
