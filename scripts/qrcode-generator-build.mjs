// Three build-time edits of qrcode-generator for the browser bundle.
//
// 1. Cut what is never called. The library is one closure: besides the encoder it carries a GIF
// encoder, base64 streams, table/img/SVG/ASCII/data-URL renderers, a Shift-JIS
// table reader and the alphanumeric and kanji modes, none of which the element
// calls (it reads the matrix through make / getModuleCount / isDark and adds
// numeric or byte data). Tree-shaking cannot see into the closure, so the
// drop-in bundle and the browser tests cut those members from the source
// here: about 8 kB minified, 2.9 kB gzipped, of a phone's download.
//
// 2. A faster mask choice. The encoder builds the whole matrix eight times, once
// per mask, and scores each build with getLostPoint, which reads every module a
// dozen times through the public, bounds-checked isDark(), then builds it a
// ninth time with the mask chosen: most of a new code's script time. The
// builds differ only in their data modules, and where those are depends on the
// version alone, so the replacement works that out once per version (the
// function patterns, the order mapData fills the data modules in, which masks
// flip each) and per code places the data bits in a flat array, flips them per
// mask and scores each with the same four penalties, in integers, summed with
// the same final ratio expression: the same scores, the same mask. The final
// matrix is the function patterns with the real type information and the data
// under that mask: identical to the library's (test/qr.test.ts compares it
// with the original library's for every level and many contents). A 19-digit
// code took 270 µs to encode in Chromium with nine builds and the flat
// penalty, 500 µs spaced out like real codes; now about 100 to 140 and 250 to
// 300 (about 530 and 750 as published).
//
// 3. The error correction generator polynomial kept. The library multiplies it
// out afresh for every code, though it depends only on the number of error
// correction codewords, which a member's codes share: it is built once per
// count. Rotations are half a minute apart, so each runs mostly unoptimised
// code: in a CPU profile of a minute of an idle page with 30 s codes, the
// multiplications took 1.2 of the encoder's 8 ms.
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
    'the mask choice (getBestMaskPattern)',
    /\n {2}const getBestMaskPattern = function\(\) \{[\s\S]*?\n {4}return pattern;\n {2}\};\n/,
    `
  // Builds the matrix with the mask of the lowest penalty, as make() did with getBestMaskPattern(),
  // without the nine builds: the function patterns and where the data goes depend on the version
  // only, so they are worked out once per version (see layoutOf) and each mask is a flip of
  // data modules in a flat array.
  const makeWithBestMask = function() {
    const n = _moduleCount = _typeNumber * 4 + 17;
    const layout = layoutOf(n);
    if (_dataCache == null) {
      _dataCache = createData(_typeNumber, _errorCorrectionLevel, _dataList);
    }
    // The test build (type information light) with its data unmasked: data bit k, most significant
    // first, goes where mapData puts it; the remainder bits stay light.
    const unmasked = layout.fixed.slice();
    for (let k = 0; k < layout.order.length && k >> 3 < _dataCache.length; k += 1) {
      unmasked[layout.order[k]] = (_dataCache[k >> 3] >>> (7 - (k & 7))) & 1;
    }
    const m = new Uint8Array(n * n);
    const sums = new Int32Array(n + 2);
    let minLostPoint = 0;
    let pattern = 0;
    for (let i = 0; i < 8; i += 1) {
      m.set(unmasked);
      for (let k = 0; k < layout.order.length; k += 1) {
        m[layout.order[k]] ^= (layout.flips[layout.order[k]] >> i) & 1;
      }
      const lostPoint = maskPenalty(m, n, sums);
      if (i == 0 || minLostPoint > lostPoint) {
        minLostPoint = lostPoint;
        pattern = i;
      }
    }
    // The final build: the same under the chosen mask, with the real type information.
    _modules = [];
    for (let row = 0; row < n; row += 1) {
      _modules.push([]);
      for (let col = 0; col < n; col += 1) {
        _modules[row].push((unmasked[row * n + col] ^ ((layout.flips[row * n + col] >> pattern) & 1)) == 1);
      }
    }
    setupTypeInfo(false, pattern);
    if (_typeNumber >= 7) {
      setupTypeNumber(false);
    }
  };

  // For a version's side n: its function patterns as the test build has them (1 = dark), the data
  // modules in the order mapData fills them, and per module which masks flip it (bit i for mask i).
  // Kept per version: a member's codes all have the same one.
  const layoutOf = function(n) {
    if (layouts[n]) {
      return layouts[n];
    }
    _modules = [];
    for (let row = 0; row < n; row += 1) {
      _modules.push(new Array(n).fill(null));
    }
    setupPositionProbePattern(0, 0);
    setupPositionProbePattern(n - 7, 0);
    setupPositionProbePattern(0, n - 7);
    setupPositionAdjustPattern();
    setupTimingPattern();
    setupTypeInfo(true, 0);
    if (_typeNumber >= 7) {
      setupTypeNumber(true);
    }
    const fixed = new Uint8Array(n * n);
    const flips = new Uint8Array(n * n);
    const order = [];
    for (let j = 0; j < n * n; j += 1) {
      fixed[j] = _modules[(j / n) | 0][j % n] ? 1 : 0;
    }
    // mapData's walk: two columns at a time from the right (skipping the timing column), up, then down.
    for (let col = n - 1, row = n - 1, inc = -1; col > 0; col -= 2) {
      if (col == 6) col -= 1;
      for (; row >= 0 && row < n; row += inc) {
        for (let c = 0; c < 2; c += 1) {
          if (_modules[row][col - c] == null) {
            order.push(row * n + col - c);
            for (let i = 0; i < 8; i += 1) {
              if (QRUtil.getMaskFunction(i)(row, col - c)) flips[row * n + col - c] |= 1 << i;
            }
          }
        }
      }
      row -= inc;
      inc = -inc;
    }
    return (layouts[n] = { fixed: fixed, flips: flips, order: order });
  };

  // QRUtil.getLostPoint's four penalties, in integers, on a flat matrix (1 = dark), summed in
  // the same order with the same final ratio expression: the same score. One pass per row for
  // the first three in rows; \`sums\` holds each column's dark modules in this row and its neighbours.
  const maskPenalty = function(m, n, sums) {
    let lostPoint = 0;
    let darkCount = 0;
    for (let row = 0; row < n; row += 1) {
      const up = row > 0 ? (row - 1) * n : -1;
      const at = row * n;
      const down = row < n - 1 ? (row + 1) * n : -1;
      const rows = 1 + (up >= 0 ? 1 : 0) + (down >= 0 ? 1 : 0);
      for (let col = 0; col < n; col += 1) {
        sums[col + 1] = m[at + col] + (up >= 0 ? m[up + col] : 0) + (down >= 0 ? m[down + col] : 0);
      }
      let seven = 0;
      for (let col = 0; col < n; col += 1) {
        const dark = m[at + col];
        darkCount += dark;
        // LEVEL1: more than 5 of the up to 8 neighbours of the same colour. Without a branch on the
        // colour: dark, darkAround - 1; light, around - darkAround - 1.
        const darkAround = sums[col] + sums[col + 1] + sums[col + 2];
        const around = rows * (3 - (col == 0 ? 1 : 0) - (col == n - 1 ? 1 : 0));
        const sameCount = around - darkAround - 1 + dark * (2 * darkAround - around);
        if (sameCount > 5) lostPoint += 3 + sameCount - 5;
        // LEVEL3 in rows: dark-light-dark-dark-dark-light-dark (0b1011101), as the last seven modules read.
        seven = ((seven << 1) | dark) & 127;
        if (seven == 93) lostPoint += 40;
        // LEVEL2: 2x2 blocks of one colour (0 or 4 dark).
        if (down >= 0 && col < n - 1) {
          lostPoint += (dark + m[at + col + 1] + m[down + col] + m[down + col + 1]) & 3 ? 0 : 3;
        }
      }
    }
    // LEVEL3 in columns.
    for (let col = 0; col < n; col += 1) {
      let seven = 0;
      for (let i = col; i < n * n; i += n) {
        seven = ((seven << 1) | m[i]) & 127;
        if (seven == 93) lostPoint += 40;
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
  [
    'the build with the best mask',
    /\n {4}makeImpl\(false, getBestMaskPattern\(\) \);\n/,
    '\n    makeWithBestMask();\n',
  ],
  [
    'a place for the layouts, kept across codes',
    /\nexport const qrcode = function\(typeNumber, errorCorrectionLevel\) \{\n/,
    '\nconst layouts = {};\n$&',
  ],
  [
    'the mask penalty (QRUtil.getLostPoint), replaced by the mask choice above',
    /\n {2}_this\.getLostPoint = function\(qrcode\) \{[\s\S]*?\n {4}return lostPoint;\n {2}\};\n/,
    '\n',
  ],
  [
    'the error correction polynomial, built anew for every code (QRUtil.getErrorCorrectPolynomial)',
    /\n {2}_this\.getErrorCorrectPolynomial = function\(errorCorrectLength\) \{\n {4}let a = qrPolynomial\(\[1\], 0\);\n([\s\S]*?)\n {4}return a;\n {2}\};\n/,
    `
  // The same generator for every code with this many error correction codewords: built once. Polynomials
  // are never changed once made (multiply and mod return new ones).
  const errorCorrectPolynomials = {};
  _this.getErrorCorrectPolynomial = function(errorCorrectLength) {
    if (errorCorrectPolynomials[errorCorrectLength]) {
      return errorCorrectPolynomials[errorCorrectLength];
    }
    let a = qrPolynomial([1], 0);
$1
    return (errorCorrectPolynomials[errorCorrectLength] = a);
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
 * calls, and with the faster mask choice. What is left of the cut parts (the
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
