import type { IncomingMessage } from 'node:http';
import { jwtVerify } from 'jose';
import { customerKey, isCustomerId } from '../internal/customer-id.js';

/**
 * What an `authorize` callback answers: `'allow'`, `'unauthorized'` (401: no
 * or bad credentials) or `'forbidden'` (403: signed in, but not this
 * customer). Anything else counts as `'forbidden'`; a thrown error as a 500.
 */
export type Authorization = 'allow' | 'unauthorized' | 'forbidden';

/** Where the request came from: in Node (`nodeHandler`, `listen`), the Node request, as Express and its session middleware left it. */
export interface AuthorizeContext {
  incoming?: IncomingMessage;
}

/**
 * The partner's check that the request's member owns `customerId` (the path's
 * digits as sent, leading zeros included).
 */
export type Authorize = (
  request: Request,
  customerId: string,
  context: AuthorizeContext,
) => Authorization | Promise<Authorization>;

export interface JwtAuthorizerOptions {
  /** The HS256 secret (at least 32 bytes). */
  secret: string | Uint8Array;
  /** Allowed clock difference for `exp`/`nbf`, seconds (default 30). */
  clockToleranceSeconds?: number;
}

/**
 * `Authorization: Bearer <JWT>`, HS256, `sub` = the customer id, `exp`
 * required: what the standalone relay uses. `sub` and the path compare as
 * customers (leading zeros do not matter).
 */
export function jwtAuthorizer(options: JwtAuthorizerOptions): Authorize {
  const key = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
  return async (request, customerId) => {
    const match = /^Bearer[ ]+([A-Za-z0-9_.-]+)\s*$/.exec(request.headers.get('Authorization') ?? '');
    if (!match) return 'unauthorized';
    let sub: unknown;
    try {
      const { payload } = await jwtVerify(match[1]!, key, {
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: options.clockToleranceSeconds ?? 30,
      });
      sub = payload.sub;
    } catch {
      return 'unauthorized';
    }
    if (typeof sub !== 'string' || !isCustomerId(sub)) return 'forbidden';
    return customerKey(sub) === customerKey(customerId) ? 'allow' : 'forbidden';
  };
}
