import type { ErrorDetail, ErrorKind } from '../events.js';
import { parseAccessCode, type AccessCode } from './access-code.js';
import { claimPreload, fetchAccessCode, takeEarlyRequest } from './access-code-fetch.js';
import { REQUEST_TIMEOUT_MS, retryAfterDelay } from './schedule.js';

/** A plain header object, or a function (sync or async) that returns one before each request. */
export type RequestHeadersSource =
  Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

/** A failed request, classified by the contract's error kinds. */
export class AccessCodeError extends Error {
  override readonly name = 'AccessCodeError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly status?: number,
    /** From `Retry-After`, when the server sent one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

const RETRIED: ReadonlySet<ErrorKind> = new Set(['network', 'timeout', 'invalid-response', 'rate-limited']);

/** Whether the element tries again by itself after this failure (with backoff, or after `Retry-After`). */
export function isRetried(error: AccessCodeError): boolean {
  return RETRIED.has(error.kind) || (error.kind === 'http' && (error.status ?? 0) >= 500);
}

/** The `gym-access-qr-error` detail for a failure; `retryInMs` is `null` when nothing is retried by itself. */
export function errorDetail(error: AccessCodeError, retryInMs: number | null): ErrorDetail {
  const detail: ErrorDetail = { kind: error.kind, retryInMs, message: error.message };
  if (error.status !== undefined) detail.status = error.status;
  return detail;
}

export interface AccessCodeRequest {
  url: string;
  credentials: RequestCredentials;
  /** Resolved inside the request's time limit: a token provider that hangs is a timeout, not a stall. */
  headers: RequestHeadersSource | undefined | null;
  /** Aborts the request for good: the caller has moved on (removed, reconfigured). */
  signal: AbortSignal;
  timeoutMs?: number;
}

export interface AccessCodeResponse {
  code: AccessCode;
  /** `performance.now()` when the request went out, after the headers were resolved: the start of the code's lifetime. */
  sentAt: number;
  /** The response's `Date` header, parsed, when the browser lets us read it. */
  serverDateMs: number | null;
}

const STATUS_KINDS: Record<number, ErrorKind> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  429: 'rate-limited',
};

/** Calls `requestHeaders` (if a function) and checks what it gives back. */
export async function resolveHeaders(source: RequestHeadersSource | undefined | null): Promise<Record<string, string>> {
  let headers: unknown;
  try {
    headers = typeof source === 'function' ? await source() : source;
  } catch (error) {
    // Typically a token refresh that failed on a bad network: worth another try.
    throw new AccessCodeError(
      'network',
      `requestHeaders failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return checkedHeaders(headers);
}

/** Headers given as an object (or none), checked. */
function checkedHeaders(headers: unknown): Record<string, string> {
  if (headers == null) return {};
  if (typeof headers !== 'object' || Array.isArray(headers)) {
    throw new AccessCodeError('config', 'requestHeaders must be an object of header names to values');
  }
  return headers as Record<string, string>;
}

/**
 * Fetches one access code. Resolves with the parsed code, rejects with an
 * {@link AccessCodeError}, or with the signal's reason once `signal` aborts.
 */
export async function requestAccessCode(request: AccessCodeRequest): Promise<AccessCodeResponse> {
  const { url, credentials, headers, signal, timeoutMs = REQUEST_TIMEOUT_MS } = request;
  const attempt = new AbortController();
  const abort = () => attempt.abort(signal.reason);
  signal.addEventListener('abort', abort);
  let timedOut = false;
  // A timer rather than AbortSignal.timeout(): it follows the page's (and the tests') clock.
  const timer = setTimeout(() => {
    timedOut = true;
    attempt.abort();
  }, timeoutMs);
  const stopped = new Promise<never>((_, reject) => attempt.signal.addEventListener('abort', reject, { once: true }));
  stopped.catch(() => {});
  try {
    if (signal.aborted) throw signal.reason;
    let response: Response;
    let text: string;
    let sentAt: number;
    try {
      // Headers given as an object need no await: the request leaves before the element's first render.
      const resolved =
        typeof headers === 'function'
          ? await Promise.race([resolveHeaders(headers), stopped])
          : checkedHeaders(headers);
      // The request this element's tag already sent as the bundle began to run, when it is this one.
      const early = Object.keys(resolved).length === 0 ? takeEarlyRequest(url, credentials) : null;
      const preloaded = early ? early.preloaded : claimPreload(url);
      if (early) {
        sentAt = early.sentAt;
        attempt.signal.addEventListener('abort', () => early.abort.abort(), { once: true });
        response = await early.response;
      } else {
        sentAt = performance.now();
        response = await fetchAccessCode(url, credentials, resolved, attempt.signal, preloaded !== null);
      }
      if (!response.ok) {
        const kind = STATUS_KINDS[response.status] ?? 'http';
        const retryAfterMs =
          kind === 'rate-limited' ? retryAfterDelay(response.headers.get('Retry-After'), Date.now()) : null;
        // Drop the body: it is not needed, and an open stream keeps the connection busy.
        void response.body?.cancel().catch(() => {});
        throw new AccessCodeError(
          kind,
          `access code request failed with HTTP ${response.status}`,
          response.status,
          retryAfterMs,
        );
      }
      text = await response.text();
      if (preloaded) sentAt = Math.min(sentAt, preloaded());
    } catch (error) {
      if (error instanceof AccessCodeError) throw error;
      if (signal.aborted) throw signal.reason;
      if (timedOut) throw new AccessCodeError('timeout', `access code request took longer than ${timeoutMs / 1000} s`);
      throw new AccessCodeError('network', 'access code request failed: the network or the server did not answer');
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AccessCodeError('invalid-response', 'access code response is not JSON', response.status);
    }
    const parsed = parseAccessCode(body);
    if (!parsed.ok) throw new AccessCodeError('invalid-response', parsed.message, response.status);
    const date = response.headers.get('Date');
    const serverDateMs = date === null ? null : Date.parse(date);
    return { code: parsed.code, sentAt, serverDateMs: Number.isNaN(serverDateMs) ? null : serverDateMs };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  }
}
