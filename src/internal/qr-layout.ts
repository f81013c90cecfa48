// Where a QR symbol's modules go, and the mask choice. Derived from
// qrcode-generator 2.0.4 (MIT, Copyright (c) 2009 Kazuhiko Arase: the full
// notice is in qr-encoder.ts). The library builds the whole matrix once per
// mask, scores each build with getLostPoint through its bounds-checked
// isDark(), then builds it a ninth time: most of a new code's script time.
// The builds differ only in their data modules, whose places depend on the
// version alone, so those are worked out once per version (Layout) and each
// mask is a flip of data modules in a flat array, scored with the same four
// penalties summed in the same order: the same scores, the same mask, the
// same matrix.

/** A version's fixed part, kept across codes: a member's codes all have the same version. */
interface Layout {
  /** The function patterns as the library's test builds have them (format and version bits light): 1 dark. */
  fixed: Uint8Array;
  /** The data modules' indices, in the order the data bits fill them. */
  order: Int32Array;
  /** Per module, which masks flip it: bit i for mask i. */
  flips: Uint8Array;
}

const layouts = new Map<number, Layout>();

/** The eight masks of ISO/IEC 18004, by row and column: true flips the module. */
const MASKS: ((row: number, col: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i * j) % 3) + ((i + j) % 2)) % 2 === 0,
];

/**
 * The finished matrix (row by row, 1 dark) for `codewords` at `version`:
 * the data under the mask of the lowest penalty, with the format information
 * for `levelBits` and that mask, and the version information from version 7.
 */
export function matrixWithBestMask(version: number, levelBits: number, codewords: Uint8Array): Uint8Array {
  const n = version * 4 + 17;
  const layout = layoutOf(version);
  // The test build with its data unmasked: data bit k, most significant first; remainder bits stay light.
  const unmasked = layout.fixed.slice();
  for (let k = 0; k < layout.order.length && k >> 3 < codewords.length; k++) {
    unmasked[layout.order[k]!] = (codewords[k >> 3]! >>> (7 - (k & 7))) & 1;
  }
  const m = new Uint8Array(n * n);
  const sums = new Int32Array(n + 2);
  let minPenalty = 0;
  let mask = 0;
  for (let i = 0; i < 8; i++) {
    m.set(unmasked);
    for (const at of layout.order) m[at]! ^= (layout.flips[at]! >> i) & 1;
    const penalty = maskPenalty(m, n, sums);
    if (i === 0 || minPenalty > penalty) {
      minPenalty = penalty;
      mask = i;
    }
  }
  for (const at of layout.order) unmasked[at]! ^= (layout.flips[at]! >> mask) & 1;
  // The format information, as the library's setupTypeInfo writes it, and the dark module beside it.
  const format = bch(((levelBits << 3) | mask) << 10, FORMAT_GENERATOR, 10) ^ FORMAT_MASK;
  for (let i = 0; i < 15; i++) {
    const bit = (format >> i) & 1;
    unmasked[(i < 6 ? i : i < 8 ? i + 1 : n - 15 + i) * n + 8] = bit;
    unmasked[8 * n + (i < 8 ? n - i - 1 : i < 9 ? 15 - i : 14 - i)] = bit;
  }
  unmasked[(n - 8) * n + 8] = 1;
  if (version >= 7) {
    const bits = bch(version << 12, VERSION_GENERATOR, 12);
    for (let i = 0; i < 18; i++) {
      const bit = (bits >> i) & 1;
      unmasked[Math.floor(i / 3) * n + (i % 3) + n - 11] = bit;
      unmasked[((i % 3) + n - 11) * n + Math.floor(i / 3)] = bit;
    }
  }
  return unmasked;
}

const FORMAT_GENERATOR = 0b10100110111;
const FORMAT_MASK = 0b101010000010010;
const VERSION_GENERATOR = 0b1111100100101;

/** `data` (already shifted left by `bits`) with its BCH remainder by `generator` in the low `bits` bits. */
function bch(data: number, generator: number, bits: number): number {
  const degree = 31 - Math.clz32(generator);
  let remainder = data;
  for (let top = 31 - Math.clz32(remainder); top >= degree; top = 31 - Math.clz32(remainder)) {
    remainder ^= generator << (top - degree);
  }
  return data | (remainder & ((1 << bits) - 1));
}

/** The version's function patterns, in the library's order (a later one skips modules an earlier one set). */
function layoutOf(version: number): Layout {
  const known = layouts.get(version);
  if (known) return known;
  const n = version * 4 + 17;
  // -1: not yet set, so a data module once all patterns are in.
  const grid = new Int8Array(n * n).fill(-1);
  const set = (row: number, col: number, dark: boolean) => (grid[row * n + col] = dark ? 1 : 0);
  // The finder patterns, each with its light separator.
  for (const [top, left] of [
    [0, 0],
    [n - 7, 0],
    [0, n - 7],
  ] as const) {
    for (let r = -1; r <= 7; r++) {
      for (let c = -1; c <= 7; c++) {
        if (top + r < 0 || top + r >= n || left + c < 0 || left + c >= n) continue;
        const ring = (r >= 0 && r <= 6 && (c === 0 || c === 6)) || (c >= 0 && c <= 6 && (r === 0 || r === 6));
        set(top + r, left + c, ring || (r >= 2 && r <= 4 && c >= 2 && c <= 4));
      }
    }
  }
  const positions = alignmentPositions(version);
  for (const row of positions) {
    for (const col of positions) {
      if (grid[row * n + col] !== -1) continue;
      for (let r = -2; r <= 2; r++) {
        for (let c = -2; c <= 2; c++)
          set(row + r, col + c, r === -2 || r === 2 || c === -2 || c === 2 || (r === 0 && c === 0));
      }
    }
  }
  for (let i = 8; i < n - 8; i++) {
    if (grid[i * n + 6] === -1) set(i, 6, i % 2 === 0);
    if (grid[6 * n + i] === -1) set(6, i, i % 2 === 0);
  }
  // Format information (and the dark module) and version information, light as in the library's test builds.
  for (let i = 0; i < 15; i++) {
    set(i < 6 ? i : i < 8 ? i + 1 : n - 15 + i, 8, false);
    set(8, i < 8 ? n - i - 1 : i < 9 ? 15 - i : 14 - i, false);
  }
  set(n - 8, 8, false);
  if (version >= 7) {
    for (let i = 0; i < 18; i++) {
      set(Math.floor(i / 3), (i % 3) + n - 11, false);
      set((i % 3) + n - 11, Math.floor(i / 3), false);
    }
  }

  const fixed = new Uint8Array(n * n);
  const flips = new Uint8Array(n * n);
  const order: number[] = [];
  for (let at = 0; at < n * n; at++) fixed[at] = grid[at] === 1 ? 1 : 0;
  // The library's mapData walk: two columns at a time from the right (skipping the timing column), up, then down.
  for (let col = n - 1, row = n - 1, inc = -1; col > 0; col -= 2) {
    if (col === 6) col -= 1;
    for (; row >= 0 && row < n; row += inc) {
      for (let c = 0; c < 2; c++) {
        const at = row * n + col - c;
        if (grid[at] !== -1) continue;
        order.push(at);
        for (let i = 0; i < 8; i++) if (MASKS[i]!(row, col - c)) flips[at]! |= 1 << i;
      }
    }
    row -= inc;
    inc = -inc;
  }
  const layout = { fixed, order: Int32Array.from(order), flips };
  layouts.set(version, layout);
  return layout;
}

/** The alignment patterns' centres along each axis: evenly spaced from the far side back towards 6. */
function alignmentPositions(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const step = version === 32 ? 26 : Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2;
  const positions = [6];
  for (let at = version * 4 + 10; positions.length < count; at -= step) positions.splice(1, 0, at);
  return positions;
}

/**
 * The library's getLostPoint on a flat matrix (1 dark): its four penalties in
 * integers, summed in the same order, with its final ratio expression, so
 * the same score to the last bit. One pass per row for the first three in
 * rows; `sums` holds each column's dark modules in this row and its neighbours.
 */
function maskPenalty(m: Uint8Array, n: number, sums: Int32Array): number {
  let penalty = 0;
  let darkCount = 0;
  for (let row = 0; row < n; row++) {
    const up = row > 0 ? (row - 1) * n : -1;
    const at = row * n;
    const down = row < n - 1 ? (row + 1) * n : -1;
    const rows = 1 + (up >= 0 ? 1 : 0) + (down >= 0 ? 1 : 0);
    for (let col = 0; col < n; col++) {
      sums[col + 1] = m[at + col]! + (up >= 0 ? m[up + col]! : 0) + (down >= 0 ? m[down + col]! : 0);
    }
    let seven = 0;
    for (let col = 0; col < n; col++) {
      const dark = m[at + col]!;
      darkCount += dark;
      // More than 5 of the up to 8 neighbours of the same colour, without a branch on the colour:
      // dark, darkAround - 1; light, around - darkAround - 1.
      const darkAround = sums[col]! + sums[col + 1]! + sums[col + 2]!;
      const around = rows * (3 - (col === 0 ? 1 : 0) - (col === n - 1 ? 1 : 0));
      const sameCount = around - darkAround - 1 + dark * (2 * darkAround - around);
      if (sameCount > 5) penalty += 3 + sameCount - 5;
      // Dark-light-dark-dark-dark-light-dark (0b1011101) in a row, as the last seven modules read.
      seven = ((seven << 1) | dark) & 127;
      if (seven === 93) penalty += 40;
      // 2×2 blocks of one colour (0 or 4 dark).
      if (down >= 0 && col < n - 1) {
        penalty += (dark + m[at + col + 1]! + m[down + col]! + m[down + col + 1]!) & 3 ? 0 : 3;
      }
    }
  }
  for (let col = 0; col < n; col++) {
    let seven = 0;
    for (let i = col; i < n * n; i += n) {
      seven = ((seven << 1) | m[i]!) & 127;
      if (seven === 93) penalty += 40;
    }
  }
  // The dark ratio, written as the library computes it: a float, so the same expression.
  const ratio = Math.abs((100 * darkCount) / n / n - 50) / 5;
  penalty += ratio * 10;
  return penalty;
}
