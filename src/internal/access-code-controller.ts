import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  dispatchWhenRendered,
  ERROR_EVENT,
  EXPIRED_EVENT,
  INVALIDATED_EVENT,
  REFRESH_EVENT,
  type ErrorDetail,
  type ExpiredDetail,
  type InvalidatedDetail,
  type RefreshDetail,
} from '../events.js';
import type { Checkin } from './checkin.js';
import { credentialsOf, resolveEndpoint } from './config.js';
import { CodeTimers, RetryBackoff } from './code-timers.js';
import { watchPage } from './page-signals.js';
import { warmUpEncoder, type ErrorCorrectionLevel, type QrImage } from './qr.js';
import {
  AccessCodeError,
  errorDetail,
  isRetried,
  requestAccessCode,
  type AccessCodeResponse,
  type RequestHeadersSource,
} from './request.js';
import { encodeContent, levelOf, shownCode, usedCode, type ShownCode } from './shown-code.js';
import { AccessState } from './access-state.js';

export type { ShownCode } from './shown-code.js';

/** What the controller reads from its element. */
export interface AccessCodeHost extends ReactiveControllerHost, HTMLElement {
  /** False until the first update, which is where Lit applies properties set before the tag was defined. */
  readonly hasUpdated: boolean;
  customerId: string;
  tokenEndpoint: string;
  refreshLead: number;
  fallbackRefresh: number;
  credentials: RequestCredentials;
  errorCorrection: ErrorCorrectionLevel;
  afterCheckin: 'prompt' | 'refresh';
  requestHeaders: RequestHeadersSource | undefined;
}

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
  #unwatchPage: (() => void) | null = null;
  /** Set by a failure that is not retried and by a prompted check-in: nothing is fetched until refresh(). */
  #waitForUser = false;
  #inFlight: Promise<void> | null = null;
  /** The error-correction level the shown code was encoded at. */
  #level: ErrorCorrectionLevel = 'M';
  #abort: AbortController | null = null;
  /** Bumped by every request and every reset: only the latest request may write state. */
  #generation = 0;
  readonly #timers: CodeTimers;

  readonly #host: AccessCodeHost;
  readonly #retry: RetryBackoff;

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
    this.#timers = new CodeTimers(() => this.#plan(), onTick);
    this.#retry = new RetryBackoff(random);
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#unwatchPage = watchPage(this.#recheck, this.#onOnline);
    // Properties set before the tag was defined arrive in the first update, before the first render: start there.
    if (!this.#host.hasUpdated) return;
    if (!this.#syncConfig()) this.#plan();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unwatchPage?.();
    this.#cancelRequest();
    this.#timers.clear();
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
    return this.#inFlight !== null || this.#retry.at !== null;
  }

  /** Fetch a new code now, whatever the schedule; resolves when that request has settled. */
  refresh(): Promise<void> {
    if (this.#url === null) {
      this.#configKey = null;
      this.#syncConfig();
      if (this.#url === null) return Promise.resolve();
    }
    if (this.#inFlight) return this.#inFlight;
    this.#retry.clear();
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
    dispatchWhenRendered<InvalidatedDetail>(this.#host, INVALIDATED_EVENT, this.invalidation);
    this.#waitForUser = this.#host.afterCheckin !== 'refresh';
    this.#plan();
  }

  /** A check-in from the event stream: it used the shown code unless it happened before that code was issued. */
  checkin(checkin: Checkin): void {
    if (usedCode(checkin, this.code)) this.invalidate('checkin', new Date(checkin.timestamp));
  }

  readonly #recheck = (): void => this.#plan();

  readonly #onOnline = (): void => {
    // The network is back: a pending retry goes now, unless the server asked us to wait.
    if (this.#retry.at !== null && this.error?.kind !== 'rate-limited') this.#retry.at = performance.now();
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
    this.#timers.clear();
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
      this.#timers.set('expiry', code.deadline - now);
      this.#timers.tick(code, now);
    }
    if (this.#inFlight) return;
    if (this.#waitForUser) return;
    const dueAt = this.#retry.at ?? code?.refreshAt ?? now;
    if (dueAt <= now) void this.#request();
    else this.#timers.set('fetch', dueAt - now);
  }

  #request(): Promise<void> {
    const generation = ++this.#generation;
    const abort = new AbortController();
    this.#abort = abort;
    this.#retry.at = null;
    // Expired and invalidated stay until a code arrives, so their message stays too (now with a spinner).
    if (this.state === AccessState.idle || this.state === AccessState.error) this.state = AccessState.loading;
    // Only a message shows that a request is under way (its spinner): docs/performance.md#render-per-code.
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
        this.#accept(response);
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
    warmUpEncoder();
    return this.#inFlight;
  }

  #accept({ code, serverDateMs, sentAt }: AccessCodeResponse): void {
    this.code = shownCode(code, serverDateMs, sentAt, this.#host, (content) => this.#encode(content));
    this.#timers.shown(this.code, performance.now());
    this.error = null;
    this.#retry.clear();
    this.#setState(AccessState.active);
    dispatchWhenRendered<RefreshDetail>(this.#host, REFRESH_EVENT, { expiresAt: code.expiresAt, format: 'QR_CODE' });
  }

  #fail(error: AccessCodeError): void {
    if (isRetried(error)) {
      const delay = this.#retry.schedule(error.retryAfterMs);
      // The state stays: a valid code stays on screen with the retry behind it; without one, the
      // loading or expired view now shows the retry message.
      this.#report(error, delay);
      this.#host.requestUpdate();
    } else {
      this.code = null;
      this.#retry.at = null;
      this.#waitForUser = true;
      this.#setState(AccessState.error);
      this.#report(error, null);
    }
  }

  #expire(code: ShownCode): void {
    this.code = null;
    this.#setState(AccessState.expired);
    dispatchWhenRendered<ExpiredDetail>(this.#host, EXPIRED_EVENT, { expiresAt: code.expiresAt });
  }

  #encode(content: string): QrImage | null {
    this.#level = levelOf(this.#host.errorCorrection);
    return encodeContent(content, this.#level);
  }

  #report(error: AccessCodeError, retryInMs: number | null): void {
    this.error = errorDetail(error, retryInMs);
    dispatchWhenRendered<ErrorDetail>(this.#host, ERROR_EVENT, this.error);
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
    this.#retry.clear();
  }

  #cancelRequest(): void {
    this.#generation++;
    this.#abort?.abort();
    this.#abort = null;
    this.#inFlight = null;
  }
}
