import { encodeQr, type ErrorCorrectionLevel } from './qr-encoder.js';

export type { ErrorCorrectionLevel } from './qr-encoder.js';

/** Modules of light margin on every side, as ISO/IEC 18004 asks for. */
export const QUIET_ZONE = 4;

export interface QrImage {
  /** Side of the image in modules, quiet zone included: the SVG's viewBox. */
  size: number;
  /** Every dark module as one path, in module units. */
  path: string;
}

/**
 * Encodes `content` at the smallest version that fits (numeric mode for
 * all-digit content, byte mode with UTF-8 otherwise) and draws the dark
 * modules as one path (see `modulesPath`).
 * Throws an `Error` when the content does not fit a QR code.
 */
export function qrImage(content: string, level: ErrorCorrectionLevel): QrImage {
  const numeric = /^[0-9]+$/.test(content);
  const { size, modules } = encodeQr(numeric ? content : new TextEncoder().encode(content), level);
  return { size: size + 2 * QUIET_ZONE, path: modulesPath(size, (row, col) => modules[row * size + col] === 1) };
}

let warmedUp = false;

/**
 * Runs the encoder once, on a throwaway code, in a task of its own: its first run (tables, and the engine
 * compiling it) took about 6 ms on a desktop, four or six times that on a phone, and would otherwise come
 * between a member's first answer and its code on screen. Called as the first request goes out, so it runs while
 * the answer is on its way (docs/performance.md#warm-encoder). Once a page.
 */
export function warmUpEncoder(): void {
  if (warmedUp) return;
  warmedUp = true;
  setTimeout(() => qrImage('0000000000000000000', 'M'), 0);
}

/**
 * The dark modules of a `count`×`count` matrix as one SVG path of disjoint
 * rectangles, offset by the quiet zone: each horizontal run of dark modules,
 * grown downwards while the rows below repeat exactly that run (the finder
 * patterns' sides, timing-free columns of data). Fewer subpaths than one per
 * run (a third fewer at version 1, about a quarter at version 10) means less
 * for the browser to parse, record and rasterise on every new code.
 */
export function modulesPath(count: number, isDark: (row: number, col: number) => boolean): string {
  let path = '';
  // Rectangles still growing, by first column: [end column (exclusive), top row].
  let open = new Map<number, [number, number]>();
  // One row past the end closes whatever is still open.
  for (let row = 0; row <= count; row++) {
    const next = new Map<number, [number, number]>();
    for (let col = 0; row < count && col < count; col++) {
      if (!isDark(row, col)) continue;
      const start = col;
      while (col + 1 < count && isDark(row, col + 1)) col++;
      const above = open.get(start);
      if (above && above[0] === col + 1) {
        next.set(start, above);
        open.delete(start);
      } else {
        next.set(start, [col + 1, row]);
      }
    }
    for (const [start, [end, top]] of open) {
      path += `M${start + QUIET_ZONE} ${top + QUIET_ZONE}h${end - start}v${row - top}h-${end - start}z`;
    }
    open = next;
  }
  return path;
}
