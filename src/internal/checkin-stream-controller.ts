import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { announce, ERROR_EVENT, type ErrorDetail } from '../events.js';
import { checkinFromMessage, type Checkin } from './checkin.js';
import { credentialsOf, isCustomerId, resolveEndpoint } from './config.js';
import { resolveHeaders, type RequestHeadersSource } from './request.js';
import { backoffDelay, REQUEST_TIMEOUT_MS } from './schedule.js';

/** What the controller reads from its element. */
export interface CheckinStreamHost extends ReactiveControllerHost, HTMLElement {
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
 * A stream that has said nothing for this long is taken for dead (a phone that changed networks leaves
 * a half-open connection that never ends by itself). Backends send a comment at least every 15 s.
 */
export const SILENCE_LIMIT_MS = 45_000;
/** Larger messages are not check-ins (Magicline's webhooks are at most 64 KiB); stop buffering. */
const MAX_MESSAGE_CHARS = 256 * 1024;

type TimerName = 'reopen' | 'cover' | 'silence' | 'connect';

/**
 * Reads `events-endpoint` (Server-Sent Events relaying Magicline's check-in
 * webhooks) with `fetch`, so the same `requestHeaders` (a bearer token) and
 * credentials mode as the access-code request apply, while the element is
 * connected and the page visible; hands each new check-in of this customer
 * to `onCheckin`.
 *
 * Nothing is missed across a reconnect: the last `id:` received goes back as
 * `Last-Event-ID` and `lastEventId`, and the backend replays what came after
 * it before going live. While the page was away, a held code stays covered
 * (see {@link covers}) until the reconnected stream has answered.
 */
export class CheckinStreamController implements ReactiveController {
  readonly #host: CheckinStreamHost;
  readonly #onCheckin: (checkin: Checkin) => void;
  readonly #random: () => number;
  #abort: AbortController | null = null;
  readonly #timers = new Map<TimerName, ReturnType<typeof setTimeout>>();
  #failures = 0;
  #connected = false;
  #key: string | null = null;
  #url: string | null = null;
  #lastEventId: string | null = null;
  /** 401/403: no new connection until the configuration or the page's visibility changes. */
  #refused = false;
  /** Whether a refusal was reported for this configuration: it is said once. */
  #reported = false;
  /**
   * Codes requested before this moment (`performance.now()`) are covered; `Infinity` while the page
   * is hidden, `null` when nothing is covered.
   */
  #coverBefore: number | null = null;
  readonly #seen = new Set<string>();

  constructor(host: CheckinStreamHost, onCheckin: (checkin: Checkin) => void, random: () => number = Math.random) {
    this.#host = host;
    this.#onCheckin = onCheckin;
    this.#random = random;
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
    window.addEventListener('online', this.#onOnline);
    this.#configure();
    this.#sync();
  }

  hostDisconnected(): void {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    window.removeEventListener('pageshow', this.#onVisibility);
    window.removeEventListener('online', this.#onOnline);
    this.#close();
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
    this.#close();
    this.#uncover();
    this.#failures = 0;
    this.#refused = this.#reported = false;
    this.#lastEventId = null;
    this.#seen.clear();
    const config = resolveEndpoint(eventsEndpoint ?? '', customerId ?? '', document.baseURI, 'events-endpoint');
    this.#url = config.status === 'ready' ? config.url : null;
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
        this.#refused = false;
      } else if (this.#coverBefore === Infinity) {
        this.#coverBefore = performance.now();
        // A dead events backend must not hide a valid code for long.
        this.#setTimer('cover', COVER_LIMIT_MS, () => this.#uncover());
      }
    }
    this.#sync();
  };

  readonly #onOnline = (): void => {
    // The network is back: a stream waiting out its backoff goes now.
    if (this.#timers.has('reopen')) {
      this.#clearTimer('reopen');
      this.#sync();
    }
  };

  /** Opens the stream when it should be open, closes it when not. */
  #sync(): void {
    const wanted = this.#connected && this.#url !== null && document.visibilityState !== 'hidden';
    if (!wanted) this.#close();
    else if (!this.#abort && !this.#timers.has('reopen') && !this.#refused) void this.#open();
    // Nothing will answer: nothing to wait for.
    if ((!wanted || this.#refused) && this.#coverBefore !== Infinity) this.#uncover();
  }

  async #open(): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    const { signal } = abort;
    const url = new URL(this.#url!);
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (this.#lastEventId !== null) {
      // The header for backends that read it, the parameter for those behind proxies that drop it.
      url.searchParams.set('lastEventId', this.#lastEventId);
      headers['Last-Event-ID'] = this.#lastEventId;
    }
    // Like the access-code request: the headers and the response's head within the time limit.
    this.#setTimer('connect', REQUEST_TIMEOUT_MS, () => abort.abort());
    const stopped = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    stopped.catch(() => {});
    try {
      const resolved = await Promise.race([resolveHeaders(this.#host.requestHeaders), stopped]);
      const response = await fetch(url, {
        headers: { ...resolved, ...headers },
        credentials: credentialsOf(this.#host.credentials),
        cache: 'no-store',
        signal,
      });
      this.#clearTimer('connect');
      const { status, body } = response;
      if (status === 401 || status === 403) this.#refuse(status);
      if (body && response.ok && /^text\/event-stream/i.test(response.headers.get('Content-Type') ?? '')) {
        await this.#read(body.getReader(), signal);
      } else {
        void body?.cancel().catch(() => {});
      }
    } catch {
      // Dropped, refused by the network, timed out, or closed: reconnect below unless closed.
    }
    if (this.#abort !== abort) return;
    this.#abort = null;
    this.#clearTimer('connect');
    this.#clearTimer('silence');
    // The stream answered, even if only with an error: whatever it had to replay has been read.
    if (this.#coverBefore !== Infinity) this.#uncover();
    if (!this.#refused) this.#setTimer('reopen', backoffDelay(this.#failures++, this.#random), () => this.#sync());
  }

  /** Feeds the body to the parser until it ends, fails, or the stream is closed. */
  async #read(reader: ReadableStreamDefaultReader<Uint8Array>, signal: AbortSignal): Promise<void> {
    const decoder = new TextDecoder();
    let broken = false;
    const parser = createParser({
      onEvent: (message) => this.#onMessage(message),
      // Any sign of life from the backend, a keep-alive comment included.
      onComment: () => {
        this.#failures = 0;
      },
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') broken = true;
      },
      maxBufferSize: MAX_MESSAGE_CHARS,
    });
    const stop = () => void reader.cancel().catch(() => {});
    signal.addEventListener('abort', stop);
    let tail = '';
    try {
      for (;;) {
        this.#setTimer('silence', SILENCE_LIMIT_MS, () => this.#abort?.abort());
        const { done, value } = await reader.read();
        if (done || signal.aborted) return;
        const text = decoder.decode(value, { stream: true });
        parser.feed(text);
        if (broken) return;
        // The first answer of a reconnected stream carries its replay. Browsers may hand over one write
        // in pieces (WebKit does), so the answer is complete once the bytes so far end between two messages.
        tail = (tail + text).slice(-4);
        if (this.#coverBefore !== Infinity && /(\n\n|\r\r|\r\n\r\n)$/.test(tail)) this.#uncover();
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  #onMessage({ id, event, data }: EventSourceMessage): void {
    this.#failures = 0;
    // An empty `id:` clears the last id, as in EventSource.
    if (id !== undefined) this.#lastEventId = id === '' ? null : id;
    if (event !== undefined && event !== 'message') return;
    const checkin = checkinFromMessage(data, this.#host.customerId.trim());
    if (!checkin || this.#seen.has(checkin.uuid)) return;
    this.#seen.add(checkin.uuid);
    if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.values().next().value!);
    this.#onCheckin(checkin);
  }

  #refuse(status: 401 | 403): void {
    this.#refused = true;
    if (this.#reported) return;
    this.#reported = true;
    this.#report({
      kind: status === 401 ? 'unauthorized' : 'forbidden',
      status,
      retryInMs: null,
      message: `check-in stream request failed with HTTP ${status}`,
    });
  }

  #report(detail: ErrorDetail): void {
    announce<ErrorDetail>(this.#host, ERROR_EVENT, detail);
  }

  /** Ends the cover; returns whether there was one. */
  #uncover(): boolean {
    this.#clearTimer('cover');
    if (this.#coverBefore === null) return false;
    this.#coverBefore = null;
    this.#host.requestUpdate();
    return true;
  }

  #close(): void {
    for (const name of ['reopen', 'connect', 'silence'] as const) this.#clearTimer(name);
    this.#abort?.abort();
    this.#abort = null;
  }

  #setTimer(name: TimerName, delay: number, then: () => void): void {
    this.#clearTimer(name);
    this.#timers.set(
      name,
      setTimeout(() => {
        this.#timers.delete(name);
        then();
      }, delay),
    );
  }

  #clearTimer(name: TimerName): void {
    clearTimeout(this.#timers.get(name));
    this.#timers.delete(name);
  }
}
