import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface WakeLockHost extends ReactiveControllerHost {
  keepAwake: boolean;
}

/**
 * Holds a screen wake lock while `keep-awake` is set, a valid code is shown
 * and the page is visible, so the phone does not dim at the turnstile. The
 * browser drops the lock when the page is hidden; it is taken again on return.
 * Where the API is missing or refuses (no user activation, battery saver),
 * the element simply goes without.
 */
export class WakeLockController implements ReactiveController {
  readonly #host: WakeLockHost;
  readonly #showing: () => boolean;
  #connected = false;
  #lock: WakeLockSentinel | null = null;
  #pending = false;
  /** A refused request is not repeated on every render; the next return to the page tries again. */
  #refused = false;

  constructor(host: WakeLockHost, showing: () => boolean) {
    this.#host = host;
    this.#showing = showing;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  hostDisconnected(): void {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#sync();
  }

  hostUpdated(): void {
    this.#sync();
  }

  readonly #onVisibility = (): void => {
    this.#refused = false;
    this.#sync();
  };

  #sync(): void {
    const wanted = this.#connected && this.#host.keepAwake && this.#showing() && document.visibilityState === 'visible';
    if (!wanted) {
      void this.#lock?.release().catch(() => {});
      this.#lock = null;
      return;
    }
    if (this.#lock || this.#pending || this.#refused || !navigator.wakeLock) return;
    this.#pending = true;
    navigator.wakeLock.request('screen').then(
      (lock) => {
        this.#pending = false;
        this.#lock = lock;
        lock.addEventListener('release', () => {
          if (this.#lock === lock) this.#lock = null;
        });
        // Things may have changed while the request was pending.
        this.#sync();
      },
      () => {
        this.#pending = false;
        this.#refused = true;
      },
    );
  }
}
