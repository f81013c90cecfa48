import { expect, oneEvent } from '@open-wc/testing';
import type { GymAccessQr } from '../src/index.js';
import { mount } from './helpers.js';
import { configure, uniqueCustomer } from './backend.js';

/**
 * A page that starts the first code's request itself while it parses (`<link rel="preload" as="fetch">`), against
 * the relay in front of the mock Open API, on the real clock. Chromium hands the preloaded answer to the element's
 * own request however long ago it came, and so does Firefox to a request in the default cache mode (the element's
 * request paired with a preload); WebKit asks again, and the relay answers from the code it holds.
 */
describe('a page that preloads the first code', () => {
  let el: GymAccessQr | undefined;
  let link: HTMLLinkElement | undefined;
  afterEach(() => {
    el?.remove();
    link?.remove();
    el = link = undefined;
  });

  async function preload(url: string): Promise<void> {
    link = Object.assign(document.createElement('link'), { rel: 'preload', as: 'fetch', href: url });
    link.crossOrigin = 'anonymous';
    const loaded = new Promise((done) => link!.addEventListener('load', done, { once: true }));
    document.head.append(link);
    await loaded;
  }

  /**
   * A customer whose codes live `lifetimeSeconds`, the page's preload of its first code, then, `waitMs` after the
   * preload's answer came, the element: resolves once it has shown a code.
   */
  async function preloadThenShow(lifetimeSeconds: number, waitMs: number): Promise<string> {
    const id = uniqueCustomer();
    await configure(id, { lifetimeSeconds });
    await preload(`/v1/customers/${id}/access-code`);
    await new Promise((done) => setTimeout(done, waitMs));
    const shown = oneEvent(document.body, 'gym-access-qr-refresh');
    el = await mount({ 'customer-id': id, 'token-endpoint': '/v1/customers/{customerId}/access-code' });
    await shown;
    await el.updateComplete;
    return id;
  }

  function secondsLeft(el: GymAccessQr): number {
    const label = el.shadowRoot!.querySelector('[role="img"]')!.getAttribute('aria-label') ?? '';
    return Number(/valid for (\d+) more second/.exec(label)?.[1] ?? NaN);
  }

  it('counts the code from when the preload was sent, not from when the element asked', async () => {
    // The element asks 3 s after the preload's answer came: the code has 3 s less left than its 30.
    await preloadThenShow(30, 3_000);

    expect(el!.state).to.equal('active');
    const left = secondsLeft(el!);
    expect(left, `${left} s left`).to.be.within(20, 26);
  });

  it('costs one request where the engine hands the preloaded answer over: Chromium and Firefox (WebKit asks again)', async () => {
    // Codes of 11 s: 1.5 s on, the relay holds none it would hand out again (it reuses a code while 10 s remain),
    // so a second request would reach the mock Open API and be counted there.
    const id = await preloadThenShow(11, 1_500);

    const { accessCodeRequests } = (await (await fetch(`/mock/stats?customerId=${id}`)).json()) as {
      accessCodeRequests: number;
    };
    const webkit = /Safari/.test(navigator.userAgent) && !/Chrom/.test(navigator.userAgent);
    expect(accessCodeRequests).to.equal(webkit ? 2 : 1);
  });
});
