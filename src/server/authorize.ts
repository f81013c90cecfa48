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
  /** The studio of the route (`default` on the single-studio routes). */
  studio?: string;
}

/** Who a member request is for: the route's studio and customer id, and (in Node) the Node request. */
export interface MemberContext extends AuthorizeContext {
  studio: string;
  /** The path's digits as sent, leading zeros included. */
  customerId: string;
}

/**
 * The partner's check that the request's member belongs to `studio` and owns
 * `customerId`: the callback of `createRelay({ studios })`.
 */
export type AuthorizeMember = (request: Request, member: MemberContext) => Authorization | Promise<Authorization>;

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
  /** Whether a token must name its studio in a `studio` claim (a relay serving several studios: yes). */
  requireStudio?: boolean;
}

/**
 * `Authorization: Bearer <JWT>`, HS256, `sub` = the customer id, `exp`
 * required, `studio` = the studio's id (required with `requireStudio`; a
 * token for another studio is 403): what the standalone relay uses. `sub` and
 * the path compare as customers (leading zeros do not matter). Works as
 * either callback, `authorize(request, customerId, context)` or
 * `authorize(request, { studio, customerId })`.
 */
export function jwtAuthorizer(options: JwtAuthorizerOptions): Authorize & AuthorizeMember {
  const key = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
  const check = async (request: Request, customerId: string, studio: string | undefined): Promise<Authorization> => {
    const match = /^Bearer[ ]+([A-Za-z0-9_.-]+)\s*$/.exec(request.headers.get('Authorization') ?? '');
    if (!match) return 'unauthorized';
    let sub: unknown;
    let claimed: unknown;
    try {
      const { payload } = await jwtVerify(match[1]!, key, {
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: options.clockToleranceSeconds ?? 30,
      });
      sub = payload.sub;
      claimed = payload.studio;
    } catch {
      return 'unauthorized';
    }
    if (typeof sub !== 'string' || !isCustomerId(sub)) return 'forbidden';
    // Signed in, but for another studio (or for none, where the relay serves several): 403, not 401.
    if (
      claimed === undefined
        ? options.requireStudio
        : typeof claimed !== 'string' || (studio !== undefined && claimed !== studio)
    )
      return 'forbidden';
    return customerKey(sub) === customerKey(customerId) ? 'allow' : 'forbidden';
  };
  return ((request: Request, member: string | MemberContext, context?: AuthorizeContext) =>
    typeof member === 'string'
      ? check(request, member, context?.studio)
      : check(request, member.customerId, member.studio)) as Authorize & AuthorizeMember;
}
