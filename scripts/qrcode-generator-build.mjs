// Two build-time edits of qrcode-generator for the browser bundle.
//
// 1. Cut what is never called. The library is one closure: besides the encoder it carries a GIF
// encoder, base64 streams, table/img/SVG/ASCII/data-URL renderers, a Shift-JIS
// table reader and the alphanumeric and kanji modes, none of which the element
// calls (it reads the matrix through make / getModuleCount / isDark and adds
// numeric or byte data). Tree-shaking cannot see into the closure, so the
// drop-in bundle and the browser tests cut those members from the source
// here: about 8 kB minified, 2.9 kB gzipped, of a phone's download.
//
// 2. A faster mask penalty. The encoder tries all eight masks and scores each
// with getLostPoint, which reads every module a dozen times through the public,
// bounds-checked isDark(): most of a new code's script time (0.86 ms of a
// rotation at 19 digits in Chromium). The replacement copies the matrix once
// into a flat array and applies the same four penalties, in integers, with the
// same final ratio expression, so it returns the same score and the same mask
// is chosen: the matrix is identical (test/qr.test.ts compares it with the
// original library's for every level and many contents).
//
// Every cut must match the library's text exactly once. When an update of
// qrcode-generator moves any of it, the build and the tests stop with an error
// instead of shipping a half-trimmed or broken encoder.

/** The module this applies to, as resolved from node_modules. */
export const QRCODE_GENERATOR_MODULE = /[\\/]qrcode-generator[\\/]dist[\\/]qrcode\.mjs$/;

/** [what goes, a pattern matching it exactly once, what takes its place] */
const CUTS = [
  [
    'the renderers (table, SVG, data URL, img, ASCII, canvas) and their helpers',
    /\n {2}_this\.createTableTag = function[\s\S]*?\n {2}_this\.renderTo2dContext = function[\s\S]*?\n {2}\}\n(?=\n {2}return _this;\n\};)/,
    '\n',
  ],
  ['the alphanumeric mode', /\n {4}case 'Alphanumeric' :\n {6}newData = qrAlphaNum\(data\);\n {6}break;/, ''],
  [
    'the mask penalty (QRUtil.getLostPoint)',
    /\n {2}_this\.getLostPoint = function\(qrcode\) \{[\s\S]*?\n {4}return lostPoint;\n {2}\};\n/,
    `
  _this.getLostPoint = function(qrcode) {
    const n = qrcode.getModuleCount();
    const m = new Uint8Array(n * n);
    let darkCount = 0;
    for (let row = 0; row < n; row += 1) {
      for (let col = 0; col < n; col += 1) {
        if (qrcode.isDark(row, col)) {
          m[row * n + col] = 1;
          darkCount += 1;
        }
      }
    }
    // Dark modules above and left of each corner, so any window's count is four reads.
    const w = n + 1;
    const sum = new Int32Array(w * w);
    for (let row = 0; row < n; row += 1) {
      for (let col = 0; col < n; col += 1) {
        sum[(row + 1) * w + col + 1] = m[row * n + col] + sum[row * w + col + 1] + sum[(row + 1) * w + col] - sum[row * w + col];
      }
    }
    let lostPoint = 0;
    // LEVEL1: more than 5 of the up to 8 neighbours of the same colour.
    for (let row = 0; row < n; row += 1) {
      const r0 = row > 0 ? row - 1 : row;
      const r1 = row < n - 1 ? row + 2 : row + 1;
      for (let col = 0; col < n; col += 1) {
        const c0 = col > 0 ? col - 1 : col;
        const c1 = col < n - 1 ? col + 2 : col + 1;
        const darkAround = sum[r1 * w + c1] - sum[r0 * w + c1] - sum[r1 * w + c0] + sum[r0 * w + c0];
        const sameCount = m[row * n + col] ? darkAround - 1 : (r1 - r0) * (c1 - c0) - darkAround - 1;
        if (sameCount > 5) lostPoint += 3 + sameCount - 5;
      }
    }
    // LEVEL2: 2x2 blocks of one colour.
    for (let row = 0; row < n - 1; row += 1) {
      for (let col = 0; col < n - 1; col += 1) {
        const i = row * n + col;
        const count = m[i] + m[i + n] + m[i + 1] + m[i + n + 1];
        if (count == 0 || count == 4) lostPoint += 3;
      }
    }
    // LEVEL3: 1:1:3:1:1 runs, in rows and in columns.
    for (let row = 0; row < n; row += 1) {
      for (let col = 0; col < n - 6; col += 1) {
        const i = row * n + col;
        if (m[i] && !m[i + 1] && m[i + 2] && m[i + 3] && m[i + 4] && !m[i + 5] && m[i + 6]) lostPoint += 40;
      }
    }
    for (let col = 0; col < n; col += 1) {
      for (let row = 0; row < n - 6; row += 1) {
        const i = row * n + col;
        if (m[i] && !m[i + n] && m[i + 2 * n] && m[i + 3 * n] && m[i + 4 * n] && !m[i + 5 * n] && m[i + 6 * n]) lostPoint += 40;
      }
    }
    // LEVEL4: dark ratio, written as the original computes it.
    const moduleCount = n;
    const ratio = Math.abs(100 * darkCount / moduleCount / moduleCount - 50) / 5;
    lostPoint += ratio * 10;
    return lostPoint;
  };
`,
  ],
  ['the kanji mode', /\n {4}case 'Kanji' :\n {6}newData = qrKanji\(data\);\n {6}break;/, ''],
  [
    'the Shift-JIS table reader (qrcode.createStringToBytes)',
    /\nqrcode\.createStringToBytes = function\(unicodeData, numChars\) \{[\s\S]*?\n\};\n(?=\n\/\/-+\n\/\/ QRMode\n)/,
    '\n',
  ],
];

/**
 * Returns qrcode-generator's ES module without the members the element never
 * calls, and with the faster mask penalty. What is left of the cut parts (the
 * GIF encoder, base64 streams, alphanumeric and kanji encoders) is then
 * unreferenced, and the bundler drops it.
 */
export function buildQrcodeGenerator(source) {
  let code = source;
  for (const [what, pattern, replacement] of CUTS) {
    const found = code.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
    if (found !== 1) {
      throw new Error(
        `qrcode-generator has changed: ${what} matched ${found} times, not once. ` +
          'Check scripts/qrcode-generator-build.mjs against the new version.',
      );
    }
    code = code.replace(pattern, replacement);
  }
  return code;
}

/** The same edits as a Vite (Rolldown) plugin for the drop-in bundle. */
export function qrcodeGeneratorPlugin() {
  return {
    name: 'gym-access-qr-qrcode-generator',
    transform(code, id) {
      if (!QRCODE_GENERATOR_MODULE.test(id.split('?')[0])) return null;
      // Whole functions change; nothing else moves far enough to matter for a map of a dependency.
      return { code: buildQrcodeGenerator(code), map: null };
    },
  };
}

/**
 * The same edits for @web/test-runner, so the tests exercise the encoder that
 * ships. `?original` serves the library as published, for comparison.
 */
export function qrcodeGeneratorServePlugin() {
  return {
    name: 'gym-access-qr-qrcode-generator',
    transform(context) {
      if (!QRCODE_GENERATOR_MODULE.test(context.path) || context.URL.searchParams.has('original')) return undefined;
      return { body: buildQrcodeGenerator(context.body) };
    },
  };
}
