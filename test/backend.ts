/**
 * Helpers for browser tests against the backend the test runner serves: the relay in front of the mock Open API.
 * (The relay's own Node tests are in test/server/.)
 */

/** A customer id no other test uses, so tests in parallel tabs do not share codes or settings. */
export function uniqueCustomer(): string {
  return String(1_000_000_000 + Math.floor(Math.random() * 8_999_999_999));
}

export async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** An access code straight from the mock Open API (not through the relay), with its API key. */
export function magicline(customerId: string): Promise<Response> {
  return fetch(`/magicline/v1/customers/${customerId}/access-code`, { headers: { 'X-API-KEY': 'demo-magicline-key' } });
}

export function configure(customerId: string, settings: Record<string, unknown>) {
  return post(`/mock/settings?customerId=${customerId}`, settings);
}

export function scan(content: string) {
  return post('/gate/scan', { content });
}

/** Polls `condition` on the real clock until it holds, or fails after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Waits until the check-in webhooks the gate's grants set off have reached the relay: the mock posts
 * them after the gate's answer, as Magicline does.
 */
export async function webhooksDelivered(): Promise<void> {
  await fetch('/mock/webhooks');
}

/** How many event streams the relay has open for the customer. */
export async function openStreams(customerId: string): Promise<number> {
  const response = await fetch(`/mock/streams?customerId=${customerId}`);
  return (await response.json()).open;
}
