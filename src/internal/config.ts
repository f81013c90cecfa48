import { isCustomerId } from './customer-id.js';

export { isCustomerId };

const PLACEHOLDER = /\{customerId\}/g;

export type EndpointConfig =
  /** Not configured yet: nothing to request, nothing wrong. */
  | { readonly status: 'idle' }
  | { readonly status: 'invalid'; readonly message: string }
  | { readonly status: 'ready'; readonly url: string };

/**
 * Checks the element's configuration and resolves the URL to request.
 * `template` may hold `{customerId}`, replaced by the URL-encoded id; it is
 * resolved against `base` (the document's base URL) and must end up http(s).
 */
export function resolveEndpoint(
  template: string,
  customerId: string,
  base: string,
  /** The attribute the template came from, for messages. */
  attribute = 'token-endpoint',
): EndpointConfig {
  const id = customerId.trim();
  const endpoint = template.trim();
  if (endpoint === '' || id === '') return { status: 'idle' };
  if (!isCustomerId(id)) {
    return { status: 'invalid', message: 'customer-id must be a Magicline customer id: 1 to 19 digits' };
  }
  return httpUrl(endpoint.replace(PLACEHOLDER, encodeURIComponent(id)), base, attribute);
}

/** `endpoint` resolved against `base`, when that makes an http(s) URL. */
export function httpUrl(endpoint: string, base: string, attribute: string): EndpointConfig {
  let url: URL;
  try {
    url = new URL(endpoint, base);
  } catch {
    return { status: 'invalid', message: `${attribute} is not a valid URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { status: 'invalid', message: `${attribute} must be an http: or https: URL` };
  }
  return { status: 'ready', url: url.href };
}

/** The fetch credentials mode for both endpoints; an unknown value falls back to the default before it can reach fetch. */
export function credentialsOf(value: string): RequestCredentials {
  return value === 'include' || value === 'omit' ? value : 'same-origin';
}
