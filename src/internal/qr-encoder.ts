// The element's QR encoder: numeric and byte mode, the smallest version that
// fits, the mask of the lowest penalty. Derived from qrcode-generator 2.0.4
// (https://github.com/kazuhikoarase/qrcode-generator), keeping only what the
// element calls, typed, with a faster mask choice (see qr-layout.ts); its
// matrices equal the published package's (test/qr-encoder.test.ts).
//
// QR Code Generator for JavaScript
// Copyright (c) 2009 Kazuhiko Arase
// URL: http://www.d-project.com/
// Licensed under the MIT license: http://www.opensource.org/licenses/mit-license.php
//
// Permission is hereby granted, free of charge, to any person obtaining a copy
// of this software and associated documentation files (the "Software"), to deal
// in the Software without restriction, including without limitation the rights
// to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
// copies of the Software, and to permit persons to whom the Software is
// furnished to do so, subject to the following conditions:
//
// The above copyright notice and this permission notice shall be included in
// all copies or substantial portions of the Software.
//
// THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
// IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
// FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
// AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
// LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
// OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
// THE SOFTWARE.
//
// The word 'QR Code' is registered trademark of DENSO WAVE INCORPORATED.
import { matrixWithBestMask } from './qr-layout.js';

export type ErrorCorrectionLevel = 'L' | 'M' | 'Q' | 'H';

/** A finished QR symbol: `size`×`size` modules, row by row, 1 dark and 0 light. */
export interface QrMatrix {
  size: number;
  modules: Uint8Array;
}

/** The two bits each level is written as in the format information. */
const LEVEL_BITS: Record<ErrorCorrectionLevel, number> = { L: 1, M: 0, Q: 3, H: 2 };
const LEVEL_INDEX: Record<ErrorCorrectionLevel, number> = { L: 0, M: 1, Q: 2, H: 3 };

// Per level (L, M, Q, H), per version 1 to 40: error correction codewords per block, and blocks.
// qrcode-generator's RS block table says the same in its own form: blocks of two lengths, the longer
// one codeword longer, with the version's codewords shared out as evenly as they go.
// prettier-ignore
const EC_CODEWORDS_PER_BLOCK = [
  [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
];
// prettier-ignore
const BLOCKS = [
  [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
];

/** Codewords (data and error correction) a version holds: its modules less the function patterns, over 8. */
export function codewordsOf(version: number): number {
  let modules = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const alignments = Math.floor(version / 7) + 2;
    modules -= (25 * alignments - 10) * alignments - 55;
    if (version >= 7) modules -= 36;
  }
  return modules >> 3;
}

/** Bits of the character count field: by mode and version range, as ISO/IEC 18004 sets them. */
function countBits(numeric: boolean, version: number): number {
  if (numeric) return version < 10 ? 10 : version < 27 ? 12 : 14;
  return version < 10 ? 8 : 16;
}

/**
 * Encodes `content` as a QR symbol at the smallest version that holds it: a
 * string of digits in numeric mode, bytes in byte mode.
 * Throws a `RangeError` when not even version 40 holds it.
 */
export function encodeQr(content: string | Uint8Array, level: ErrorCorrectionLevel): QrMatrix {
  const numeric = typeof content === 'string';
  if (numeric && !/^[0-9]*$/.test(content)) throw new TypeError('numeric mode takes digits only');
  // Numeric mode: 10 bits per three digits, 4 or 7 for the last one or two.
  const dataBits = numeric ? 10 * Math.floor(content.length / 3) + [0, 4, 7][content.length % 3]! : 8 * content.length;
  const levelIndex = LEVEL_INDEX[level];
  let version = 1;
  const capacityBits = (v: number) =>
    (codewordsOf(v) - EC_CODEWORDS_PER_BLOCK[levelIndex]![v - 1]! * BLOCKS[levelIndex]![v - 1]!) * 8;
  while (4 + countBits(numeric, version) + dataBits > capacityBits(version)) {
    if (++version > 40) throw new RangeError(`content does not fit a QR code at level ${level}`);
  }

  const bits = new BitWriter(capacityBits(version) >> 3);
  bits.put(numeric ? 0b0001 : 0b0100, 4);
  bits.put(content.length, countBits(numeric, version));
  if (numeric) {
    for (let i = 0; i < content.length; i += 3) {
      const group = content.slice(i, i + 3);
      bits.put(Number(group), [0, 4, 7, 10][group.length]!);
    }
  } else {
    for (const byte of content) bits.put(byte, 8);
  }
  bits.pad();

  const codewords = withErrorCorrection(
    bits.bytes,
    codewordsOf(version),
    BLOCKS[levelIndex]![version - 1]!,
    EC_CODEWORDS_PER_BLOCK[levelIndex]![version - 1]!,
  );
  return { size: version * 4 + 17, modules: matrixWithBestMask(version, LEVEL_BITS[level], codewords) };
}

/** The data codewords, written most significant bit first. */
class BitWriter {
  readonly bytes: Uint8Array;
  private length = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  put(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      if ((value >>> i) & 1) this.bytes[this.length >> 3]! |= 0x80 >>> (this.length & 7);
      this.length++;
    }
  }

  /** The terminator (up to four zero bits), zeros to the byte, then 0xEC and 0x11 in turn to the end. */
  pad(): void {
    // The buffer starts zeroed, so terminator and byte padding are a skip; a terminator that does not fit is cut short.
    let at = Math.min((this.length + 4 + 7) >> 3, this.bytes.length);
    for (let pad = 0xec; at < this.bytes.length; at++, pad ^= 0xec ^ 0x11) this.bytes[at] = pad;
  }
}

/**
 * Splits the data into `blocks` blocks (the last `codewords % blocks` one
 * longer), adds each block's Reed-Solomon codewords, and interleaves them:
 * the first data codeword of every block, the second, …, then likewise the
 * error correction codewords.
 */
function withErrorCorrection(data: Uint8Array, codewords: number, blocks: number, ecPerBlock: number): Uint8Array {
  const shortBlocks = blocks - (codewords % blocks);
  const shortLength = Math.floor(codewords / blocks) - ecPerBlock;
  const generator = generatorOf(ecPerBlock);
  const dataBlocks: Uint8Array[] = [];
  const ecBlocks: Uint8Array[] = [];
  for (let block = 0, offset = 0; block < blocks; block++) {
    const length = shortLength + (block < shortBlocks ? 0 : 1);
    const blockData = data.subarray(offset, offset + length);
    dataBlocks.push(blockData);
    ecBlocks.push(remainderOf(blockData, generator));
    offset += length;
  }
  const result = new Uint8Array(codewords);
  let at = 0;
  for (let i = 0; i <= shortLength; i++) {
    for (const block of dataBlocks) if (i < block.length) result[at++] = block[i]!;
  }
  for (let i = 0; i < ecPerBlock; i++) for (const block of ecBlocks) result[at++] = block[i]!;
  return result;
}

// GF(256) with the QR field's polynomial x^8 + x^4 + x^3 + x^2 + 1, as powers of 2 and their logarithms.
const EXP = new Uint8Array(256);
const LOG = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  EXP[i] = i < 8 ? 1 << i : EXP[i - 4]! ^ EXP[i - 5]! ^ EXP[i - 6]! ^ EXP[i - 8]!;
  if (i < 255) LOG[EXP[i]!] = i;
}

function multiply(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[(LOG[a]! + LOG[b]!) % 255]!;
}

// A member's codes share one count of error correction codewords: each generator is multiplied out once.
const generators = new Map<number, Uint8Array>();

/** (x + 2^0)(x + 2^1)…(x + 2^(degree-1)), highest power first, its leading 1 left out. */
function generatorOf(degree: number): Uint8Array {
  let generator = generators.get(degree);
  if (generator) return generator;
  generator = new Uint8Array(degree);
  generator[degree - 1] = 1;
  for (let i = 0, root = 1; i < degree; i++, root = multiply(root, 2)) {
    for (let j = 0; j < degree; j++) {
      generator[j] = multiply(generator[j]!, root) ^ (j + 1 < degree ? generator[j + 1]! : 0);
    }
  }
  generators.set(degree, generator);
  return generator;
}

/** The remainder of the block times x^degree divided by the generator: its error correction codewords. */
function remainderOf(block: Uint8Array, generator: Uint8Array): Uint8Array {
  const remainder = new Uint8Array(generator.length);
  for (const codeword of block) {
    const factor = codeword ^ remainder[0]!;
    remainder.copyWithin(0, 1);
    remainder[remainder.length - 1] = 0;
    for (let i = 0; i < remainder.length; i++) remainder[i]! ^= multiply(generator[i]!, factor);
  }
  return remainder;
}
