import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { dispatchWhenRendered, ERROR_EVENT, type ErrorDetail } from '../events.js';
import { checkinFromMessage, type Checkin } from './checkin.js';
import { credentialsOf, isCustomerId, resolveEndpoint } from './config.js';
import { EventStream } from './event-stream.js';
import type { RequestHeadersSource } from './request.js';
import type { SseMessage } from './sse.js';

/** What the controller reads from its element. */
export interface CheckinStreamHost extends ReactiveControllerHost, HTMLElement {
  /** False until the first update, which is where Lit applies properties set before the tag was defined. */
  readonly hasUpdated: boolean;
  customerId: string;
  eventsEndpoint: string;
  credentials: RequestCredentials;
  requestHeaders: RequestHeadersSource | undefined;
}

/** How many delivered uuids are remembered to drop repeats. */
const SEEN_LIMIT = 64;
/** On return to the page, a held code stays covered at most this long while the stream reconnects. */
export const COVER_LIMIT_MS = 2_000;

/**
 * Reads `events-endpoint` (Server-Sent Events relaying Magicline's check-in
 * webhooks) through an {@link EventStream}, so the same `requestHeaders` (a
 * bearer token) and credentials mode as the access-code request apply, while
 * the element is connected and the page visible; hands each new check-in of
 * this customer to `onCheckin`.
 *
 * Nothing is missed across a reconnect: the stream resumes from the last id
 * it received. While the page was away, a held code stays covered (see
 * {@link covers}) until the reconnected stream has answered.
 */
export class CheckinStreamController implements ReactiveController {
  readonly #host: CheckinStreamHost;
  readonly #onCheckin: (checkin: Checkin) => void;
  readonly #stream: EventStream;
  #coverTimer: ReturnType<typeof setTimeout> | undefined;
  #connected = false;
  #key: string | null = null;
  #url: string | null = null;
  /**
   * Codes requested before this moment (`performance.now()`) are covered; `Infinity` while the page
   * is hidden, `null` when nothing is covered.
   */
  #coverBefore: number | null = null;
  readonly #seen = new Set<string>();

  constructor(host: CheckinStreamHost, onCheckin: (checkin: Checkin) => void, random: () => number = Math.random) {
    this.#host = host;
    this.#onCheckin = onCheckin;
    this.#stream = new EventStream(
      {
        onMessage: (message) => this.#onMessage(message),
        // The stream answered, even if only with an error: whatever it had to replay has been read.
        onAnswer: () => {
          if (this.#coverBefore !== Infinity) this.#uncover();
        },
        onRefused: (status) =>
          this.#report({
            kind: status === 401 ? 'unauthorized' : 'forbidden',
            status,
            retryInMs: null,
            message: `check-in stream request failed with HTTP ${status}`,
          }),
      },
      random,
    );
    host.addController(this);
  }

  /**
   * Whether a code requested at `sentAt` must stay covered: the page was away, and the stream
   * that would replay a check-in made meanwhile has not answered yet.
   */
  covers(sentAt: number): boolean {
    return this.#coverBefore !== null && sentAt < this.#coverBefore;
  }

  hostConnected(): void {
    this.#connected = true;
    document.addEventListener('visibilitychange', this.#onVisibility);
    // A page restored from the back/forward cache gets its stream back here too.
    window.addEventListener('pageshow', this.#onVisibility);
    // Before the first update the element may not hold its properties yet: hostUpdate opens the stream then.
    if (!this.#host.hasUpdated) return;
    this.#configure();
    this.#sync();
  }

  hostDisconnected(): void {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    window.removeEventListener('pageshow', this.#onVisibility);
    this.#stream.sync(false);
    this.#uncover();
  }

  hostUpdate(): void {
    if (this.#configure()) this.#sync();
  }

  /** Re-reads the configuration; returns whether it changed (and closes the old stream if so). */
  #configure(): boolean {
    const { customerId, eventsEndpoint, credentials } = this.#host;
    const key = `${customerId}\n${eventsEndpoint}\n${credentials}`;
    if (key === this.#key) return false;
    this.#key = key;
    this.#uncover();
    this.#seen.clear();
    const config = resolveEndpoint(eventsEndpoint ?? '', customerId ?? '', document.baseURI, 'events-endpoint');
    this.#url = config.status === 'ready' ? config.url : null;
    this.#stream.reset(
      this.#url === null
        ? null
        : { url: this.#url, credentials: credentialsOf(credentials), headers: () => this.#host.requestHeaders },
    );
    // A bad customer-id is reported once, by the access code; a bad events URL only here.
    if (config.status === 'invalid' && isCustomerId(customerId.trim())) {
      this.#report({ kind: 'config', retryInMs: null, message: config.message });
    }
    return true;
  }

  readonly #onVisibility = (): void => {
    if (this.#url !== null && this.#connected) {
      if (document.visibilityState === 'hidden') {
        // Whatever happens at the gate meanwhile, the code on screen is not trusted again until the
        // stream has replayed it. Covered now, so the first frame on return is already covered.
        this.#coverBefore = Infinity;
        this.#host.requestUpdate();
        // A refused stream is tried again when the member comes back.
        this.#stream.forgive();
      } else if (this.#coverBefore === Infinity) {
        this.#coverBefore = performance.now();
        // A dead events backend must not hide a valid code for long.
        clearTimeout(this.#coverTimer);
        this.#coverTimer = setTimeout(() => this.#uncover(), COVER_LIMIT_MS);
      }
    }
    this.#sync();
  };

  /** Opens the stream when it should be open, closes it when not. */
  #sync(): void {
    const wanted = this.#connected && this.#url !== null && document.visibilityState !== 'hidden';
    this.#stream.sync(wanted);
    // Nothing will answer: nothing to wait for.
    if ((!wanted || this.#stream.refused) && this.#coverBefore !== Infinity) this.#uncover();
  }

  #onMessage({ event, data }: SseMessage): void {
    if (event !== undefined && event !== 'message') return;
    const checkin = checkinFromMessage(data, this.#host.customerId.trim());
    if (!checkin || this.#seen.has(checkin.uuid)) return;
    this.#seen.add(checkin.uuid);
    if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.values().next().value!);
    this.#onCheckin(checkin);
  }

  #report(detail: ErrorDetail): void {
    dispatchWhenRendered<ErrorDetail>(this.#host, ERROR_EVENT, detail);
  }

  /** Ends the cover; returns whether there was one. */
  #uncover(): boolean {
    clearTimeout(this.#coverTimer);
    this.#coverTimer = undefined;
    if (this.#coverBefore === null) return false;
    this.#coverBefore = null;
    this.#host.requestUpdate();
    return true;
  }
}
