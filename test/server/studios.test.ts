/** The studios file: what a partner with many studios writes, and the messages for what is wrong in it. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readStudiosFile } from '../../src/server/studios-file.js';
import { parseStudios, StudiosError, webhookKeyLookup } from '../../src/server/studios.js';

const studio = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  magiclineBaseUrl: `https://${id}.open-api.magicline.test`,
  magiclineApiKey: `api-key-of-${id}`,
  webhookApiKey: `webhook-key-of-${id}`,
  ...extra,
});

describe('parseStudios', () => {
  it('takes each studio with its keys and URL, the limit 1000 unless given', () => {
    const studios = parseStudios({
      studios: [studio('berlin-mitte'), studio('hamburg-1', { upstreamLimitPerMinute: 250 })],
    });
    assert.deepEqual(studios, [
      { ...studio('berlin-mitte'), upstreamLimitPerMinute: 1000 },
      { ...studio('hamburg-1'), upstreamLimitPerMinute: 250 },
    ]);
    assert.equal(parseStudios({ studios: [studio('a')] }, 600)[0]!.upstreamLimitPerMinute, 600, 'a default given');
  });

  const cases: [string, unknown, RegExp][] = [
    ['no list', { studio: [] }, /expected \{"studios": \[/],
    ['an empty list', { studios: [] }, /lists no studio/],
    ['a studio that is no object', { studios: [studio('a'), 'b'] }, /^studios\[1\] must be an object$/],
    [
      'an id with capitals',
      { studios: [studio('Berlin')] },
      /^studios\[0\]\.id must be 1 to 64 of a-z, 0-9 and -, got "Berlin"$/,
    ],
    ['an id too long', { studios: [studio('a'.repeat(65))] }, /^studios\[0\]\.id must be 1 to 64/],
    ['no id', { studios: [{ ...studio('a'), id: undefined }] }, /^studios\[0\]\.id must be/],
    [
      'an id twice',
      { studios: [studio('a'), studio('b'), { ...studio('a'), webhookApiKey: 'w2' }] },
      /^studios\[2\]\.id: "a" is already the id of studios\[0\]$/,
    ],
    [
      'no API key',
      { studios: [studio('a'), studio('b', { magiclineApiKey: '' })] },
      /^studio "b": magiclineApiKey is required$/,
    ],
    ['no webhook key', { studios: [studio('b', { webhookApiKey: 7 })] }, /^studio "b": webhookApiKey is required$/],
    [
      'a key with a blank',
      { studios: [studio('b', { webhookApiKey: 'secret-webhook-key ' })] },
      /^studio "b": webhookApiKey begins or ends with white space$/,
    ],
    [
      'one webhook key for two studios',
      { studios: [studio('a'), studio('b', { webhookApiKey: 'webhook-key-of-a' })] },
      /^studio "b": webhookApiKey is the same as studio "a"'s$/,
    ],
    [
      'no URL',
      { studios: [studio('c', { magiclineBaseUrl: undefined })] },
      /^studio "c": magiclineBaseUrl is required$/,
    ],
    [
      'an ftp URL',
      { studios: [studio('c', { magiclineBaseUrl: 'ftp://user:secret-password@host/' })] },
      /^studio "c": magiclineBaseUrl must be an http: or https: URL$/,
    ],
    [
      'not a URL',
      { studios: [studio('c', { magiclineBaseUrl: 'secret-password@host' })] },
      /^studio "c": magiclineBaseUrl must be an http: or https: URL$/,
    ],
    [
      'a limit of 0',
      { studios: [studio('d', { upstreamLimitPerMinute: 0 })] },
      /^studio "d": upstreamLimitPerMinute must be a whole number from 1 to 1000000$/,
    ],
    [
      'a limit as text',
      { studios: [studio('d', { upstreamLimitPerMinute: '1000' })] },
      /^studio "d": upstreamLimitPerMinute must be a whole number/,
    ],
    [
      'a misspelt field',
      { studios: [studio('e', { magicLineApiKey: 'secret-x' })] },
      /^studio "e": unknown field "magicLineApiKey"$/,
    ],
  ];
  for (const [what, value, message] of cases) {
    it(`refuses ${what}, naming the studio and the field, echoing no key or URL`, () => {
      assert.throws(
        () => parseStudios(value),
        (error: unknown) => {
          assert.ok(error instanceof StudiosError);
          assert.match(error.message, message);
          assert.doesNotMatch(error.message, /secret|api-key-of|webhook-key-of|magicline\.test/);
          return true;
        },
      );
    });
  }
});

describe('readStudiosFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gym-access-qr-studios-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads a file as a container platform mounts it', () => {
    const path = file('studios.json', JSON.stringify({ studios: [studio('a'), studio('b')] }, null, 2) + '\n');
    assert.deepEqual(
      readStudiosFile(path).map((s) => s.id),
      ['a', 'b'],
    );
  });

  it('names the variable and the fault, never the text around a JSON error', () => {
    const broken = file('broken.json', '{"studios": [{"id": "a", "magiclineApiKey": "secret-key-123" oops}]}');
    assert.throws(
      () => readStudiosFile(broken),
      (error: Error) => {
        assert.equal(error.message, `RELAY_STUDIOS_FILE is not JSON: ${broken}`);
        return true;
      },
    );
    assert.throws(
      () => readStudiosFile(join(dir, 'missing.json')),
      /^StudiosError: RELAY_STUDIOS_FILE cannot be read \(ENOENT\)/,
    );
    const bad = file('bad.json', JSON.stringify({ studios: [studio('a', { magiclineApiKey: '' })] }));
    assert.throws(
      () => readStudiosFile(bad),
      /^StudiosError: RELAY_STUDIOS_FILE: studio "a": magiclineApiKey is required$/,
    );
  });
});

describe('webhookKeyLookup', () => {
  it('finds the studio whose key it is, and none for another key', async () => {
    const studios = parseStudios({ studios: [studio('a'), studio('b'), studio('c')] });
    const lookup = webhookKeyLookup(studios);
    assert.equal((await lookup('webhook-key-of-b'))?.id, 'b');
    assert.equal((await lookup('webhook-key-of-a'))?.id, 'a');
    assert.equal((await lookup('webhook-key-of-c'))?.id, 'c');
    for (const other of ['', 'webhook-key-of-', 'webhook-key-of-bb', 'WEBHOOK-KEY-OF-B', 'api-key-of-b'])
      assert.equal(await lookup(other), null, other);
  });
});
