import type { DefineComponent } from "vue";

type GymAccessQrProps = {
  /** UI language (`en`, `de`); the nearest `lang` attribute counts, English is the fallback. */
  lang?: string;
  /** Magicline customer id: an int64 as 1 to 19 decimal digits, kept as a string. */
  "customer-id"?: string;
  /** URL of the partner backend that returns the access code; `{customerId}` is replaced by the URL-encoded id. */
  "token-endpoint"?: string;
  /** Seconds before `expiresAt` at which the next code is fetched; at most half of a code's lifetime. */
  "refresh-lead"?: number;
  /** Lifetime in seconds assumed for a code that comes without `expiresAt`. */
  "fallback-refresh"?: number;
  /** Fetch credentials mode for the token and events endpoints: `same-origin`, `include` or `omit`. */
  credentials?: "same-origin" | "include" | "omit";
  /** Optional Server-Sent Events URL (same templating) that streams check-in webhooks. */
  "events-endpoint"?: string;
  /** After a check-in: `prompt` shows a button for a new code, `refresh` fetches one at once. */
  "after-checkin"?: "prompt" | "refresh";
  /** QR error-correction level: `L`, `M`, `Q` or `H` (more of the code may be covered and still scan, at more modules). */
  "error-correction"?: "L" | "M" | "Q" | "H";
  /** Hold a screen wake lock while a valid code is shown and the page is visible. */
  "keep-awake"?: boolean;
  /** `on`: activating the code (tap, click, Enter, Space) opens it full screen; `off` (kiosks that already are): it does not. */
  enlarge?: "on" | "off";
  /** Where the element stands: `idle`, `loading`, `active`, `expired`, `invalidated` or `error`.
Reflected for styling (`gym-access-qr[state="expired"]`); read-only, the element overwrites any value set. */
  state?: "idle" | "loading" | "active" | "expired" | "invalidated" | "error";
  /** Headers for every request, or a function (sync or async) that returns them, called before each request: the place for a bearer token. Property only, so no secret ends up in the DOM. */
  requestHeaders?:
    Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>) | undefined;
  /** Overrides for any of the UI texts. */
  strings?:
    | {
        codeLabel?: (seconds: number) => string;
        loading?: string;
        expired?: string;
        retrying?: string;
        retry?: string;
        newCode?: string;
        checkedIn?: string;
        manualInvalidated?: string;
        errorConfig?: string;
        errorUnauthorized?: string;
        errorForbidden?: string;
        errorNotFound?: string;
        errorOther?: string;
        enlarge?: string;
        close?: string;
        enlarged?: string;
        codeShown?: string;
      }
    | undefined;
  /** A new code is on screen. Detail: `{ expiresAt, format }`. */
  "ongym-access-qr-refresh"?: (e: CustomEvent<{ expiresAt: string | null; format: "QR_CODE" }>) => void;
  /** The shown code expired before a replacement arrived; the QR is hidden. Detail: `{ expiresAt }`. */
  "ongym-access-qr-expired"?: (e: CustomEvent<{ expiresAt: string | null }>) => void;
  /** The code was used or revoked; the QR is hidden. Detail: `{ reason, at }`. */
  "ongym-access-qr-invalidated"?: (
    e: CustomEvent<{ reason: "checkin" | "manual" | (string & {}); at: string }>,
  ) => void;
  /** A request or the configuration failed. Detail: `{ kind, status?, retryInMs, message }`. */
  "ongym-access-qr-error"?: (
    e: CustomEvent<{
      kind:
        | "config"
        | "network"
        | "timeout"
        | "http"
        | "unauthorized"
        | "forbidden"
        | "not-found"
        | "rate-limited"
        | "invalid-response";
      status?: number;
      retryInMs: number | null;
      message: string;
    }>,
  ) => void;
  /** The full-screen view opened. Detail: `{}`. */
  "ongym-access-qr-enlarge"?: (e: CustomEvent<Record<string, never>>) => void;
  /** The full-screen view closed. Detail: `{}`. */
  "ongym-access-qr-shrink"?: (e: CustomEvent<Record<string, never>>) => void;
};

type GymCheckinFeedProps = {
  /** UI language (`en`, `de`); the nearest `lang` attribute counts, English is the fallback. */
  lang?: string;
  /** Server-Sent Events URL of the relay's check-in feed; `{studio}` is replaced by the URL-encoded `studio`. */
  "events-endpoint"?: string;
  /** The studio whose check-ins to show, for `{studio}` in `events-endpoint`. */
  studio?: string;
  /** Fetch credentials mode for the stream: `same-origin`, `include` or `omit`. */
  credentials?: "same-origin" | "include" | "omit";
  /** The connection: `idle` (not configured), `connecting`, `live`, `reconnecting` or `error` (a bad
configuration, 401 or 403). Reflected for styling (`gym-checkin-feed[state="error"]`); read-only. */
  state?: "idle" | "connecting" | "live" | "reconnecting" | "error";
  /** Headers for every connection, or a function (sync or async) that returns them, called before each: the place for a staff bearer token. Property only, so no secret ends up in the DOM. */
  requestHeaders?:
    Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>) | undefined;
  /** Overrides for any of the UI texts. */
  strings?:
    | {
        today?: string;
        connecting?: string;
        live?: string;
        reconnecting?: string;
        errorConfig?: string;
        errorUnauthorized?: string;
        errorForbidden?: string;
        perHour?: string;
        hour?: string;
        checkins?: string;
        latest?: string;
        empty?: string;
        customer?: (customerId: string) => string;
      }
    | undefined;
  /** A check-in is shown for the first time (replayed or live). Detail: `{ customerId, at, name? }`. */
  "ongym-checkin-feed-checkin"?: (e: CustomEvent<{ customerId: string; at: string; name?: string }>) => void;
};

export type CustomElements = {
  /**
   * Shows a member's rotating Magicline access code as a QR with a countdown ring.
   * ---
   *
   *
   * ### **Events:**
   *  - **gym-access-qr-refresh** - A new code is on screen. Detail: `{ expiresAt, format }`.
   * - **gym-access-qr-expired** - The shown code expired before a replacement arrived; the QR is hidden. Detail: `{ expiresAt }`.
   * - **gym-access-qr-invalidated** - The code was used or revoked; the QR is hidden. Detail: `{ reason, at }`.
   * - **gym-access-qr-error** - A request or the configuration failed. Detail: `{ kind, status?, retryInMs, message }`.
   * - **gym-access-qr-enlarge** - The full-screen view opened. Detail: `{}`.
   * - **gym-access-qr-shrink** - The full-screen view closed. Detail: `{}`.
   *
   * ### **Methods:**
   *  - **refresh(): _Promise<void>_** - Fetches a new code now, whatever the schedule. The buttons in the expired, checked-in and error views call it.
   * Resolves when the request has settled; never rejects (failures arrive as `gym-access-qr-error`).
   * - **invalidate(reason): _void_** - Tells the element that the shown code was used or revoked: the QR leaves the screen at once,
   * `gym-access-qr-invalidated` fires, and the `after-checkin` behaviour follows.
   *
   * ### **CSS Properties:**
   *  - **--gym-access-qr-size** - Width of the element; the code is square. _(default: min(18rem, 100%))_
   * - **--gym-access-qr-dark** - Colour of the dark modules. Keep it dark. _(default: #000)_
   * - **--gym-access-qr-light** - Colour of the light modules and the quiet zone. Keep it light and opaque. _(default: #fff)_
   * - **--gym-access-qr-accent** - Countdown ring, spinner, buttons (white text on it) and focus rings. _(default: #15803d)_
   * - **--gym-access-qr-warning** - Countdown ring in the code's last four seconds (the next code is asked for at five). _(default: #d97706)_
   * - **--gym-access-qr-track** - The ring's track and message borders. _(default: color-mix(in srgb, currentColor 15%, transparent))_
   * - **--gym-access-qr-radius** - Corner radius of the ring and message box. _(default: 1rem)_
   * - **--gym-access-qr-ring-width** - Ring thickness. _(default: 0.5rem)_
   * - **--gym-access-qr-font** - Font of texts and buttons. _(default: inherit)_
   *
   * ### **CSS Parts:**
   *  - **base** - The wrapper around everything.
   * - **frame** - The square that holds the code (or a message) and the ring; carries `role="img"` while a code is shown.
   * - **qr** - The QR code's `<svg>`.
   * - **ring** - The countdown ring around the code.
   * - **countdown** - The `m:ss` time left.
   * - **clock** - The current time (`hh:mm:ss`, the server's clock) under the code: shows staff the code is live.
   * - **enlarge** - The button over the code that opens the full-screen view.
   * - **dialog** - The full-screen view (a modal `<dialog>`, opaque white).
   * - **close** - The full-screen view's close button.
   * - **message** - The box shown instead of a code: loading, expired, checked in, error.
   * - **button** - The button in a message (try again, show a new code).
   */
  "gym-access-qr": DefineComponent<GymAccessQrProps>;

  /**
   * Shows a studio's check-ins live: today's count, a bar per hour, the latest 50.
   * ---
   *
   *
   * ### **Events:**
   *  - **gym-checkin-feed-checkin** - A check-in is shown for the first time (replayed or live). Detail: `{ customerId, at, name? }`.
   *
   * ### **CSS Properties:**
   *  - **--gym-checkin-feed-accent** - The bars, the live dot, a new row's mark. _(default: #15803d)_
   * - **--gym-checkin-feed-warning** - The dot while reconnecting. _(default: #b45309)_
   * - **--gym-checkin-feed-danger** - The dot and border of an error. _(default: #b91c1c)_
   * - **--gym-checkin-feed-highlight** - A new row's background for a moment. _(default: color-mix(in srgb, #15803d 18%, transparent))_
   * - **--gym-checkin-feed-track** - Lines between rows, the chart's baseline. _(default: color-mix(in srgb, currentColor 15%, transparent))_
   * - **--gym-checkin-feed-radius** - Corner radius of the box. _(default: 0.75rem)_
   * - **--gym-checkin-feed-font** - Font of all texts. _(default: inherit)_
   *
   * ### **CSS Parts:**
   *  - **base** - The wrapper around everything.
   * - **count** - Today's number of check-ins and its label.
   * - **state** - The connection state: live, connecting, reconnecting or the error.
   * - **chart** - The bar per hour of today (an inline SVG; a hidden table says the same to screen readers).
   * - **list** - The latest check-ins, newest first.
   * - **row** - One check-in in the list; a new one has the class `new` for a moment.
   * - **time** - A check-in's `hh:mm`.
   * - **name** - A check-in's name, or its customer id.
   */
  "gym-checkin-feed": DefineComponent<GymCheckinFeedProps>;
};

declare module "vue" {
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface GlobalComponents extends CustomElements {}
}

declare global {
  namespace JSX {
    // eslint-disable-next-line @typescript-eslint/no-empty-interface
    interface IntrinsicElements extends CustomElements {}
  }
}
