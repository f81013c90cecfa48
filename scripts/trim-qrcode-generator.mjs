// qrcode-generator is one closure: besides the encoder it carries a GIF
// encoder, base64 streams, table/img/SVG/ASCII/data-URL renderers, a Shift-JIS
// table reader and the alphanumeric and kanji modes, none of which the element
// calls (it reads the matrix through make / getModuleCount / isDark and adds
// numeric or byte data). Tree-shaking cannot see into the closure, so the
// drop-in bundle and the browser tests cut those members from the source
// here: about 9 kB minified, 3.5 kB gzipped, of a phone's download.
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
  ['the kanji mode', /\n {4}case 'Kanji' :\n {6}newData = qrKanji\(data\);\n {6}break;/, ''],
  [
    'the Shift-JIS table reader (qrcode.createStringToBytes)',
    /\nqrcode\.createStringToBytes = function\(unicodeData, numChars\) \{[\s\S]*?\n\};\n(?=\n\/\/-+\n\/\/ QRMode\n)/,
    '\n',
  ],
];

/**
 * Returns qrcode-generator's ES module without the members the element never
 * calls. What is left (the GIF encoder, base64 streams, alphanumeric and kanji
 * encoders) is then unreferenced, and the bundler drops it.
 */
export function trimQrcodeGenerator(source) {
  let code = source;
  for (const [what, pattern, replacement] of CUTS) {
    const found = code.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
    if (found !== 1) {
      throw new Error(
        `qrcode-generator has changed: ${what} matched ${found} times, not once. ` +
          'Check scripts/trim-qrcode-generator.mjs against the new version.',
      );
    }
    code = code.replace(pattern, replacement);
  }
  return code;
}

/** The same cut as a Vite (Rolldown) plugin for the drop-in bundle. */
export function trimQrcodeGeneratorPlugin() {
  return {
    name: 'gym-access-qr-trim-qrcode-generator',
    transform(code, id) {
      if (!QRCODE_GENERATOR_MODULE.test(id.split('?')[0])) return null;
      // Whole functions go; nothing else moves far enough to matter for a map of a dependency.
      return { code: trimQrcodeGenerator(code), map: null };
    },
  };
}

/** The same cut for @web/test-runner, so the tests exercise the encoder that ships. */
export function trimQrcodeGeneratorServePlugin() {
  return {
    name: 'gym-access-qr-trim-qrcode-generator',
    transform(context) {
      if (!QRCODE_GENERATOR_MODULE.test(context.path)) return undefined;
      return { body: trimQrcodeGenerator(context.body) };
    },
  };
}
