/**
 * The Magicline Open API client: one `GET /v1/customers/{id}/access-code`
 * with the API key, an 8 s limit, and every outcome sorted into what the
 * relay answers.
 */

import { describeError } from './log.js';

export type UpstreamResult =
  | {
      kind: 'ok';
      /** Magicline's JSON, unchanged. */
      body: string;
      /** `expiresAt` in epoch ms, or null when absent or not a date. */
      expiresAtMs: number | null;
      /** Magicline's `Date` header (epoch ms), or the relay's clock when it sent none. */
      dateMs: number;
    }
  | { kind: 'not-found' }
  | { kind: 'rate-limited'; retryAfter: string | null }
  /** Magicline refused the relay's API key (401/403): the operator must act. */
  | { kind: 'refused'; status: number }
  /** 5xx, another unexpected status, or a 200 that is not JSON. */
  | { kind: 'bad-gateway'; status: number }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'timeout' };

export interface UpstreamOptions {
  baseUrl: string;
  apiKey: string;
  /** Default 8000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  /** Aborts the call (the relay closing); it then counts as unreachable. */
  signal?: AbortSignal;
}

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 8000;

/** The access-code URL for `customerId` under `baseUrl` (a path in the base URL is kept). */
export function accessCodeUrl(baseUrl: string, customerId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/customers/${customerId}/access-code`;
}

export async function fetchAccessCode(options: UpstreamOptions, customerId: string): Promise<UpstreamResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop);
  if (options.signal?.aborted) controller.abort();
  try {
    const response = await (options.fetch ?? fetch)(accessCodeUrl(options.baseUrl, customerId), {
      headers: { 'X-API-KEY': options.apiKey, Accept: 'application/json' },
      signal: controller.signal,
      redirect: 'error',
    });
    // The body is read under the same limit.
    const body = await response.text();
    const { status } = response;
    if (status === 200) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return { kind: 'bad-gateway', status };
      }
      const expiresAt =
        parsed && typeof parsed === 'object' ? (parsed as { expiresAt?: unknown }).expiresAt : undefined;
      const expiresAtMs = typeof expiresAt === 'string' ? Date.parse(expiresAt) : NaN;
      const date = Date.parse(response.headers.get('Date') ?? '');
      return {
        kind: 'ok',
        body,
        expiresAtMs: Number.isFinite(expiresAtMs) ? expiresAtMs : null,
        dateMs: Number.isFinite(date) ? date : now(),
      };
    }
    if (status === 404) return { kind: 'not-found' };
    if (status === 429) return { kind: 'rate-limited', retryAfter: response.headers.get('Retry-After') };
    if (status === 401 || status === 403) return { kind: 'refused', status };
    return { kind: 'bad-gateway', status };
  } catch (error) {
    if (timedOut) return { kind: 'timeout' };
    return {
      kind: 'unreachable',
      reason: describeError(error instanceof Error && error.cause instanceof Error ? error.cause : error),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
  }
}
