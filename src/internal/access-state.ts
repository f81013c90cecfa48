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
