/** What went wrong, as the contract names it. */
export type ErrorKind =
  | 'config'
  | 'network'
  | 'timeout'
  | 'http'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'invalid-response';

export interface RefreshDetail {
  /** The new code's `expiresAt` as the server sent it, or `null` when it sent none. */
  expiresAt: string | null;
  format: 'QR_CODE';
}

export interface ExpiredDetail {
  /** The `expiresAt` of the code that ran out, or `null` when it had none. */
  expiresAt: string | null;
}

export interface InvalidatedDetail {
  /** `checkin` (reported by the event stream), `manual` (`invalidate()` without a reason), or the reason given. */
  reason: 'checkin' | 'manual' | (string & {});
  /** ISO 8601 time of the invalidation (the check-in's timestamp for `checkin`). */
  at: string;
}

export interface ErrorDetail {
  kind: ErrorKind;
  /** The HTTP status, for errors that come from a response. */
  status?: number;
  /** When the element tries again by itself, or `null` when it waits for `refresh()` or a changed attribute. */
  retryInMs: number | null;
  /** A developer-facing description; never holds the code's content. */
  message: string;
}

/** The full-screen view's events carry nothing: `{}`. */
export type EnlargeDetail = Record<string, never>;

export const REFRESH_EVENT = 'gym-access-qr-refresh';
export const EXPIRED_EVENT = 'gym-access-qr-expired';
export const INVALIDATED_EVENT = 'gym-access-qr-invalidated';
export const ERROR_EVENT = 'gym-access-qr-error';
export const ENLARGE_EVENT = 'gym-access-qr-enlarge';
export const SHRINK_EVENT = 'gym-access-qr-shrink';

export type GymAccessQrRefreshEvent = CustomEvent<RefreshDetail>;
export type GymAccessQrExpiredEvent = CustomEvent<ExpiredDetail>;
export type GymAccessQrInvalidatedEvent = CustomEvent<InvalidatedDetail>;
export type GymAccessQrErrorEvent = CustomEvent<ErrorDetail>;
export type GymAccessQrEnlargeEvent = CustomEvent<EnlargeDetail>;
export type GymAccessQrShrinkEvent = CustomEvent<EnlargeDetail>;

/**
 * Dispatches one of the element's events once the render it describes is on
 * screen: bubbling and composed, as the contract promises.
 */
export function dispatchWhenRendered<T>(
  host: HTMLElement & { updateComplete: Promise<unknown> },
  type: string,
  detail: T,
): void {
  void host.updateComplete.then(() => {
    host.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  });
}

declare global {
  interface GlobalEventHandlersEventMap {
    'gym-access-qr-refresh': GymAccessQrRefreshEvent;
    'gym-access-qr-expired': GymAccessQrExpiredEvent;
    'gym-access-qr-invalidated': GymAccessQrInvalidatedEvent;
    'gym-access-qr-error': GymAccessQrErrorEvent;
    'gym-access-qr-enlarge': GymAccessQrEnlargeEvent;
    'gym-access-qr-shrink': GymAccessQrShrinkEvent;
  }
}
