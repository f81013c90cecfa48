import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { announce, ERROR_EVENT, type ErrorDetail } from '../events.js';
import { checkinFromMessage, type Checkin } from './checkin.js';
import { isCustomerId, resolveEndpoint } from './config.js';
import { backoffDelay } from './schedule.js';

/** What the controller reads from its element. */
export interface CheckinStreamHost extends ReactiveControllerHost, HTMLElement {
  customerId: string;
  eventsEndpoint: string;
  credentials: RequestCredentials;
}

/** How many delivered uuids are remembered to drop repeats. */
const SEEN_LIMIT = 64;

/**
 * Listens to `events-endpoint` (Server-Sent Events relaying Magicline's
 * check-in webhooks) while the element is connected and the page visible,
 * and hands each new check-in of this customer to `onCheckin`.
 *
 * The stream is reopened with backoff by this controller, not by
 * EventSource's own fixed-interval retry: after a drop it is closed and
 * opened again after a full-jitter wait that grows with each failure.
 */
export class CheckinStreamController implements ReactiveController {
  readonly #host: CheckinStreamHost;
  readonly #onCheckin: (checkin: Checkin) => void;
  readonly #random: () => number;
  #source: EventSource | null = null;
  #reopen: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;
  #connected = false;
  #key: string | null = null;
  #url: string | null = null;
  readonly #seen = new Set<string>();

  constructor(host: CheckinStreamHost, onCheckin: (checkin: Checkin) => void, random: () => number = Math.random) {
    this.#host = host;
    this.#onCheckin = onCheckin;
    this.#random = random;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    document.addEventListener('visibilitychange', this.#sync);
    // A page restored from the back/forward cache gets its stream back here too.
    window.addEventListener('pageshow', this.#sync);
    this.#configure();
    this.#sync();
  }

  hostDisconnected(): void {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#sync);
    window.removeEventListener('pageshow', this.#sync);
    this.#close();
  }

  hostUpdate(): void {
    if (this.#configure()) this.#sync();
  }

  /** Re-reads the URL; returns whether it changed (and closes the old stream if so). */
  #configure(): boolean {
    const { customerId, eventsEndpoint, credentials } = this.#host;
    const key = `${customerId}\n${eventsEndpoint}\n${credentials}`;
    if (key === this.#key) return false;
    this.#key = key;
    this.#close();
    this.#failures = 0;
    this.#seen.clear();
    const config = resolveEndpoint(eventsEndpoint ?? '', customerId ?? '', document.baseURI, 'events-endpoint');
    this.#url = config.status === 'ready' ? config.url : null;
    // A bad customer-id is reported once, by the access code; a bad events URL only here.
    if (config.status === 'invalid' && isCustomerId(customerId.trim())) {
      announce<ErrorDetail>(this.#host, ERROR_EVENT, { kind: 'config', retryInMs: null, message: config.message });
    }
    return true;
  }

  /** Opens the stream when it should be open, closes it when not. */
  readonly #sync = (): void => {
    const wanted = this.#connected && this.#url !== null && document.visibilityState !== 'hidden';
    if (!wanted) this.#close();
    else if (!this.#source && this.#reopen === null) this.#open();
  };

  #open(): void {
    const source = new EventSource(this.#url!, { withCredentials: this.#host.credentials === 'include' });
    this.#source = source;
    source.onopen = () => {
      this.#failures = 0;
    };
    source.onmessage = (event: MessageEvent<unknown>) => {
      if (typeof event.data !== 'string') return;
      const checkin = checkinFromMessage(event.data, this.#host.customerId.trim());
      if (!checkin || this.#seen.has(checkin.uuid)) return;
      this.#seen.add(checkin.uuid);
      if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.values().next().value!);
      this.#onCheckin(checkin);
    };
    source.onerror = () => {
      // Dropped or refused: take over the reconnecting, with backoff.
      if (this.#source !== source) return;
      this.#close();
      this.#reopen = setTimeout(() => {
        this.#reopen = null;
        this.#sync();
      }, backoffDelay(this.#failures++, this.#random));
    };
  }

  #close(): void {
    if (this.#reopen !== null) clearTimeout(this.#reopen);
    this.#reopen = null;
    if (!this.#source) return;
    this.#source.onopen = this.#source.onmessage = this.#source.onerror = null;
    this.#source.close();
    this.#source = null;
  }
}
