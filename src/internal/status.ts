import type { ErrorDetail, InvalidatedDetail } from '../events.js';
import type { AccessState } from './access-state.js';
import type { GymAccessQrStrings } from './i18n.js';

/** What the element knows about where it stands, without the code itself. */
export interface StatusInput {
  state: AccessState;
  error: ErrorDetail | null;
  invalidation: InvalidatedDetail | null;
  /** A request is in flight or a retry is scheduled. */
  busy: boolean;
}

/** The box shown instead of a code. */
export interface StatusMessage {
  text: string;
  /** The label of the button that fetches a new code, or `null` for none. */
  action: string | null;
  /** Show the spinner. */
  busy: boolean;
  checkedIn: boolean;
}

/** What the element says in place of a code, in the states without one (not `idle`: that shows nothing). */
export function statusMessage(
  { state, error, invalidation, busy }: StatusInput,
  strings: GymAccessQrStrings,
): StatusMessage {
  const kind = error?.kind;
  const checkedIn = state === 'invalidated' && invalidation?.reason === 'checkin';
  // loading or expired: a request is in flight or a retry is scheduled.
  let text = error ? strings.retrying : state === 'expired' ? strings.expired : strings.loading;
  let action = error ? strings.retry : null;
  let spinner = true;
  if (state === 'invalidated') {
    text = checkedIn ? strings.checkedIn : strings.manualInvalidated;
    // The confirmation stays while the next code loads (at once with after-checkin="refresh").
    action = busy && !error ? null : strings.newCode;
    spinner = busy;
  } else if (state === 'error') {
    text =
      kind === 'config'
        ? strings.errorConfig
        : kind === 'unauthorized'
          ? strings.errorUnauthorized
          : kind === 'forbidden'
            ? strings.errorForbidden
            : kind === 'not-found'
              ? strings.errorNotFound
              : strings.errorOther;
    // A page misconfiguration is not the member's to fix.
    action = kind === 'config' ? null : strings.retry;
    spinner = false;
  }
  return { text, action, busy: spinner, checkedIn };
}

/**
 * What the polite live region says for a situation: a new code, expiry, a
 * check-in, an error, a retry. Empty while nothing worth saying happened
 * (idle, the first request). Never the countdown; never the content.
 */
export function liveRegionText(status: StatusInput, hasCode: boolean, strings: GymAccessQrStrings): string {
  if (hasCode) return strings.codeShown;
  if (status.state === 'idle' || (status.state === 'loading' && !status.error)) return '';
  return statusMessage(status, strings).text;
}
