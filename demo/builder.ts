// The snippet builder page: reads the form, shows the element live (light and
// dark, against the demo's mock backend) and the snippet that buildSnippet()
// makes of it. The integrity hashes come from the build (dist/integrity.json,
// written by `npm run build`); without a build the page says so and leaves
// integrity out, rather than hash a bundle that is not the one shipped.
import type { GymAccessQr } from '../src/index.js';
import {
  ATTRIBUTE_DEFAULTS,
  THEME_DEFAULTS,
  buildSnippet,
  type SnippetAttributes,
  type SnippetOptions,
} from './builder.snippet.js';

interface Integrity {
  version: string;
  files: Record<string, string>;
}

const BUNDLE = { module: 'gym-access-qr.js', classic: 'gym-access-qr.iife.js' } as const;
/** The mock backend's member, for the preview when the customer id is a CMS placeholder. */
const PREVIEW_CUSTOMER = '1234567';

const form = document.querySelector<HTMLFormElement>('#options')!;
const snippetView = document.querySelector<HTMLElement>('#snippet')!;
const integrityNote = document.querySelector<HTMLElement>('#integrity-note')!;
const previewNote = document.querySelector<HTMLElement>('#preview-note')!;
const copied = document.querySelector<HTMLOutputElement>('#copied')!;
const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;

const previews = ['#preview-light', '#preview-dark'].map((selector) => {
  const element = document.createElement('gym-access-qr') as GymAccessQr;
  document.querySelector(selector)!.append(element);
  return element;
});

let integrity: Integrity | null = null;
let snippet = '';

async function loadIntegrity(): Promise<Integrity | null> {
  try {
    const response = await fetch(new URL('../dist/integrity.json', location.href), { cache: 'no-store' });
    if (!response.ok || !response.headers.get('Content-Type')?.includes('json')) return null;
    const data = (await response.json()) as Integrity;
    return typeof data.version === 'string' && data.files ? data : null;
  } catch {
    return null;
  }
}

function readOptions(): SnippetOptions {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '');
  const format = text('format') === 'classic' ? 'classic' : 'module';
  const attributes: SnippetAttributes = {
    customerId: text('customerId'),
    tokenEndpoint: text('tokenEndpoint'),
    eventsEndpoint: text('eventsEndpoint'),
    lang: text('lang'),
    errorCorrection: text('errorCorrection') as SnippetAttributes['errorCorrection'],
    afterCheckin: text('afterCheckin') as SnippetAttributes['afterCheckin'],
    credentials: text('credentials') as SnippetAttributes['credentials'],
    keepAwake: data.get('keepAwake') === 'on',
    enlarge: text('enlarge') as SnippetAttributes['enlarge'],
  };
  const theme = Object.fromEntries(Object.keys(THEME_DEFAULTS).map((name) => [name, text(name)]));
  return {
    scriptSrc: text('scriptSrc'),
    format,
    integrity: integrity?.files[BUNDLE[format]] ?? null,
    attributes,
    theme,
    preconnect: true,
    preload: data.get('preload') === 'on',
  };
}

function updatePreviews({ attributes, theme }: SnippetOptions) {
  const ownId = /^\d{1,19}$/.test(attributes.customerId.trim());
  previewNote.textContent = `The preview asks the demo's mock backend${ownId ? '' : ` as customer ${PREVIEW_CUSTOMER} (the customer id is a placeholder)`}; the snippet uses your endpoints.`;
  for (const element of previews) {
    element.customerId = ownId ? attributes.customerId.trim() : PREVIEW_CUSTOMER;
    element.tokenEndpoint = '/v1/customers/{customerId}/access-code';
    element.eventsEndpoint = attributes.eventsEndpoint.trim() ? '/v1/customers/{customerId}/events' : '';
    element.errorCorrection = attributes.errorCorrection;
    element.afterCheckin = attributes.afterCheckin;
    element.keepAwake = attributes.keepAwake;
    element.toggleAttribute('lang', attributes.lang !== '');
    if (attributes.lang) element.lang = attributes.lang;
    element.setAttribute('enlarge', attributes.enlarge);
    // CSSOM, as the page's <style> block would set them.
    for (const [name, value] of Object.entries(theme)) {
      if (value.trim()) element.style.setProperty(name, value.trim());
      else element.style.removeProperty(name);
    }
  }
}

function update() {
  const options = readOptions();
  snippet = buildSnippet(options);
  snippetView.textContent = snippet;
  copied.value = '';
  updatePreviews(options);
  if (!integrity) {
    integrityNote.textContent =
      'No dist/integrity.json: run `npm run build`, which writes the bundles and their hashes. Until then the snippet has no integrity attribute.';
    integrityNote.classList.add('warning');
  } else {
    integrityNote.textContent = `integrity is the hash of dist/${BUNDLE[options.format]} from this build (version ${integrity.version}): serve exactly that file at the bundle URL.`;
    integrityNote.classList.remove('warning');
  }
}

function resetTheme() {
  for (const [name, value] of Object.entries(THEME_DEFAULTS)) field(name).value = value;
}

form.addEventListener('input', update);
form.addEventListener('change', (event) => {
  // Switching the script kind switches the file name in the URL too.
  if ((event.target as HTMLElement).getAttribute('name') === 'format') {
    const src = field('scriptSrc');
    const format = field('format').value as keyof typeof BUNDLE;
    src.value = src.value.replace(/gym-access-qr(\.iife)?\.js$/, BUNDLE[format]);
  }
  update();
});
document.querySelector('#reset-theme')!.addEventListener('click', () => {
  resetTheme();
  update();
});
document.querySelector('#copy')!.addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(snippet);
    copied.value = 'Copied.';
  } catch {
    getSelection()?.selectAllChildren(snippetView);
    copied.value = 'Selected: copy it with Ctrl+C / ⌘C.';
  }
});

resetTheme();
for (const [key, value] of Object.entries(ATTRIBUTE_DEFAULTS)) {
  const input = field(key);
  if (input instanceof HTMLSelectElement) input.value = String(value);
}
integrity = await loadIntegrity();
field('scriptSrc').value =
  `https://cdn.jsdelivr.net/npm/gym-access-qr@${integrity?.version ?? 'latest'}/dist/${BUNDLE.module}`;
update();
document.body.dataset.ready = '';
