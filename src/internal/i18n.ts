/** Every text the element shows or announces. Override any of them through the `strings` property. */
export interface GymAccessQrStrings {
  /** The QR's accessible name; never the content. */
  codeLabel: (seconds: number) => string;
  loading: string;
  expired: string;
  retrying: string;
  retry: string;
  newCode: string;
  checkedIn: string;
  manualInvalidated: string;
  errorConfig: string;
  errorUnauthorized: string;
  errorForbidden: string;
  errorNotFound: string;
  errorOther: string;
  /** The accessible name of the code's button that opens the full-screen view. */
  enlarge: string;
  /** The full-screen view's close button. */
  close: string;
  /** The full-screen view's accessible name. */
  enlarged: string;
  /** Announced (politely) when a new code is on screen. */
  codeShown: string;
}

const en: GymAccessQrStrings = {
  codeLabel: (s) => `Check-in code, valid for ${s} more ${s === 1 ? 'second' : 'seconds'}`,
  loading: 'Loading your check-in code…',
  expired: 'This code has expired. Getting a new one…',
  retrying: 'No connection. Trying again…',
  retry: 'Try again',
  newCode: 'Show a new code',
  checkedIn: 'You are checked in. Enjoy your workout!',
  manualInvalidated: 'This code is no longer valid.',
  errorConfig: 'The check-in code is not set up correctly on this page.',
  errorUnauthorized: 'Please sign in again to get your check-in code.',
  errorForbidden: 'This check-in code is not available for your account.',
  errorNotFound: 'No check-in code was found for your account.',
  errorOther: 'The check-in code could not be loaded.',
  enlarge: 'Show larger',
  close: 'Close',
  enlarged: 'Check-in code, full screen',
  codeShown: 'New check-in code shown.',
};

const de: GymAccessQrStrings = {
  codeLabel: (s) => `Check-in-Code, noch ${s} ${s === 1 ? 'Sekunde' : 'Sekunden'} gültig`,
  loading: 'Dein Check-in-Code wird geladen…',
  expired: 'Dieser Code ist abgelaufen. Ein neuer wird geholt…',
  retrying: 'Keine Verbindung. Neuer Versuch…',
  retry: 'Erneut versuchen',
  newCode: 'Neuen Code anzeigen',
  checkedIn: 'Du bist eingecheckt. Viel Spaß beim Training!',
  manualInvalidated: 'Dieser Code ist nicht mehr gültig.',
  errorConfig: 'Der Check-in-Code ist auf dieser Seite nicht richtig eingerichtet.',
  errorUnauthorized: 'Bitte melde dich erneut an, um deinen Check-in-Code zu erhalten.',
  errorForbidden: 'Dieser Check-in-Code ist für dein Konto nicht verfügbar.',
  errorNotFound: 'Für dein Konto wurde kein Check-in-Code gefunden.',
  errorOther: 'Der Check-in-Code konnte nicht geladen werden.',
  enlarge: 'Größer anzeigen',
  close: 'Schließen',
  enlarged: 'Check-in-Code, Vollbild',
  codeShown: 'Neuer Check-in-Code angezeigt.',
};

const catalogs: Record<string, GymAccessQrStrings> = { en, de };

/** The built-in texts for a BCP 47 tag (`de-AT` falls back to `de`, anything unknown to English), with overrides on top. */
export function stringsFor(lang: string, overrides?: Partial<GymAccessQrStrings> | null): GymAccessQrStrings {
  return catalogFor(catalogs, en, lang, overrides);
}

/** One element's texts for a BCP 47 tag: its catalog for the primary language, else `fallback`, with overrides on top. */
export function catalogFor<T extends object>(
  catalogs: Record<string, T>,
  fallback: T,
  lang: string,
  overrides?: Partial<T> | null,
): T {
  const base = catalogs[lang.toLowerCase().split('-')[0] ?? ''] ?? fallback;
  return overrides ? { ...base, ...overrides } : base;
}

/** The language an element speaks: the nearest `lang` attribute, the document's, or English. */
export function languageOf(element: Element): string {
  return element.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en';
}
