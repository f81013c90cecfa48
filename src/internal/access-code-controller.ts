import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  announce,
  ERROR_EVENT,
  EXPIRED_EVENT,
  INVALIDATED_EVENT,
  REFRESH_EVENT,
  type ErrorDetail,
  type ErrorKind,
  type ExpiredDetail,
  type InvalidatedDetail,
  type RefreshDetail,
} from '../events.js';
import type { Checkin } from './checkin.js';
import { credentialsOf, resolveEndpoint } from './config.js';
import { secondsLeft } from './countdown.js';
import { qrImage, type ErrorCorrectionLevel, type QrImage } from './qr.js';
import { AccessCodeError, requestAccessCode, type RequestHeadersSource } from './request.js';
import { backoffDelay, codeLifetime, refreshDelay } from './schedule.js';

/** Where the element stands; reflected as its `state` attribute. */
export const AccessState = {
  /** Not configured yet. */
  idle: 'idle',
  /** No code yet; a request is in flight or about to be retried. */
  loading: 'loading',
  /** A valid code is on screen. */
  active: 'active',
  /** The code ran out before a new one arrived. */
  expired: 'expired',
  /** The code was used at the gate or revoked. */
  invalidated: 'invalidated',
  /** A configuration error or a failure that is not retried by itself. */
  error: 'error',
} as const;
export type AccessState = (typeof AccessState)[keyof typeof AccessState];

/** What the controller reads from its element. */
export interface AccessCodeHost extends ReactiveControllerHost, HTMLElement {
  customerId: string;
  tokenEndpoint: string;
  refreshLead: number;
  fallbackRefresh: number;
  credentials: RequestCredentials;
  errorCorrection: ErrorCorrectionLevel;
  afterCheckin: 'prompt' | 'refresh';
  requestHeaders: RequestHeadersSource | undefined;
}

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

/** A check-in up to this much older than the shown code (server clock) still used it: clocks and relays lag. */
export const CHECKIN_TOLERANCE_MS = 5_000;

const RETRIED: ReadonlySet<ErrorKind> = new Set(['network', 'timeout', 'invalid-response', 'rate-limited']);

function isRetried(error: AccessCodeError): boolean {
  return RETRIED.has(error.kind) || (error.kind === 'http' && (error.status ?? 0) >= 500);
}

// Attribute values are read where they are used, so a value the element does not know (an unknown
// level, a misspelt credentials mode) falls back to the default before it can reach fetch or the encoder.
function levelOf(value: string): ErrorCorrectionLevel {
  return value === 'L' || value === 'Q' || value === 'H' ? value : 'M';
}

function seconds(value: number, fallback: number): number {
  return Number.isFinite(value) && value >= 0 ? value * 1000 : fallback * 1000;
}

type TimerName = 'expiry' | 'fetch' | 'tick';

/**
 * Owns an access code's whole life: configuration, requests, retries,
 * deadlines on the monotonic clock, page visibility and clean-up. The element
 * only renders what this holds and forwards its public methods here.
 *
 * Every change of situation ends in {@link plan}, which clears all timers and
 * derives the next step from the state alone, so no timer outlives a change.
 */
export class AccessCodeController implements ReactiveController {
  state: AccessState = AccessState.idle;
  code: ShownCode | null = null;
  /** The last failure while no successful response has come since. */
  error: ErrorDetail | null = null;
  /** Why the code was taken away, while the state is `invalidated`. */
  invalidation: InvalidatedDetail | null = null;

  #url: string | null = null;
  #configKey: string | null = null;
  #connected = false;
  #failures = 0;
  /** When the pending retry may go out (`performance.now()`), or `null`. */
  #retryAt: number | null = null;
  /** Set by a failure that is not retried and by a prompted check-in: nothing is fetched until refresh(). */
  #waitForUser = false;
  #inFlight: Promise<void> | null = null;
  /** The error-correction level the shown code was encoded at. */
  #level: ErrorCorrectionLevel = 'M';
  #abort: AbortController | null = null;
  /** Bumped by every request and every reset: only the latest request may write state. */
  #generation = 0;
  readonly #timers = new Map<TimerName, ReturnType<typeof setTimeout>>();

  readonly #host: AccessCodeHost;
  readonly #onTick: () => void;
  /** The whole seconds left that the host last showed, as far as ticks know. */
  #shownSeconds = -1;
  readonly #random: () => number;

  /**
   * @param onTick - Called when the shown whole seconds change while a code is shown; without it, the host
   *   re-renders. Nothing else changes then but what counts the time.
   */
  constructor(
    host: AccessCodeHost,
    onTick: () => void = () => host.requestUpdate(),
    random: () => number = Math.random,
  ) {
    this.#host = host;
    this.#onTick = onTick;
    this.#random = random;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    document.addEventListener('visibilitychange', this.#recheck);
    window.addEventListener('pageshow', this.#recheck);
    window.addEventListener('online', this.#onOnline);
    if (!this.#syncConfig()) this.#plan();
  }

  hostDisconnected(): void {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#recheck);
    window.removeEventListener('pageshow', this.#recheck);
    window.removeEventListener('online', this.#onOnline);
    this.#cancelRequest();
    this.#clearTimers();
  }

  hostUpdate(): void {
    this.#syncConfig();
    const code = this.code;
    if (code && levelOf(this.#host.errorCorrection) !== this.#level) {
      code.qr = this.#encode(code.content) ?? code.qr;
    }
  }

  /** Whether a request is in flight or a retry is scheduled. */
  get busy(): boolean {
    return this.#inFlight !== null || this.#retryAt !== null;
  }

  /** Fetch a new code now, whatever the schedule; resolves when that request has settled. */
  refresh(): Promise<void> {
    if (this.#url === null) {
      this.#configKey = null;
      this.#syncConfig();
      if (this.#url === null) return Promise.resolve();
    }
    if (this.#inFlight) return this.#inFlight;
    this.#failures = 0;
    this.#retryAt = null;
    this.#waitForUser = false;
    const request = this.#request();
    this.#plan();
    return request;
  }

  /** The shown code is dead (used at the gate, revoked): hide it at once and say so. */
  invalidate(reason: string, at: Date = new Date()): void {
    if (this.#url === null) return;
    this.#reset();
    this.invalidation = { reason, at: at.toISOString() };
    this.#setState(AccessState.invalidated);
    announce<InvalidatedDetail>(this.#host, INVALIDATED_EVENT, this.invalidation);
    this.#waitForUser = this.#host.afterCheckin !== 'refresh';
    this.#plan();
  }

  /** A check-in from the event stream: it used the shown code unless it happened before that code was issued. */
  checkin({ timestamp }: Checkin): void {
    const code = this.code;
    if (!code || timestamp < code.issuedAt - CHECKIN_TOLERANCE_MS) return;
    this.invalidate('checkin', new Date(timestamp));
  }

  readonly #recheck = (): void => this.#plan();

  readonly #onOnline = (): void => {
    // The network is back: a pending retry goes now, unless the server asked us to wait.
    if (this.#retryAt !== null && this.error?.kind !== 'rate-limited') this.#retryAt = performance.now();
    this.#plan();
  };

  /** Applies a changed `customer-id` or `token-endpoint`; returns whether it did. */
  #syncConfig(): boolean {
    const { customerId, tokenEndpoint } = this.#host;
    const key = `${customerId}\n${tokenEndpoint}`;
    if (key === this.#configKey) return false;
    this.#configKey = key;
    // The old customer's code and requests must not outlive the change.
    this.#reset();
    this.#waitForUser = false;
    this.invalidation = null;
    const config = resolveEndpoint(tokenEndpoint ?? '', customerId ?? '', document.baseURI);
    this.#url = config.status === 'ready' ? config.url : null;
    if (config.status === 'invalid') {
      this.#setState(AccessState.error);
      this.#report(new AccessCodeError('config', config.message), null);
    } else {
      this.#setState(config.status === 'idle' ? AccessState.idle : AccessState.loading);
    }
    this.#plan();
    return true;
  }

  /** Clears every timer and sets the ones the current situation needs; starts a request when one is due. */
  #plan(): void {
    this.#clearTimers();
    if (!this.#connected || this.#url === null) return;
    const now = performance.now();
    const code = this.code;
    if (code && now >= code.deadline) {
      this.#expire(code);
      return this.#plan();
    }
    // Nothing runs while the page is hidden; visibilitychange brings us back here.
    if (document.visibilityState === 'hidden') return;
    if (code) {
      this.#setTimer('expiry', code.deadline - now);
      this.#tick(code, now);
    }
    if (this.#inFlight) return;
    if (this.#waitForUser) return;
    const dueAt = this.#retryAt ?? code?.refreshAt ?? now;
    if (dueAt <= now) void this.#request();
    else this.#setTimer('fetch', dueAt - now);
  }

  #request(): Promise<void> {
    const generation = ++this.#generation;
    const abort = new AbortController();
    this.#abort = abort;
    this.#retryAt = null;
    // Expired and invalidated stay until a code arrives, so their message stays too (now with a spinner).
    if (this.state === AccessState.idle || this.state === AccessState.error) this.state = AccessState.loading;
    // Only a message shows that a request is under way (its spinner); behind a shown code nothing on screen changes,
    // and a render there cost every new code a second one.
    if (this.code === null) this.#host.requestUpdate();
    const url = this.#url!;
    const run = async () => {
      try {
        const response = await requestAccessCode({
          url,
          headers: this.#host.requestHeaders,
          credentials: credentialsOf(this.#host.credentials),
          signal: abort.signal,
        });
        if (generation !== this.#generation) return;
        this.#accept(response.code, response.serverDateMs, response.sentAt);
      } catch (error) {
        if (generation !== this.#generation) return;
        this.#fail(
          error instanceof AccessCodeError ? error : new AccessCodeError('network', 'access code request failed'),
        );
      } finally {
        if (generation === this.#generation) {
          this.#inFlight = null;
          this.#abort = null;
          this.#plan();
        }
      }
    };
    // run() reaches its first await before it can settle, so this is set before its finally runs.
    this.#inFlight = run();
    return this.#inFlight;
  }

  #accept(
    code: { content: string; expiresAt: string | null; expiresAtMs: number | null },
    serverDateMs: number | null,
    sentAt: number,
  ): void {
    const deviceNowMs = Date.now();
    const lifetime = codeLifetime({
      expiresAtMs: code.expiresAtMs,
      serverDateMs,
      deviceNowMs,
      fallbackMs: seconds(this.#host.fallbackRefresh, 15),
    });
    if (lifetime <= 0) {
      throw new AccessCodeError('invalid-response', 'access code response has an expiresAt that is not in the future');
    }
    const qr = this.#encode(code.content);
    if (!qr) throw new AccessCodeError('invalid-response', 'access code content does not fit a QR code');
    this.code = {
      content: code.content,
      expiresAt: code.expiresAt,
      sentAt,
      deadline: sentAt + lifetime,
      refreshAt: sentAt + refreshDelay(lifetime, seconds(this.#host.refreshLead, 5)),
      issuedAt: serverDateMs ?? deviceNowMs,
      receivedAt: performance.now(),
      qr,
    };
    // The render that shows the new code shows its seconds too.
    this.#shownSeconds = secondsLeft(this.code, performance.now());
    this.error = null;
    this.#failures = 0;
    this.#setState(AccessState.active);
    announce<RefreshDetail>(this.#host, REFRESH_EVENT, { expiresAt: code.expiresAt, format: 'QR_CODE' });
  }

  #fail(error: AccessCodeError): void {
    if (isRetried(error)) {
      const delay = error.retryAfterMs ?? backoffDelay(this.#failures, this.#random);
      this.#failures++;
      this.#retryAt = performance.now() + delay;
      // The state stays: a valid code stays on screen with the retry behind it; without one, the
      // loading or expired view now shows the retry message.
      this.#report(error, delay);
      this.#host.requestUpdate();
    } else {
      this.code = null;
      this.#retryAt = null;
      this.#waitForUser = true;
      this.#setState(AccessState.error);
      this.#report(error, null);
    }
  }

  #expire(code: ShownCode): void {
    this.code = null;
    this.#setState(AccessState.expired);
    announce<ExpiredDetail>(this.#host, EXPIRED_EVENT, { expiresAt: code.expiresAt });
  }

  #encode(content: string): QrImage | null {
    try {
      this.#level = levelOf(this.#host.errorCorrection);
      return qrImage(content, this.#level);
    } catch {
      return null;
    }
  }

  #report(error: AccessCodeError, retryInMs: number | null): void {
    const detail: ErrorDetail = { kind: error.kind, retryInMs, message: error.message };
    if (error.status !== undefined) detail.status = error.status;
    this.error = detail;
    announce<ErrorDetail>(this.#host, ERROR_EVENT, detail);
  }

  #setState(state: AccessState): void {
    this.state = state;
    this.#host.requestUpdate();
  }

  /** Drops the shown code, the request in flight and the retry state. */
  #reset(): void {
    this.#cancelRequest();
    this.code = null;
    this.error = null;
    this.#failures = 0;
    this.#retryAt = null;
  }

  #cancelRequest(): void {
    this.#generation++;
    this.#abort?.abort();
    this.#abort = null;
    this.#inFlight = null;
  }

  #setTimer(name: TimerName, delay: number): void {
    // Rounded up, so a timer never fires before the moment it stands for.
    this.#timers.set(
      name,
      setTimeout(
        () => {
          this.#timers.delete(name);
          this.#plan();
        },
        Math.max(1, Math.ceil(delay)),
      ),
    );
  }

  /**
   * Calls onTick when the shown whole seconds change, no more often, and sets the next tick. A tick is no change of
   * situation: it sets the next tick and nothing else, sparing plan()'s six timer calls every second. plan() clears
   * the timers and calls this too, so a second that ends just as plan() runs (a refresh is due on one) is still shown.
   */
  #tick(code: ShownCode, now: number): void {
    const seconds = secondsLeft(code, now);
    if (seconds !== this.#shownSeconds) {
      this.#shownSeconds = seconds;
      this.#onTick();
    }
    const toNextSecond = (code.deadline - now) % 1000 || 1000;
    this.#timers.set(
      'tick',
      setTimeout(() => this.#tick(code, performance.now()), Math.max(1, Math.ceil(toNextSecond))),
    );
  }

  #clearTimers(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
