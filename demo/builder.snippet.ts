// The snippet a CMS integrator pastes: the script tag (with its integrity
// hash), the <gym-access-qr> tag with only the attributes that differ from
// the defaults, and a <style> block with only the changed custom properties.
// Pure: the builder page (builder.ts) renders what this returns.

export interface SnippetAttributes {
  customerId: string;
  tokenEndpoint: string;
  eventsEndpoint: string;
  /** '' leaves the language to the page (the nearest lang attribute). */
  lang: string;
  errorCorrection: 'L' | 'M' | 'Q' | 'H';
  afterCheckin: 'prompt' | 'refresh';
  credentials: 'same-origin' | 'include' | 'omit';
  keepAwake: boolean;
  enlarge: 'on' | 'off';
}

export interface SnippetOptions {
  /** Where the page loads the bundle from. */
  scriptSrc: string;
  /** `module` for dist/gym-access-qr.js, `classic` for dist/gym-access-qr.iife.js (CMSs that strip type="module"). */
  format: 'module' | 'classic';
  /** The bundle's `sha384-…` hash (dist/integrity.json), or null to leave integrity out. */
  integrity: string | null;
  attributes: SnippetAttributes;
  /** Custom property name -> value; only the ones that differ from THEME_DEFAULTS end up in the snippet. */
  theme: Record<string, string>;
  /**
   * Whether the snippet opens the connection to the endpoints' other origins while the page parses
   * (`<link rel="preconnect">`), a round trip or two before the element's first request needs it.
   */
  preconnect?: boolean;
  /**
   * Whether the page starts the first code's request itself while it parses (`<link rel="preload" as="fetch">`):
   * for endpoints that know the member by cookie or session, not by `requestHeaders`. See {@link preloadLink}.
   */
  preload?: boolean;
}

export const ATTRIBUTE_DEFAULTS: SnippetAttributes = {
  customerId: '',
  tokenEndpoint: '',
  eventsEndpoint: '',
  lang: '',
  errorCorrection: 'M',
  afterCheckin: 'prompt',
  credentials: 'same-origin',
  keepAwake: false,
  enlarge: 'on',
};

/** The theme's custom properties and their defaults (see the manifest's cssProperties). */
export const THEME_DEFAULTS: Record<string, string> = {
  '--gym-access-qr-dark': '#000000',
  '--gym-access-qr-light': '#ffffff',
  '--gym-access-qr-accent': '#16a34a',
  '--gym-access-qr-warning': '#d97706',
  '--gym-access-qr-size': 'min(18rem, 100%)',
  '--gym-access-qr-radius': '1rem',
  '--gym-access-qr-ring-width': '0.5rem',
  '--gym-access-qr-font': 'inherit',
};

/** Attribute order in the tag: what an integrator reads first. */
const ATTRIBUTE_NAMES: [keyof SnippetAttributes, string][] = [
  ['customerId', 'customer-id'],
  ['tokenEndpoint', 'token-endpoint'],
  ['eventsEndpoint', 'events-endpoint'],
  ['lang', 'lang'],
  ['errorCorrection', 'error-correction'],
  ['afterCheckin', 'after-checkin'],
  ['credentials', 'credentials'],
  ['keepAwake', 'keep-awake'],
  ['enlarge', 'enlarge'],
];

/** For attribute values: a CMS placeholder such as {{ member.id }} stays as written, quotes and tags cannot break out. */
export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A custom property value that cannot end the declaration, the rule or the style element. */
export function isSafeCssValue(value: string): boolean {
  return value.trim() !== '' && !/[;{}<>\\]|\/\*/.test(value);
}

/** Same colour written two ways (#16A34A, #16a34a) is no change. */
const normalise = (value: string) => value.trim().toLowerCase();

export function changedTheme(theme: Record<string, string>): [string, string][] {
  return Object.entries(theme).filter(
    ([name, value]) =>
      name in THEME_DEFAULTS && isSafeCssValue(value) && normalise(value) !== normalise(THEME_DEFAULTS[name]!),
  );
}

/**
 * The origins of the absolute http(s) endpoints, each once, as `<link rel="preconnect">` tags. The element's
 * requests carry cookies only with `credentials="include"`; Chromium keeps those connections apart from the
 * anonymous ones, so the hint must say which kind it opens (`crossorigin` for the anonymous).
 */
export function preconnectLinks({ tokenEndpoint, eventsEndpoint, credentials }: SnippetAttributes): string[] {
  const origins = new Set<string>();
  for (const endpoint of [tokenEndpoint, eventsEndpoint]) {
    // Relative endpoints are the page's own origin; a CMS placeholder in the host is not one to connect to.
    if (!/^https?:\/\/[^/{}%\s]+(\/|$)/i.test(endpoint.trim())) continue;
    try {
      origins.add(new URL(endpoint.trim()).origin);
    } catch {
      // Not a URL the browser could connect to either.
    }
  }
  const mode = credentials.trim() === 'include' ? '' : ' crossorigin';
  return [...origins].map((origin) => `<link rel="preconnect" href="${escapeAttribute(origin)}"${mode}>`);
}

/**
 * The first code's request, started by the page while it parses and the bundle is on its way: Chromium and Firefox
 * hand its answer to the element's first request (the element counts the code from when the preload was sent),
 * Safari asks again. The URL is the element's: `{customerId}` replaced by the id, or by the CMS placeholder that
 * prints it. A preload carries cookies (`crossorigin="use-credentials"` for `credentials="include"`) but never
 * `requestHeaders`. None without an endpoint or id to build the URL, or for `credentials="omit"`, which no preload
 * request matches.
 */
export function preloadLink({ tokenEndpoint, customerId, credentials }: SnippetAttributes): string | null {
  const endpoint = tokenEndpoint.trim();
  const id = customerId.trim();
  const mode = credentials.trim();
  if (endpoint === '' || (endpoint.includes('{customerId}') && id === '') || mode === 'omit') return null;
  // The element URL-encodes the id; digits, and the digits a CMS placeholder prints, stay as they are.
  const href = endpoint.replaceAll('{customerId}', id);
  const crossorigin = mode === 'include' ? ' crossorigin="use-credentials"' : ' crossorigin';
  return `<link rel="preload" as="fetch" href="${escapeAttribute(href)}"${crossorigin}>`;
}

export function buildSnippet({
  scriptSrc,
  format,
  integrity,
  attributes,
  theme,
  preconnect,
  preload,
}: SnippetOptions): string {
  const scriptAttributes = [
    format === 'module' ? 'type="module"' : null,
    `src="${escapeAttribute(scriptSrc)}"`,
    integrity ? `integrity="${escapeAttribute(integrity)}" crossorigin="anonymous"` : null,
  ].filter(Boolean);
  const preloaded = preload ? preloadLink(attributes) : null;
  const lines = [
    ...(preconnect ? preconnectLinks(attributes) : []),
    ...(preloaded ? [preloaded] : []),
    `<script ${scriptAttributes.join(' ')}></script>`,
  ];

  const tagAttributes: string[] = [];
  for (const [key, name] of ATTRIBUTE_NAMES) {
    const value = attributes[key];
    if (typeof value === 'boolean') {
      if (value !== ATTRIBUTE_DEFAULTS[key]) tagAttributes.push(name);
    } else if (value.trim() !== '' && value.trim() !== ATTRIBUTE_DEFAULTS[key]) {
      tagAttributes.push(`${name}="${escapeAttribute(value.trim())}"`);
    }
  }
  lines.push(
    `<gym-access-qr${tagAttributes.length > 3 ? tagAttributes.map((a) => `\n  ${a}`).join('') + '\n' : tagAttributes.map((a) => ` ${a}`).join('')}></gym-access-qr>`,
  );

  const changed = changedTheme(theme);
  if (changed.length) {
    lines.push(
      `<style>\n  gym-access-qr {\n${changed.map(([name, value]) => `    ${name}: ${value.trim()};`).join('\n')}\n  }\n</style>`,
    );
  }
  return `${lines.join('\n')}\n`;
}
