import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { dispatchWhenRendered, ENLARGE_EVENT, SHRINK_EVENT, type EnlargeDetail } from '../events.js';

/** What the controller reads from its element. */
export interface EnlargedViewHost extends ReactiveControllerHost, HTMLElement {
  enlarge: 'on' | 'off';
  readonly shadowRoot: ShadowRoot | null;
}

/**
 * The full-screen view: whether it is open, the modal `<dialog>` and the
 * Fullscreen API behind it, and focus back on the page when it closes. The
 * element renders the view from {@link open} and binds the handlers here.
 */
export class EnlargedViewController implements ReactiveController {
  readonly #host: EnlargedViewHost;
  #open = false;
  /** Opened or closed since the last render: the dialog follows once that render is on screen. */
  #toggled = false;

  constructor(host: EnlargedViewHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Whether the full-screen view is open; setting it re-renders the element. */
  get open(): boolean {
    return this.#open;
  }

  set open(open: boolean) {
    if (open === this.#open) return;
    this.#open = open;
    this.#toggled = true;
    this.#host.requestUpdate();
  }

  hostUpdate(): void {
    if (this.#host.enlarge === 'off') this.open = false;
  }

  hostUpdated(): void {
    if (!this.#toggled) return;
    this.#toggled = false;
    this.#toggleDialog();
  }

  hostDisconnected(): void {
    // A modal dialog leaves the top layer with the document; put back, the element starts small.
    this.open = false;
  }

  readonly show = (): void => {
    this.open = true;
  };

  /** Escape arrives as `cancel` at once; `close` is queued, and a background page may get it late. */
  readonly shrink = (): void => {
    this.open = false;
  };

  /** A tap anywhere in the full-screen view but on a button closes it. */
  readonly tap = (event: Event): void => {
    if (!(event.target as Element).closest('button')) this.open = false;
  };

  /** Leaving full screen (Escape, a system gesture) leaves the enlarged view too. */
  readonly #onFullscreen = (): void => {
    if (!this.#host.shadowRoot!.fullscreenElement) this.open = false;
  };

  /** Runs `focusBack` when focus is nowhere (on the page's body), not when it is somewhere the member put it. */
  #focusIfLost(focusBack: () => void): void {
    const active = document.activeElement;
    if (active === null || active === document.body) focusBack();
  }

  #toggleDialog(): void {
    const root = this.#host.shadowRoot!;
    const dialog = root.querySelector('dialog')!;
    if (this.#open) {
      dialog.showModal();
      // On top where the Fullscreen API exists (not iPhone Safari, where the modal alone covers the viewport).
      // A <dialog> may not go full screen itself; its sheet may. Refusals (no user gesture) change nothing.
      root
        .querySelector('.sheet')!
        .requestFullscreen?.()
        .catch(() => {});
      document.addEventListener('fullscreenchange', this.#onFullscreen);
    } else {
      dialog.close();
      document.removeEventListener('fullscreenchange', this.#onFullscreen);
      // Back to the code's button, or, when the code has gone meanwhile, to the message's.
      const focusBack = () => root.querySelector<HTMLElement>('.base button')?.focus();
      focusBack();
      // Chromium leaves the page outside the full-screen sheet inert until full screen has been left, so that
      // focus fell on <body>: it goes back once full screen is left, unless the member has moved it meanwhile.
      const refocus = () => this.#focusIfLost(focusBack);
      if (root.fullscreenElement) void document.exitFullscreen().then(refocus, refocus);
    }
    dispatchWhenRendered<EnlargeDetail>(this.#host, this.#open ? ENLARGE_EVENT : SHRINK_EVENT, {});
  }
}
