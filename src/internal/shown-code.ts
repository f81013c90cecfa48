import type { AccessCode } from './access-code.js';
import type { Checkin } from './checkin.js';
import { qrImage, type ErrorCorrectionLevel, type QrImage } from './qr.js';
import { AccessCodeError } from './request.js';
import { codeLifetime, refreshDelay } from './schedule.js';

/** The code on screen. Times are `performance.now()` milliseconds. */
export interface ShownCode {
  readonly content: string;
  readonly expiresAt: string | null;
  /** When its request was sent: the start of its lifetime. */
  readonly sentAt: number;
  /** When it dies. */
  readonly deadline: number;
  /** When its successor is requested. */
  readonly refreshAt: number;
  /** When it was issued, on the server's clock (epoch ms), for comparing with check-in timestamps. */
  readonly issuedAt: number;
  /** When it arrived (`performance.now()`): `issuedAt` was the server's time then. */
  readonly receivedAt: number;
  qr: QrImage;
}

/** The element's settings that time a code, in seconds, as its attributes give them. */
export interface CodeTiming {
  fallbackRefresh: number;
  refreshLead: number;
}

// Attribute values are read where they are used, so a value the element does not know (an unknown
// level, a misspelt credentials mode) falls back to the default before it can reach fetch or the encoder.
export function levelOf(value: string): ErrorCorrectionLevel {
  return value === 'L' || value === 'Q' || value === 'H' ? value : 'M';
}

/** The QR of `content` at `level`, or `null` when it does not fit one. */
export function encodeContent(content: string, level: ErrorCorrectionLevel): QrImage | null {
  try {
    return qrImage(content, level);
  } catch {
    return null;
  }
}

/** An attribute's seconds as milliseconds, or the fallback's where the value is no count of seconds. */
function secondsToMs(value: number, fallback: number): number {
  return Number.isFinite(value) && value >= 0 ? value * 1000 : fallback * 1000;
}

/**
 * A code as it arrived, placed on the monotonic clock: it lives from `sentAt`
 * for as long as `codeLifetime` allows, and its successor is due the refresh
 * lead before that. Throws an `invalid-response` {@link AccessCodeError} for a
 * code that is already dead or that `encode` cannot draw.
 */
export function shownCode(
  code: Pick<AccessCode, 'content' | 'expiresAt' | 'expiresAtMs'>,
  serverDateMs: number | null,
  sentAt: number,
  timing: CodeTiming,
  encode: (content: string) => QrImage | null,
): ShownCode {
  const deviceNowMs = Date.now();
  const lifetime = codeLifetime({
    expiresAtMs: code.expiresAtMs,
    serverDateMs,
    deviceNowMs,
    fallbackMs: secondsToMs(timing.fallbackRefresh, 15),
  });
  if (lifetime <= 0) {
    throw new AccessCodeError('invalid-response', 'access code response has an expiresAt that is not in the future');
  }
  const qr = encode(code.content);
  if (!qr) throw new AccessCodeError('invalid-response', 'access code content does not fit a QR code');
  return {
    content: code.content,
    expiresAt: code.expiresAt,
    sentAt,
    deadline: sentAt + lifetime,
    refreshAt: sentAt + refreshDelay(lifetime, secondsToMs(timing.refreshLead, 5)),
    issuedAt: serverDateMs ?? deviceNowMs,
    receivedAt: performance.now(),
    qr,
  };
}

/** A check-in up to this much older than the shown code (server clock) still used it: clocks and relays lag. */
export const CHECKIN_TOLERANCE_MS = 5_000;

/** Whether a check-in used the shown code: not when there is none, or when it happened before that code was issued. */
export function usedCode({ timestamp }: Pick<Checkin, 'timestamp'>, code: ShownCode | null): boolean {
  return code !== null && timestamp >= code.issuedAt - CHECKIN_TOLERANCE_MS;
}
