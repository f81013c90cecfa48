import { LitElement, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { AccessCodeController, AccessState, type ShownCode } from './internal/access-code-controller.js';
import { CheckinStreamController } from './internal/checkin-stream-controller.js';
import { WakeLockController } from './internal/wake-lock-controller.js';
import { stringsFor, type GymAccessQrStrings } from './internal/i18n.js';
import type { RequestHeadersSource } from './internal/request.js';
import { styles } from './gym-access-qr.styles.js';

/** The ring's last seconds are drawn in the warning colour. */
const ENDING_MS = 5_000;


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
 * @prop {{ codeLabel?: (seconds: number) => string; loading?: string; expired?: string; retrying?: string; retry?: string; newCode?: string; checkedIn?: string; manualInvalidated?: string; errorConfig?: string; errorUnauthorized?: string; errorForbidden?: string; errorNotFound?: string; errorOther?: string } | undefined} strings - Overrides for any of the UI texts.
 *
 * @event {{ expiresAt: string | null; format: 'QR_CODE' }} gym-access-qr-refresh - A new code is on screen. Detail: `{ expiresAt, format }`.
 * @event {{ expiresAt: string | null }} gym-access-qr-expired - The shown code expired before a replacement arrived; the QR is hidden. Detail: `{ expiresAt }`.
 * @event {{ reason: 'checkin' | 'manual' | (string & {}); at: string }} gym-access-qr-invalidated - The code was used or revoked; the QR is hidden. Detail: `{ reason, at }`.
 * @event {{ kind: 'config' | 'network' | 'timeout' | 'http' | 'unauthorized' | 'forbidden' | 'not-found' | 'rate-limited' | 'invalid-response'; status?: number; retryInMs: number | null; message: string }} gym-access-qr-error - A request or the configuration failed. Detail: `{ kind, status?, retryInMs, message }`.
 *
 * @csspart base - The wrapper around everything.
 * @csspart frame - The square that holds the code (or a message) and the ring; carries `role="img"` while a code is shown.
 * @csspart qr - The QR code's `<svg>`.
 * @csspart ring - The countdown ring around the code.
 * @csspart countdown - The `m:ss` time left.
 * @csspart message - The box shown instead of a code: loading, expired, checked in, error.
 * @csspart button - The button in a message (try again, show a new code).
 *
 * @cssproperty [--gym-access-qr-size=min(18rem, 100%)] - Width of the element; the code is square.
 * @cssproperty [--gym-access-qr-dark=#000] - Colour of the dark modules. Keep it dark.
 * @cssproperty [--gym-access-qr-light=#fff] - Colour of the light modules and the quiet zone. Keep it light and opaque.
 * @cssproperty [--gym-access-qr-accent=#16a34a] - Countdown ring, spinner and buttons.
 * @cssproperty [--gym-access-qr-warning=#d97706] - Countdown ring in the code's last five seconds.
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

  private readonly access = new AccessCodeController(this);
  // Check-ins from events-endpoint take the shown code away.
  private readonly checkins = new CheckinStreamController(this, (checkin) => this.access.checkin(checkin));

  constructor() {
    super();
    new WakeLockController(this, () => this.access.code !== null);
    this.customerId = '';
    this.tokenEndpoint = '';
    this.refreshLead = 5;
    this.fallbackRefresh = 15;
    this.credentials = 'same-origin';
    this.eventsEndpoint = '';
    this.afterCheckin = 'prompt';
    this.errorCorrection = 'M';
    this.keepAwake = false;
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
    this.state = this.access.state;
    super.update(changed);
  }

  protected override render(): TemplateResult {
    const strings = stringsFor(this.language(), this.strings);
    const code = this.access.code;
    // Back on the page, a held code waits (as loading) until the check-in stream has replayed what happened meanwhile.
    const shown = code && !this.checkins.covers(code.sentAt) ? code : null;
    return html`<div part="base" class="base">${shown ? this.renderCode(shown, strings) : this.renderMessage(strings)}</div>`;
  }

  private renderCode(code: ShownCode, strings: GymAccessQrStrings): TemplateResult {
    const remaining = Math.max(0, code.deadline - performance.now());
    const seconds = Math.ceil(remaining / 1000);
    const { size, path } = code.qr;
    return html`
      <div
        part="frame"
        class="frame ${remaining <= ENDING_MS ? 'ending' : ''}"
        role="img"
        aria-label=${strings.codeLabel(seconds)}
      >
        ${keyed(
          code,
          html`<div part="ring" class="ring" aria-hidden="true">
            <span class="edge top"></span><span class="edge right"></span><span class="edge bottom"></span><span class="edge left"></span>
          </div>`,
        )}
        <svg part="qr" class="qr" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" aria-hidden="true">
          ${svg`<rect class="light" width=${size} height=${size}></rect><path class="dark" d=${path}></path>`}
        </svg>
      </div>
      <div part="countdown" class="countdown" aria-hidden="true">${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}</div>
    `;
  }

  private renderMessage(strings: GymAccessQrStrings): TemplateResult {
    const { state, error } = this.access;
    let text: string;
    let action: string | null = null;
    let busy = false;
    let checkedIn = false;
    switch (state) {
      case AccessState.idle:
        return html`<div part="frame" class="frame"></div>`;
      case AccessState.invalidated:
        checkedIn = this.access.invalidation?.reason === 'checkin';
        text = checkedIn ? strings.checkedIn : strings.manualInvalidated;
        // The confirmation stays while the next code loads (at once with after-checkin="refresh").
        busy = this.access.busy;
        action = busy && !this.access.error ? null : strings.newCode;
        break;
      case AccessState.error:
        text =
          error?.kind === 'config'
            ? strings.errorConfig
            : error?.kind === 'unauthorized'
              ? strings.errorUnauthorized
              : error?.kind === 'forbidden'
                ? strings.errorForbidden
                : error?.kind === 'not-found'
                  ? strings.errorNotFound
                  : strings.errorOther;
        // A page misconfiguration is not the member's to fix.
        action = error?.kind === 'config' ? null : strings.retry;
        break;
      default:
        // loading or expired: a request is in flight or a retry is scheduled.
        busy = true;
        text = error ? strings.retrying : state === AccessState.expired ? strings.expired : strings.loading;
        action = error ? strings.retry : null;
    }
    return html`
      <div part="frame" class="frame">
        <div part="message" class="message ${checkedIn ? 'checked-in' : ''}" role="status">
          ${busy ? html`<div class="spinner" aria-hidden="true"></div>` : nothing}
          ${checkedIn
            ? html`<svg class="status-icon" viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="10"></circle><path d="M7 12.5l3.2 3.2L17 9"></path></svg>`
            : nothing}
          <p>${text}</p>
          ${action ? html`<button part="button" type="button" @click=${this.onRetry}>${action}</button>` : nothing}
        </div>
      </div>
    `;
  }

  private readonly onRetry = (): void => {
    void this.refresh();
  };

  private ring: HTMLElement | null = null;
  private ringStart = 0;

  protected override updated(): void {
    // Each code gets a new ring (keyed): its CSS animations start at the code's current point and then
    // run on the compositor. With reduced motion they are paused, and moved to the current second here.
    const ring = this.renderRoot.querySelector<HTMLElement>('.ring');
    const code = this.access.code;
    if (ring && code && ring !== this.ring) {
      this.ringStart = performance.now();
      // CSSOM, not a style attribute: allowed under a strict style-src.
      ring.style.setProperty('--_quarter', `${(code.deadline - code.sentAt) / 4}ms`);
      ring.style.setProperty('--_elapsed', `${code.sentAt - this.ringStart}ms`);
    }
    this.ring = ring;
    if (ring && matchMedia('(prefers-reduced-motion: reduce)').matches) {
      for (const animation of ring.getAnimations({ subtree: true })) animation.currentTime = performance.now() - this.ringStart;
    }
  }

  private language(): string {
    return this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en';
  }
}
