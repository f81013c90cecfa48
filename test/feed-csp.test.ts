import { expect } from '@open-wc/testing';
import type { GymCheckinFeed } from '../src/feed/index.js';
import { scan, uniqueCustomer, until, webhooksDelivered } from './backend.js';

// test/fixtures/feed-csp.html carries the member element's policy: default-src, script-src and style-src 'self',
// require-trusted-types-for 'script', trusted-types lit-html.

type FrameWindow = Window & { violations: string[] };

describe('<gym-checkin-feed> under a strict CSP with Trusted Types enforced', () => {
  let frame: HTMLIFrameElement | undefined;
  afterEach(() => frame?.remove());

  it('goes live, shows a gate scan with its chart and new-row mark, and causes no violation', async () => {
    frame = document.createElement('iframe');
    frame.src = '/test/fixtures/feed-csp.html';
    document.body.append(frame);
    const win = () => frame!.contentWindow as FrameWindow;
    const feed = () => win().document?.querySelector<GymCheckinFeed>('gym-checkin-feed');
    await until(() => feed()?.state === 'live', 8_000, 'the feed in the frame to be live');

    const id = uniqueCustomer();
    const code = ((await (await fetch(`/v1/customers/${id}/access-code`)).json()) as { content: string }).content;
    expect((await scan(code)).status).to.equal(200);
    await webhooksDelivered();
    const row = () =>
      [...feed()!.shadowRoot!.querySelectorAll('.row.new')].find((li) => li.textContent!.includes(`Customer ${id}`));
    await until(() => row() !== undefined, 5_000, 'the check-in in the frame');
    expect(Number(feed()!.shadowRoot!.querySelector('.number')!.textContent)).to.be.above(0);
    expect(
      [...feed()!.shadowRoot!.querySelectorAll('svg.bars rect')].some((r) => Number(r.getAttribute('height')) > 0),
    ).to.equal(true);
    expect(win().violations).to.deep.equal([]);

    // The policy really is enforced in that frame: a style attribute is reported.
    win().document.body.setAttribute('style', 'color: red');
    await until(() => win().violations.length > 0, 2_000, 'the style attribute to be reported');
    expect(win().violations.join('\n')).to.include('style-src');
  });
});
