import { LitElement, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { AccessCodeController, type ShownCode } from './internal/access-code-controller.js';
import { CheckinStreamController } from './internal/checkin-stream-controller.js';
import { EnlargedViewController } from './internal/enlarged-view-controller.js';
import { CountdownAnimationController } from './internal/countdown-animation-controller.js';
import { WakeLockController } from './internal/wake-lock-controller.js';
import { stringsFor, type GymAccessQrStrings } from './internal/i18n.js';
import { liveRegionText, statusMessage } from './internal/status.js';
import { HOUR_STRIP, minutesLeft, SECONDS_LEFT_STRIP, MINUTE_SECOND_STRIP } from './internal/countdown.js';
import type { RequestHeadersSource } from './internal/request.js';
import { styles } from './gym-access-qr.styles.js';

/** One field of the countdown or the clock: every value it can show, one per line, in a one-line window. */
const strip = (values: string) => html`<span class="window"><span class="strip">${values}</span></span>`;
/** The clock's `hh:mm:ss`, each field a strip. */
const clockStrips = html`${strip(HOUR_STRIP)}:${strip(MINUTE_SECOND_STRIP)}:${strip(MINUTE_SECOND_STRIP)}`;

/**
 * A gym member's check-in QR code, fetched from the partner backend, renewed
 * before it expires and hidden the moment it is dead.
 *
 * @summary Shows a member's rotating Magicline access code as a QR with a countdown ring.
 *
 * @example
 * ```html
 * <gym-access-qr customer-id="1234567" token-endpoint="/api/customers/{customerId}/access-code"></gym-access-qr>
 * ```
 *
 * @attr {string} lang - UI language (`en`, `de`); the nearest `lang` attribute counts, English is the fallback.
 * @prop {Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>) | undefined} requestHeaders - Headers for every request, or a function (sync or async) that returns them, called before each request: the place for a bearer token. Property only, so no secret ends up in the DOM.
 * @prop {{ codeLabel?: (seconds: number) => string; loading?: string; expired?: string; retrying?: string; retry?: string; newCode?: string; checkedIn?: string; manualInvalidated?: string; errorConfig?: string; errorUnauthorized?: string; errorForbidden?: string; errorNotFound?: string; errorOther?: string; enlarge?: string; close?: string; enlarged?: string; codeShown?: string } | undefined} strings - Overrides for any of the UI texts.
 *
 * @event {{ expiresAt: string | null; format: 'QR_CODE' }} gym-access-qr-refresh - A new code is on screen. Detail: `{ expiresAt, format }`.
 * @event {{ expiresAt: string | null }} gym-access-qr-expired - The shown code expired before a replacement arrived; the QR is hidden. Detail: `{ expiresAt }`.
 * @event {{ reason: 'checkin' | 'manual' | (string & {}); at: string }} gym-access-qr-invalidated - The code was used or revoked; the QR is hidden. Detail: `{ reason, at }`.
 * @event {{ kind: 'config' | 'network' | 'timeout' | 'http' | 'unauthorized' | 'forbidden' | 'not-found' | 'rate-limited' | 'invalid-response'; status?: number; retryInMs: number | null; message: string }} gym-access-qr-error - A request or the configuration failed. Detail: `{ kind, status?, retryInMs, message }`.
 * @event {Record<string, never>} gym-access-qr-enlarge - The full-screen view opened. Detail: `{}`.
 * @event {Record<string, never>} gym-access-qr-shrink - The full-screen view closed. Detail: `{}`.
 *
 * @csspart base - The wrapper around everything.
 * @csspart frame - The square that holds the code (or a message) and the ring; carries `role="img"` while a code is shown.
 * @csspart qr - The QR code's `<svg>`.
 * @csspart ring - The countdown ring around the code.
 * @csspart countdown - The `m:ss` time left.
 * @csspart clock - The current time (`hh:mm:ss`, the server's clock) under the code: shows staff the code is live.
 * @csspart enlarge - The button over the code that opens the full-screen view.
 * @csspart dialog - The full-screen view (a modal `<dialog>`, opaque white).
 * @csspart close - The full-screen view's close button.
 * @csspart message - The box shown instead of a code: loading, expired, checked in, error.
 * @csspart button - The button in a message (try again, show a new code).
 *
 * @cssproperty [--gym-access-qr-size=min(18rem, 100%)] - Width of the element; the code is square.
 * @cssproperty [--gym-access-qr-dark=#000] - Colour of the dark modules. Keep it dark.
 * @cssproperty [--gym-access-qr-light=#fff] - Colour of the light modules and the quiet zone. Keep it light and opaque.
 * @cssproperty [--gym-access-qr-accent=#15803d] - Countdown ring, spinner, buttons (white text on it) and focus rings.
 * @cssproperty [--gym-access-qr-warning=#d97706] - Countdown ring in the code's last four seconds (the next code is asked for at five).
 * @cssproperty [--gym-access-qr-track=color-mix(in srgb, currentColor 15%, transparent)] - The ring's track and message borders.
 * @cssproperty [--gym-access-qr-radius=1rem] - Corner radius of the ring and message box.
 * @cssproperty [--gym-access-qr-ring-width=0.5rem] - Ring thickness.
 * @cssproperty [--gym-access-qr-font=inherit] - Font of texts and buttons.
 */
export class GymAccessQr extends LitElement {
  static override styles = styles;

  static override properties = {
    customerId: { attribute: 'customer-id' },
    tokenEndpoint: { attribute: 'token-endpoint' },
    refreshLead: { attribute: 'refresh-lead', type: Number },
    fallbackRefresh: { attribute: 'fallback-refresh', type: Number },
    credentials: {},
    eventsEndpoint: { attribute: 'events-endpoint' },
    afterCheckin: { attribute: 'after-checkin' },
    errorCorrection: { attribute: 'error-correction' },
    keepAwake: { attribute: 'keep-awake', type: Boolean },
    enlarge: {},
    state: { reflect: true },
    requestHeaders: { attribute: false },
    strings: { attribute: false },
  };

  /** Magicline customer id: an int64 as 1 to 19 decimal digits, kept as a string. */
  declare customerId: string;
  /** URL of the partner backend that returns the access code; `{customerId}` is replaced by the URL-encoded id. */
  declare tokenEndpoint: string;
  /** Seconds before `expiresAt` at which the next code is fetched; at most half of a code's lifetime. */
  declare refreshLead: number;
  /** Lifetime in seconds assumed for a code that comes without `expiresAt`. */
  declare fallbackRefresh: number;
  /** Fetch credentials mode for the token and events endpoints: `same-origin`, `include` or `omit`. */
  declare credentials: 'same-origin' | 'include' | 'omit';
  /** Optional Server-Sent Events URL (same templating) that streams check-in webhooks. */
  declare eventsEndpoint: string;
  /** After a check-in: `prompt` shows a button for a new code, `refresh` fetches one at once. */
  declare afterCheckin: 'prompt' | 'refresh';
  /** QR error-correction level: `L`, `M`, `Q` or `H` (more of the code may be covered and still scan, at more modules). */
  declare errorCorrection: 'L' | 'M' | 'Q' | 'H';
  /** Hold a screen wake lock while a valid code is shown and the page is visible. */
  declare keepAwake: boolean;
  /** `on`: activating the code (tap, click, Enter, Space) opens it full screen; `off` (kiosks that already are): it does not. */
  declare enlarge: 'on' | 'off';
  /**
   * Where the element stands: `idle`, `loading`, `active`, `expired`, `invalidated` or `error`.
   * Reflected for styling (`gym-access-qr[state="expired"]`); read-only, the element overwrites any value set.
   */
  declare state: 'idle' | 'loading' | 'active' | 'expired' | 'invalidated' | 'error';
  /**
   * Headers for every request, or a function (sync or async) that returns them, called before each request:
   * the place for a bearer token. Property only, so no secret ends up in the DOM.
   */
  declare requestHeaders: RequestHeadersSource | undefined;
  /** Overrides for any of the UI texts. */
  declare strings: Partial<GymAccessQrStrings> | undefined;

  // Once a second only the time changes, and the strips show it on the compositor: no render, just the code's name.
  private readonly access = new AccessCodeController(this, () => this.countdown.showTime());
  // Check-ins from events-endpoint take the shown code away.
  private readonly checkins = new CheckinStreamController(this, (checkin) => this.access.checkin(checkin));
  private readonly view = new EnlargedViewController(this);
  // The ring, the sheen, the strips and the code's name, kept in step with the time left.
  private readonly countdown = new CountdownAnimationController(
    this,
    () => this.access.code,
    (seconds) => this.#strings.codeLabel(seconds),
  );
  #strings = stringsFor('en');
  /** What the live region said last: the code it announced, or the text. */
  #said: unknown = null;
  /** The next thing to say, written by `updated()`; `null` for nothing new. */
  #message: string | null = null;

  constructor() {
    super();
    // The member is at the gate while the code is enlarged: keep awake for its messages too.
    new WakeLockController(this, () => this.access.code !== null || this.view.open);
    this.customerId = '';
    this.tokenEndpoint = '';
    this.refreshLead = 5;
    this.fallbackRefresh = 15;
    this.credentials = 'same-origin';
    this.eventsEndpoint = '';
    this.afterCheckin = 'prompt';
    this.errorCorrection = 'M';
    this.keepAwake = false;
    this.enlarge = 'on';
    this.state = 'idle';
    this.requestHeaders = undefined;
    this.strings = undefined;
  }

  static override get observedAttributes(): string[] {
    // `lang` is native, not a reactive property; watch it to re-render in the new language.
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  /**
   * Fetches a new code now, whatever the schedule. The buttons in the expired, checked-in and error views call it.
   * Resolves when the request has settled; never rejects (failures arrive as `gym-access-qr-error`).
   */
  refresh(): Promise<void> {
    return this.access.refresh();
  }

  /**
   * Tells the element that the shown code was used or revoked: the QR leaves the screen at once,
   * `gym-access-qr-invalidated` fires, and the `after-checkin` behaviour follows.
   *
   * @param reason - Reported in the event; `manual` when omitted.
   */
  invalidate(reason = 'manual'): void {
    this.access.invalidate(reason);
  }

  protected override update(changed: PropertyValues<this>): void {
    // After the controllers' hostUpdate (which may have just applied a new configuration).
    const access = this.access;
    this.state = access.state;
    const strings = (this.#strings = stringsFor(this.language(), this.strings));
    const said = liveRegionText(access, access.code !== null, strings);
    // Each new code is news; otherwise only a changed text (the countdown is never in it).
    const key = access.code ?? said;
    if (key !== this.#said) {
      // The live region is in the first render, empty: what is on screen then is read, not announced.
      if (this.hasUpdated) this.#message = said;
      this.#said = key;
    }
    super.update(changed);
  }

  protected override render(): TemplateResult {
    const strings = this.#strings;
    const code = this.access.code;
    const open = this.view.open;
    // Back on the page, a held code waits (as loading) until the check-in stream has replayed what happened meanwhile.
    const shown = code && !this.checkins.covers(code.sentAt) ? code : null;
    // One view, shown either in place or full screen: never two codes to keep in step.
    const view = shown ? this.renderCode(shown) : this.renderMessage(strings);
    // Filled by updated(), not by a binding: each announcement is a new text node, so a repeated text is read again.
    const said = html`<div class="live" role="status"></div>`;
    return html`
      <div part="base" class="base">
        ${open ? html`<div class="frame"></div>` : view}
        ${
          this.enlarge !== 'off' && (shown || open)
            ? html`<button
                part="enlarge"
                class="enlarge"
                type="button"
                aria-label=${strings.enlarge}
                @click=${this.view.show}
              ></button>`
            : nothing
        }
      </div>
      ${said}
      <dialog
        part="dialog"
        aria-label=${strings.enlarged}
        @cancel=${this.view.shrink}
        @close=${this.view.shrink}
        @click=${this.view.tap}
      >
        <div class="sheet">
          ${
            open
              ? html`<div class="base">
                  ${view}<button part="close" class="close" type="button" @click=${this.view.shrink}>
                    ${strings.close}
                  </button>
                </div>`
              : nothing
          }
          ${said}
        </div>
      </dialog>
    `;
  }

  private renderCode(code: ShownCode): TemplateResult {
    const { size, path } = code.qr;
    // The ring, the m:ss and the clock step on the compositor, and the controller names the code (see CountdownAnimationController).
    return html`
      <div part="frame" class="frame" role="img">
        <div part="ring" class="ring" aria-hidden="true">
          <span class="edge top"></span><span class="edge right"></span><span class="edge bottom"></span
          ><span class="edge left"></span><span class="sheen"></span>
        </div>
        <svg part="qr" class="qr" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" aria-hidden="true">
          ${svg`<rect class="light" width=${size} height=${size}></rect><path class="dark" d=${path}></path>`}
        </svg>
      </div>
      <div part="countdown" class="countdown" aria-hidden="true">
        ${strip(minutesLeft(code))}:${strip(SECONDS_LEFT_STRIP)}
      </div>
      <div part="clock" class="clock" aria-hidden="true">${clockStrips}</div>
    `;
  }

  private renderMessage(strings: GymAccessQrStrings): TemplateResult {
    if (this.access.state === 'idle') return html`<div part="frame" class="frame"></div>`;
    const { text, action, busy, checkedIn } = statusMessage(this.access, strings);
    // The live region announces changes; this box is the view (no role="status" of its own, so nothing is said twice).
    return html`
      <div part="frame" class="frame">
        <div part="message" class="message ${checkedIn ? 'checked-in' : ''}">
          ${busy ? html`<div class="spinner" aria-hidden="true"></div>` : nothing}
          ${
            checkedIn
              ? html`<svg class="status-icon" viewBox="0 0 24 24" aria-hidden="true">
                  <circle cx="12" cy="12" r="10"></circle>
                  <path d="M7 12.5l3.2 3.2L17 9"></path>
                </svg>`
              : nothing
          }
          <p>${text}</p>
          ${action ? html`<button part="button" type="button" @click=${this.onRetry}>${action}</button>` : nothing}
        </div>
      </div>
    `;
  }

  private readonly onRetry = (): void => {
    void this.refresh();
  };

  protected override updated(): void {
    if (this.#message !== null) {
      for (const live of this.renderRoot.querySelectorAll('.live')) live.textContent = this.#message;
      this.#message = null;
    }
  }

  private language(): string {
    return this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en';
  }
}
