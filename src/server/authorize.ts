import type { IncomingMessage } from 'node:http';
import type { webcrypto } from 'node:crypto';
import { jwtVerify, type JWTPayload } from 'jose';
import { customerKey, isCustomerId } from '../internal/customer-id.js';

/**
 * What an `authorize` callback answers: `'allow'`, `{ allow: true, expiresAt }`
 * (allowed until `expiresAt`, epoch ms or a Date: an open event stream ends
 * then, and the client reconnects with fresh credentials), `'unauthorized'`
 * (401: no or bad credentials) or `'forbidden'` (403: signed in, but not this
 * customer). Anything else counts as `'forbidden'`; a thrown error as a 500.
 */
export type Authorization = 'allow' | AllowedUntil | 'unauthorized' | 'forbidden';

/** Allowed, until the credentials expire. */
export interface AllowedUntil {
  allow: true;
  /** Epoch ms or a Date; absent: as long as a plain `'allow'`. */
  expiresAt?: number | Date;
}

/** Until when an answer allows: epoch ms, Infinity for a plain `'allow'`, null when it does not allow. */
export function allowedUntil(answer: unknown): number | null {
  if (answer === 'allow') return Infinity;
  if (!answer || typeof answer !== 'object' || (answer as AllowedUntil).allow !== true) return null;
  const { expiresAt } = answer as AllowedUntil;
  if (expiresAt === undefined) return Infinity;
  const ms = expiresAt instanceof Date ? expiresAt.getTime() : expiresAt;
  return typeof ms === 'number' && !Number.isNaN(ms) ? ms : null;
}

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

/** Tokens whose signature has been checked, kept per authorizer (a token is a few hundred bytes). */
const VERIFIED_TOKENS_KEPT = 20_000;

/**
 * The HS256 secret as a key imported once: given the raw bytes, jose imports them again for every token, which
 * took as long as the check itself (a member's first code and every stream opened pay for it).
 */
function hmacKey(secret: string | Uint8Array): Promise<webcrypto.CryptoKey | Uint8Array> {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  // Where WebCrypto cannot import it (an empty secret), jose is handed the bytes and says why it refuses them.
  return crypto.subtle
    .importKey('raw', new Uint8Array(bytes), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
    .catch(() => bytes);
}

/**
 * `Authorization: Bearer <JWT>`, HS256, `sub` = the customer id, `exp`
 * required, `studio` = the studio's id (required with `requireStudio`; a
 * token for another studio is 403): what the standalone relay uses. `sub` and
 * the path compare as customers (leading zeros do not matter). Allowed until
 * the token is no longer accepted: its `exp` plus the clock tolerance. Works
 * as either callback, `authorize(request, customerId, context)` or
 * `authorize(request, { studio, customerId })`.
 */
export function jwtAuthorizer(options: JwtAuthorizerOptions): Authorize & AuthorizeMember {
  const key = hmacKey(options.secret);
  const toleranceSeconds = options.clockToleranceSeconds ?? 30;
  // A member sends the same token with every code request and reconnect: its signature is checked once, and
  // only its times again (the HMAC check was most of what a cached code cost to serve).
  const signedOnce = new Map<string, JWTPayload>();
  const verified = async (token: string): Promise<JWTPayload | null> => {
    const known = signedOnce.get(token);
    if (known) {
      const now = Date.now() / 1000;
      if (known.exp! + toleranceSeconds > now && (known.nbf === undefined || known.nbf - toleranceSeconds <= now)) {
        return known;
      }
      signedOnce.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, await key, {
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: toleranceSeconds,
      });
      // Bounded: past the limit the oldest entry goes (a Map keeps insertion order).
      if (signedOnce.size >= VERIFIED_TOKENS_KEPT) signedOnce.delete(signedOnce.keys().next().value!);
      signedOnce.set(token, payload);
      return payload;
    } catch {
      return null;
    }
  };
  const check = async (request: Request, customerId: string, studio: string | undefined): Promise<Authorization> => {
    const match = /^Bearer[ ]+([A-Za-z0-9_.-]+)\s*$/.exec(request.headers.get('Authorization') ?? '');
    if (!match) return 'unauthorized';
    const payload = await verified(match[1]!);
    if (!payload) return 'unauthorized';
    const { sub, exp, studio: claimed } = payload;
    if (typeof sub !== 'string' || !isCustomerId(sub)) return 'forbidden';
    // Signed in, but for another studio (or for none, where the relay serves several): 403, not 401.
    if (
      claimed === undefined
        ? options.requireStudio
        : typeof claimed !== 'string' || (studio !== undefined && claimed !== studio)
    )
      return 'forbidden';
    if (customerKey(sub) !== customerKey(customerId)) return 'forbidden';
    return { allow: true, expiresAt: (exp! + toleranceSeconds) * 1000 };
  };
  return ((request: Request, member: string | MemberContext, context?: AuthorizeContext) =>
    typeof member === 'string'
      ? check(request, member, context?.studio)
      : check(request, member.customerId, member.studio)) as Authorize & AuthorizeMember;
}

/** Who a staff request is for: the route's studio, and (in Node) the Node request. */
export interface StaffContext extends AuthorizeContext {
  studio: string;
}

/** The partner's check that the request comes from the staff of `studio`: the front desk's feed. */
export type AuthorizeStaff = (request: Request, staff: StaffContext) => Authorization | Promise<Authorization>;

/**
 * `Authorization: Bearer <JWT>`, HS256 with the member tokens' secret, `role: "staff"`, `studio` = the
 * route's studio, `exp` required: what the standalone relay uses for the front desk's feed. A member
 * token (no staff role) or a staff token of another studio is 403; none or a bad one, 401.
 */
export function staffJwtAuthorizer(options: Omit<JwtAuthorizerOptions, 'requireStudio'>): AuthorizeStaff {
  const key = hmacKey(options.secret);
  const toleranceSeconds = options.clockToleranceSeconds ?? 30;
  return async (request, { studio }) => {
    const match = /^Bearer[ ]+([A-Za-z0-9_.-]+)\s*$/.exec(request.headers.get('Authorization') ?? '');
    if (!match) return 'unauthorized';
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, await key, {
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
        clockTolerance: toleranceSeconds,
      }));
    } catch {
      return 'unauthorized';
    }
    if (payload.role !== 'staff' || payload.studio !== studio) return 'forbidden';
    return { allow: true, expiresAt: (payload.exp! + toleranceSeconds) * 1000 };
  };
}
