import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { AccessCodeError, requestAccessCode, resolveHeaders } from '../src/internal/request.js';

describe('requestAccessCode', () => {
  afterEach(() => sinon.restore());

  const request = (signal = new AbortController().signal) =>
    requestAccessCode({
      url: 'https://partner.example/code',
      credentials: 'omit',
      headers: { 'X-Member': '1' },
      signal,
    });

  async function failure(promise: Promise<unknown>): Promise<AccessCodeError> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AccessCodeError) return error;
      throw error;
    }
    throw new Error('expected a failure');
  }

  it('sends Accept, the given headers and credentials, without caching, and reads the Date header', async () => {
    const fetch = sinon.stub(window, 'fetch').resolves(
      new Response('{"format":"QR_CODE","content":"1","expiresAt":"2030-01-01T00:00:00Z"}', {
        headers: { Date: 'Tue, 01 Jan 2030 00:00:00 GMT' },
      }),
    );
    const { code, serverDateMs } = await request();
    expect(code.content).to.equal('1');
    expect(serverDateMs).to.equal(Date.parse('2030-01-01T00:00:00Z'));
    const init = fetch.firstCall.args[1]!;
    expect(init.credentials).to.equal('omit');
    expect(init.cache).to.equal('no-store');
    expect(init.headers).to.deep.equal({ 'X-Member': '1', Accept: 'application/json' });
  });

  it('treats an unreadable Date header as absent', async () => {
    sinon
      .stub(window, 'fetch')
      .resolves(new Response('{"format":"QR_CODE","content":"1"}', { headers: { Date: 'garbage' } }));
    expect((await request()).serverDateMs).to.equal(null);
  });

  it('maps statuses to kinds', async () => {
    const kinds: [number, string][] = [
      [401, 'unauthorized'],
      [403, 'forbidden'],
      [404, 'not-found'],
      [429, 'rate-limited'],
      [500, 'http'],
      [418, 'http'],
    ];
    for (const [status, kind] of kinds) {
      sinon.restore();
      sinon.stub(window, 'fetch').resolves(new Response('{}', { status }));
      const error = await failure(request());
      expect([error.kind, error.status]).to.deep.equal([kind, status]);
    }
  });

  it('maps a rejected fetch to network and a broken body to invalid-response', async () => {
    sinon.stub(window, 'fetch').rejects(new TypeError('Failed to fetch'));
    expect((await failure(request())).kind).to.equal('network');
    sinon.restore();
    sinon.stub(window, 'fetch').resolves(new Response('{"format":'));
    expect((await failure(request())).kind).to.equal('invalid-response');
  });

  it('rejects with the abort reason, not an AccessCodeError, when the caller aborts', async () => {
    // Like fetch: an aborted signal rejects, whether it was aborted before the call or during it.
    sinon.stub(window, 'fetch').callsFake(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          const signal = init!.signal!;
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    const abort = new AbortController();
    const pending = request(abort.signal);
    abort.abort(new DOMException('gone', 'AbortError'));
    try {
      await pending;
      expect.fail('should reject');
    } catch (error) {
      expect(error).to.be.instanceOf(DOMException);
    }
  });
});

describe('resolveHeaders', () => {
  it('takes an object, a function or an async function', async () => {
    expect(await resolveHeaders({ A: '1' })).to.deep.equal({ A: '1' });
    expect(await resolveHeaders(() => ({ B: '2' }))).to.deep.equal({ B: '2' });
    expect(await resolveHeaders(async () => ({ C: '3' }))).to.deep.equal({ C: '3' });
    expect(await resolveHeaders(undefined)).to.deep.equal({});
  });

  it('reports a throwing function as network (worth a retry) and a wrong shape as config', async () => {
    try {
      await resolveHeaders(async () => {
        throw new Error('token refresh failed');
      });
      expect.fail('should reject');
    } catch (error) {
      expect((error as AccessCodeError).kind).to.equal('network');
    }
    try {
      await resolveHeaders((() => 'Bearer x') as never);
      expect.fail('should reject');
    } catch (error) {
      expect((error as AccessCodeError).kind).to.equal('config');
    }
  });
});
