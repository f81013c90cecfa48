// Member tokens as the bin expects them: HS256 JWTs with `sub` = the customer id and an `exp`.
import { createHmac } from 'node:crypto';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** A token for `customerId`, valid for two hours: longer than any run, so no stream ends on its `exp`. */
export function memberToken(secret, customerId) {
  const exp = Math.floor(Date.now() / 1000) + 2 * 3600;
  const payload = Buffer.from(JSON.stringify({ sub: String(customerId), exp })).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${HEADER}.${payload}`).digest('base64url');
  return `${HEADER}.${payload}.${signature}`;
}
