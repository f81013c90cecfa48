import { expect } from '@open-wc/testing';
import { sseParser, type SseMessage } from '../src/internal/sse.js';

/** Feeds `chunks` one by one; returns the messages, the number of comments and what each feed returned. */
function parse(chunks: string[], maxChars = 1024) {
  const messages: SseMessage[] = [];
  let comments = 0;
  const feed = sseParser(
    (message) => messages.push(message),
    () => comments++,
    maxChars,
  );
  const results = chunks.map((chunk) => feed(chunk));
  return { messages, comments, results };
}

describe('sseParser', () => {
  it('dispatches a message at its blank line, with its id and event name', () => {
    const { messages } = parse(['id: 7-0\nevent: ready\ndata: {"a":1}\n\n']);
    expect(messages).to.deep.equal([{ id: '7-0', event: 'ready', data: '{"a":1}' }]);
  });

  it('joins data lines with a line feed, and strips one space after the colon only', () => {
    const { messages } = parse(['data: one\ndata:two\ndata:  three\n\n']);
    expect(messages).to.deep.equal([{ id: undefined, event: undefined, data: 'one\ntwo\n three' }]);
  });

  it('reads CRLF, CR and LF line ends, also a CRLF split across two chunks', () => {
    const { messages } = parse(['data: a\r\n\r\ndata: b\r\rdata: c\r', '\n\r', '\ndata: d\n\n']);
    expect(messages.map((m) => m.data)).to.deep.equal(['a', 'b', 'c', 'd']);
  });

  it('reads a message handed over in pieces of any size', () => {
    const text = 'id: 1-0\ndata: {"entityId":1234567}\n\n: keep-alive\n\nid: 2-0\ndata: x\n\n';
    for (let size = 1; size <= text.length; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      const { messages, comments } = parse(chunks);
      expect(messages, `pieces of ${size}`).to.deep.equal([
        { id: '1-0', event: undefined, data: '{"entityId":1234567}' },
        { id: '2-0', event: undefined, data: 'x' },
      ]);
      expect(comments).to.equal(1);
    }
  });

  it('waits for the blank line: an unfinished message is not dispatched', () => {
    expect(parse(['data: a\n']).messages).to.deep.equal([]);
    expect(parse(['data: a']).messages).to.deep.equal([]);
  });

  it('counts comment lines, and dispatches nothing for a block without data', () => {
    const { messages, comments } = parse([': connected\n:\nid: 3-0\n\nevent: x\n\n']);
    expect(messages).to.deep.equal([]);
    expect(comments).to.equal(2);
  });

  it('dispatches a message whose data line is empty, and a field without a colon as empty', () => {
    const { messages } = parse(['event: ready\ndata:\n\ndata\n\n']);
    expect(messages).to.deep.equal([
      { id: undefined, event: 'ready', data: '' },
      { id: undefined, event: undefined, data: '' },
    ]);
  });

  it('keeps the id and event name to their own message, and an empty event name counts as none', () => {
    const { messages } = parse(['id: 1\nevent: a\ndata: x\n\nevent:\ndata: y\n\n']);
    expect(messages).to.deep.equal([
      { id: '1', event: 'a', data: 'x' },
      { id: undefined, event: undefined, data: 'y' },
    ]);
  });

  it('passes an empty id on (it clears the last id), ignores an id with NUL, and unknown fields and retry', () => {
    const { messages } = parse(['id:\ndata: a\n\nid: b\0c\nretry: 10\nfoo: bar\ndata: b\n\n']);
    expect(messages).to.deep.equal([
      { id: '', event: undefined, data: 'a' },
      { id: undefined, event: undefined, data: 'b' },
    ]);
  });

  it('says stop once a line or a message holds more than the limit, not before', () => {
    expect(parse(['data: ' + 'x'.repeat(10), '\n\n'], 16).results).to.deep.equal([true, true]);
    expect(parse(['data: ' + 'x'.repeat(20)], 16).results).to.deep.equal([false]);
    // Many short data lines of one message add up.
    expect(parse(['data: 12345\n'.repeat(4)], 16).results).to.deep.equal([false]);
  });
});
