/** relay.close(): what a request under way and an open stream see when the relay stops. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRelay } from '../../src/server/index.js';
import { MAGICLINE_KEY, openEvents, recordingLogger, startUpstream, until, WEBHOOK_KEY } from './helpers.js';

describe('relay.close()', () => {
  it('answers an access-code request under way, ends streams with retry:, then stops', async () => {
    const upstream = await startUpstream();
    const relay = createRelay({
      magiclineBaseUrl: upstream.url,
      magiclineApiKey: MAGICLINE_KEY,
      webhookApiKey: WEBHOOK_KEY,
      authorize: () => 'allow',
      logger: recordingLogger(),
    });
    try {
      const { url } = await relay.listen({ hostname: '127.0.0.1' });
      const stream = await openEvents(`${url}/v1/customers/5/events`);
      await stream.waitFor(() => stream.text().includes('event: ready'));
      upstream.delayMs = 500;
      const pending = fetch(`${url}/v1/customers/6/access-code`);
      // The call has reached Magicline before the relay is told to stop.
      await new Promise<void>((resolve) => {
        const check = () => (upstream.callsFor('6') ? resolve() : setTimeout(check, 5));
        check();
      });
      const closed = relay.close();
      await until(() => stream.ended(), 2_000, 'the stream to end');
      assert.match(stream.text(), /\nretry: \d+\n\n$/);
      const response = await pending;
      assert.equal(response.status, 200, 'Magicline answered within the grace: so does the relay');
      assert.match(await response.text(), /"content"/);
      await closed;
    } finally {
      await relay.close();
      await upstream.close();
    }
  });
});
