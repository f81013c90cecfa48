/** The bin's member check: HS256 bearer tokens whose `sub` is the customer id. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it, mock } from 'node:test';
import { SignJWT } from 'jose';
import { jwtAuthorizer } from '../../src/server/index.js';

const SECRET = 'a-member-token-secret-of-32-bytes-or-more';
const authorize = jwtAuthorizer({ secret: SECRET });
const check = async (token: string | null, customerId: string, authorizer = authorize) => {
  const answer = await authorizer(
    new Request('http://relay.test/', token === null ? {} : { headers: { Authorization: `Bearer ${token}` } }),
    customerId,
    {},
  );
  // An allowed token also says until when: see the expiry test below.
  return typeof answer === 'object' && answer.allow ? 'allow' : answer;
};

/** What the README's PHP `relay_token()` builds, step by step. */
function phpToken(customerId: string, secret: string, now = Math.floor(Date.now() / 1000)): string {
  const base64url = (text: string | Buffer) =>
    Buffer.from(text).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ sub: customerId, iat: now, exp: now + 900 }));
  const signature = base64url(createHmac('sha256', secret).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}

describe('jwtAuthorizer', () => {
  it('allows a token minted as the README shows, in Node and in PHP, for its own customer only', async () => {
    const node = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('9007199254740993')
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(new TextEncoder().encode(SECRET));
    assert.equal(await check(node, '9007199254740993'), 'allow');
    assert.equal(await check(node, '9007199254740992'), 'forbidden');
    assert.equal(await check(phpToken('1234567', SECRET), '1234567'), 'allow');
    assert.equal(await check(phpToken('1234567', SECRET), '0001234567'), 'allow');
    assert.equal(await check(phpToken('1234567', SECRET), '7654321'), 'forbidden');
  });

  it('allows until the token expires: its exp plus the clock tolerance', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1234567')
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(SECRET));
    const request = new Request('http://relay.test/', { headers: { Authorization: `Bearer ${token}` } });
    assert.deepEqual(await authorize(request, '1234567', {}), { allow: true, expiresAt: (exp + 30) * 1000 });
    const strict = jwtAuthorizer({ secret: SECRET, clockToleranceSeconds: 0 });
    assert.deepEqual(await strict(request, '1234567', {}), { allow: true, expiresAt: exp * 1000 });
  });

  it('refuses a token it accepted before once that token has expired, and one tampered with after it was accepted', async () => {
    const now = Date.now();
    mock.timers.enable({ apis: ['Date'], now });
    try {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('1234567')
        .setExpirationTime(Math.floor(now / 1000) + 60)
        .sign(new TextEncoder().encode(SECRET));
      const strict = jwtAuthorizer({ secret: SECRET, clockToleranceSeconds: 0 });
      assert.equal(await check(token, '1234567', strict), 'allow');
      assert.equal(await check(token, '1234567', strict), 'allow');
      const [header, , signature] = token.split('.');
      const forged = `${header}.${Buffer.from(JSON.stringify({ sub: '7654321', exp: 9999999999 })).toString('base64url')}.${signature}`;
      assert.equal(await check(forged, '7654321', strict), 'unauthorized');
      mock.timers.tick(61_000);
      assert.equal(await check(token, '1234567', strict), 'unauthorized');
    } finally {
      mock.timers.reset();
    }
  });

  it('answers unauthorized without a valid, unexpired HS256 token', async () => {
    assert.equal(await check(null, '1'), 'unauthorized');
    assert.equal(await check('', '1'), 'unauthorized');
    assert.equal(await check(phpToken('1', 'another-secret-that-is-long-enough!!'), '1'), 'unauthorized');
    assert.equal(await check(phpToken('1', SECRET, Math.floor(Date.now() / 1000) - 3600), '1'), 'unauthorized');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"sub":"1","exp":${Math.floor(Date.now() / 1000) + 60}}`).toString('base64url')}.`;
    assert.equal(await check(unsigned, '1'), 'unauthorized');
  });

  it('answers forbidden for a sub that is not a customer id', async () => {
    const key = new TextEncoder().encode(SECRET);
    const numeric = await new SignJWT({ sub: 1234567 as unknown as string })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(key);
    assert.notEqual(await check(numeric, '1234567'), 'allow');
    const named = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('member@example.com')
      .setExpirationTime('5m')
      .sign(key);
    assert.equal(await check(named, '1234567'), 'forbidden');
  });

  it("checks the token's studio claim against the route's studio, and requires it when asked", async () => {
    const key = new TextEncoder().encode(SECRET);
    const minted = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('42').setExpirationTime('5m').sign(key);
    const request = async (claims: Record<string, unknown>) =>
      new Request('http://relay.test/', { headers: { Authorization: `Bearer ${await minted(claims)}` } });
    const requireStudio = jwtAuthorizer({ secret: SECRET, requireStudio: true });
    // Allowed until the token's expiry: as 'allow' here.
    const verdict = (answer: unknown) => (answer && typeof answer === 'object' ? 'allow' : answer);
    const several = async (request: Request, member: { studio: string; customerId: string }) =>
      verdict(await requireStudio(request, member));
    const single = async (request: Request) => verdict(await authorize(request, '42', { studio: 'default' }));
    const member = (studio: string) => ({ studio, customerId: '42' });
    assert.equal(await several(await request({ studio: 'north' }), member('north')), 'allow');
    assert.equal(await several(await request({ studio: 'north' }), member('south')), 'forbidden');
    assert.equal(await several(await request({}), member('north')), 'forbidden', 'a claim is required');
    assert.equal(await several(await request({ studio: 7 }), member('north')), 'forbidden');
    assert.equal(await several(await request({ studio: 'north' }), { studio: 'north', customerId: '43' }), 'forbidden');
    // The single-studio form: no claim needed, and one that names another studio is still refused.
    assert.equal(await single(await request({})), 'allow');
    assert.equal(await single(await request({ studio: 'default' })), 'allow');
    assert.equal(await single(await request({ studio: 'north' })), 'forbidden');
  });
});
