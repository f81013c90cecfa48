// A build-time edit of eventsource-parser for the browser bundle: its error texts.
//
// The element reads the check-in stream through the library's createParser and
// looks at one thing of a parse error, its `type` (a message over the size limit
// ends the stream). The English messages built for developers (a parse error's,
// and the two a caller can only meet by misusing the parser, which the element
// does not: it passes an object and stops feeding after the size error) never
// reach anyone, yet were about 140 B gzipped of a phone's download. Here they
// become short fixed texts; the parser's behaviour, the errors' types and
// fields are unchanged.
//
// Every edit must match the library's text exactly once. When an update of
// eventsource-parser moves any of it, the build and the tests stop with an
// error instead of shipping a half-edited parser.

/** The module this applies to, as resolved from node_modules. */
export const EVENTSOURCE_PARSER_MODULE = /[\\/]eventsource-parser[\\/]dist[\\/]index\.js$/;

/** [what changes, the exact text, what takes its place] */
const EDITS = [
  [
    'the function-instead-of-object message',
    '"`config` must be an object, got a function instead. Did you mean `createParser({onEvent: fn})`?"',
    '"config"',
  ],
  [
    'the feed-after-termination message',
    '"Cannot feed parser: it was terminated after exceeding the configured max buffer size. Call `reset()` to resume parsing."',
    '"terminated"',
  ],
  [
    'the max-buffer-size message',
    '`Buffered data exceeded max buffer size of ${maxBufferSize} characters`',
    '"max-buffer-size-exceeded"',
  ],
  ['the invalid-retry message', '`Invalid \\`retry\\` value: "${value}"`', '"invalid-retry"'],
  [
    'the unknown-field message',
    '`Unknown field "${field.length > 20 ? `${field.slice(0, 20)}\\u2026` : field}"`',
    '"unknown-field"',
  ],
];

/** Returns eventsource-parser's ES module with short error texts. */
export function buildEventsourceParser(source) {
  let code = source;
  for (const [what, text, replacement] of EDITS) {
    const found = code.split(text).length - 1;
    if (found !== 1) {
      throw new Error(
        `eventsource-parser has changed: ${what} matched ${found} times, not once. ` +
          'Check scripts/eventsource-parser-build.mjs against the new version.',
      );
    }
    code = code.replace(text, () => replacement);
  }
  return code;
}

/** The same edits as a Vite (Rolldown) plugin for the drop-in bundle. */
export function eventsourceParserPlugin() {
  return {
    name: 'gym-access-qr-eventsource-parser',
    transform(code, id) {
      if (!EVENTSOURCE_PARSER_MODULE.test(id.split('?')[0])) return null;
      return { code: buildEventsourceParser(code), map: null };
    },
  };
}

/** The same edits for @web/test-runner, so the tests read check-ins with the parser that ships. */
export function eventsourceParserServePlugin() {
  return {
    name: 'gym-access-qr-eventsource-parser',
    transform(context) {
      if (!EVENTSOURCE_PARSER_MODULE.test(context.path)) return undefined;
      return { body: buildEventsourceParser(context.body) };
    },
  };
}
