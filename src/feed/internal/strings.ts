import { catalogFor } from '../../internal/i18n.js';

/** Every text the feed shows. Override any of them through the `strings` property. */
export interface GymCheckinFeedStrings {
  /** After today's number. */
  today: string;
  connecting: string;
  live: string;
  reconnecting: string;
  errorConfig: string;
  errorUnauthorized: string;
  errorForbidden: string;
  /** The hourly chart's name, and its table's caption. */
  perHour: string;
  hour: string;
  checkins: string;
  /** The list's name. */
  latest: string;
  empty: string;
  /** A check-in without a name. */
  customer: (customerId: string) => string;
}

const en: GymCheckinFeedStrings = {
  today: 'check-ins today',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Connection lost. Reconnecting…',
  errorConfig: 'The check-in feed is not set up correctly on this page.',
  errorUnauthorized: 'Please sign in again to see check-ins.',
  errorForbidden: 'This account may not see the check-ins of this studio.',
  perHour: 'Check-ins per hour today',
  hour: 'Hour',
  checkins: 'Check-ins',
  latest: 'Latest check-ins',
  empty: 'No check-ins yet.',
  customer: (id) => `Customer ${id}`,
};

const de: GymCheckinFeedStrings = {
  today: 'Check-ins heute',
  connecting: 'Verbindung wird aufgebaut…',
  live: 'Live',
  reconnecting: 'Verbindung unterbrochen. Neuer Versuch…',
  errorConfig: 'Der Check-in-Feed ist auf dieser Seite nicht richtig eingerichtet.',
  errorUnauthorized: 'Bitte melde dich erneut an, um die Check-ins zu sehen.',
  errorForbidden: 'Dieses Konto darf die Check-ins dieses Studios nicht sehen.',
  perHour: 'Check-ins pro Stunde heute',
  hour: 'Stunde',
  checkins: 'Check-ins',
  latest: 'Letzte Check-ins',
  empty: 'Noch keine Check-ins.',
  customer: (id) => `Mitglied ${id}`,
};

/** The feed's texts for a BCP 47 tag (English for anything unknown), with overrides on top. */
export function feedStringsFor(lang: string, overrides?: Partial<GymCheckinFeedStrings> | null): GymCheckinFeedStrings {
  return catalogFor({ en, de }, en, lang, overrides);
}
