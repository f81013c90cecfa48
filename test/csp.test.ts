import { expect } from '@open-wc/testing';
import type { GymAccessQr } from '../src/index.js';
import { uniqueCustomer, until } from './backend.js';
import { shownText } from './helpers.js';

// test/fixtures/csp.html carries the policy: default-src, script-src and style-src 'self',
// require-trusted-types-for 'script', trusted-types lit-html.

type FrameWindow = Window & { violations: string[] };

describe('under a strict CSP with Trusted Types enforced', () => {
  let frame: HTMLIFrameElement | undefined;
  afterEach(() => frame?.remove());

  it('shows a code, with its ring, and causes no violation', async () => {
    const id = uniqueCustomer();
    frame = document.createElement('iframe');
    // A real same-origin page rather than srcdoc: Firefox does not let a srcdoc frame's 'self' scripts load.
    frame.src = `/test/fixtures/csp.html?customer=${id}`;
    document.body.append(frame);
    const win = () => frame!.contentWindow as FrameWindow;
    await until(
      () => win().document?.querySelector<GymAccessQr>('gym-access-qr')?.state === 'active',
      8_000,
      'a code in the frame',
    );

    const el = win().document.querySelector<GymAccessQr>('gym-access-qr')!;
    expect(el.shadowRoot!.querySelector('svg.qr path.dark')?.getAttribute('d')).to.match(/^M\d/);
    // The ring is timed for this code (Web Animations: no style attribute needed).
    expect(el.shadowRoot!.querySelector('.ring .top')!.getAnimations()[0]!.effect!.getTiming().duration).to.be.above(0);
    expect(win().violations).to.deep.equal([]);

    // The full-screen view too: the code moves into the modal dialog, its clock and sheen with it.
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.enlarge')!.click();
    await el.updateComplete;
    const dialog = el.shadowRoot!.querySelector('dialog')!;
    expect(dialog.open).to.equal(true);
    expect(dialog.querySelector('svg.qr path.dark')?.getAttribute('d')).to.match(/^M\d/);
    expect(shownText(dialog.querySelector('.clock')!)).to.match(/^\d\d:\d\d:\d\d$/);
    dialog.querySelector<HTMLButtonElement>('button.close')!.click();
    await el.updateComplete;
    expect(dialog.open).to.equal(false);
    expect(win().violations).to.deep.equal([]);

    // The policy really is enforced in that frame: a style attribute and an HTML string are refused.
    win().document.body.setAttribute('style', 'color: red');
    let refused = false;
    try {
      win().document.body.innerHTML = '<b>x</b>';
    } catch {
      refused = true;
    }
    expect(refused, 'innerHTML refused by Trusted Types').to.equal(true);
    await until(() => win().violations.length > 0, 2_000, 'the style attribute to be reported');
    expect(win().violations.join('\n')).to.include('style-src');
  });
});
