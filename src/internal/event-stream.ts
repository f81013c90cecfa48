import { resolveHeaders, type RequestHeadersSource } from './request.js';
import { backoffDelay, REQUEST_TIMEOUT_MS } from './schedule.js';
import { sseParser, type SseMessage } from './sse.js';

/**
 * A stream that has said nothing for this long is taken for dead (a phone that changed networks leaves
 * a half-open connection that never ends by itself). Backends send a comment at least every 15 s.
 */
export const SILENCE_LIMIT_MS = 45_000;
/** Larger messages are not check-ins (Magicline's webhooks are at most 64 KiB); stop buffering. */
const MAX_MESSAGE_CHARS = 256 * 1024;

/** Where a stream connects, read afresh for every connection. */
export interface EventStreamTarget {
  url: string;
  credentials: RequestCredentials;
  /** The element's `requestHeaders`, resolved before each connection (a fresh bearer token). */
  headers: () => RequestHeadersSource | undefined;
}

export interface EventStreamHandlers {
  /** Each message with data, after its id became the one to resume from. */
  onMessage(message: SseMessage): void;
  /** The response is an event stream; reading starts. */
  onOpen?(): void;
  /**
   * The stream has answered: the bytes so far end between two messages (a reconnected stream's first
   * answer carries its replay), or the connection ended, failed or was refused.
   */
  onAnswer?(): void;
  /** The connection ended by itself; the next try is in `retryInMs`, or never (`null`: refused). */
  onDrop?(retryInMs: number | null): void;
  /** 401/403: said once until {@link EventStream.reset}; no new connection until {@link EventStream.forgive}. */
  onRefused?(status: 401 | 403): void;
}

type TimerName = 'reopen' | 'silence' | 'connect';

/**
 * A Server-Sent Events connection read with `fetch` (not `EventSource`), so
 * `requestHeaders` (a bearer token) and the credentials mode apply. It
 * reconnects by itself with full-jitter backoff, gives up on a connection
 * whose head takes over 10 s or that is silent for 45 s, and sends the last
 * `id:` it received as `Last-Event-ID` and `lastEventId` on every reconnect,
 * so the backend can replay what was missed. A 401/403 is reported once and
 * not retried until forgiven. Both elements read their streams through it.
 */
export class EventStream {
  readonly #handlers: EventStreamHandlers;
  readonly #random: () => number;
  #target: EventStreamTarget | null = null;
  #abort: AbortController | null = null;
  readonly #timers = new Map<TimerName, ReturnType<typeof setTimeout>>();
  #failures = 0;
  #wanted = false;
  #lastEventId: string | null = null;
  #refused = false;
  #reported = false;

  constructor(handlers: EventStreamHandlers, random: () => number = Math.random) {
    this.#handlers = handlers;
    this.#random = random;
  }

  /** Whether a 401/403 holds the stream closed. */
  get refused(): boolean {
    return this.#refused;
  }

  /** The id a reconnect resumes from, or `null`. */
  get lastEventId(): string | null {
    return this.#lastEventId;
  }

  /** A stream of its own for `target` (or none): closes the current one and forgets its id, backoff and refusal. */
  reset(target: EventStreamTarget | null): void {
    this.#close();
    this.#target = target;
    this.#failures = 0;
    this.#refused = this.#reported = false;
    this.#lastEventId = null;
  }

  /** Opens the stream when `wanted` (unless it is open, waiting out its backoff, or refused); closes it when not. */
  sync(wanted: boolean): void {
    if (wanted !== this.#wanted) {
      this.#wanted = wanted;
      // The network is back: a stream waiting out its backoff goes now.
      if (wanted) window.addEventListener('online', this.#onOnline);
      else window.removeEventListener('online', this.#onOnline);
    }
    if (!wanted || !this.#target) this.#close();
    else if (!this.#abort && !this.#timers.has('reopen') && !this.#refused) void this.#open(this.#target);
  }

  /** A refused stream may be tried again at the next {@link sync}; the refusal is not said again. */
  forgive(): void {
    this.#refused = false;
  }

  readonly #onOnline = (): void => {
    if (this.#timers.has('reopen')) {
      this.#clearTimer('reopen');
      this.sync(this.#wanted);
    }
  };

  async #open(target: EventStreamTarget): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    const { signal } = abort;
    const url = new URL(target.url);
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
      const resolved = await Promise.race([resolveHeaders(target.headers()), stopped]);
      const response = await fetch(url, {
        headers: { ...resolved, ...headers },
        credentials: target.credentials,
        cache: 'no-store',
        signal,
      });
      this.#clearTimer('connect');
      const { status, body } = response;
      if (status === 401 || status === 403) this.#refuse(status);
      if (body && response.ok && /^text\/event-stream/i.test(response.headers.get('Content-Type') ?? '')) {
        this.#handlers.onOpen?.();
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
    // Even an error is an answer: whatever the stream had to replay has been read.
    this.#handlers.onAnswer?.();
    const retryInMs = this.#refused ? null : backoffDelay(this.#failures++, this.#random);
    if (retryInMs !== null) this.#setTimer('reopen', retryInMs, () => this.sync(this.#wanted));
    this.#handlers.onDrop?.(retryInMs);
  }

  /** Feeds the body to the parser until it ends, fails, or the stream is closed. */
  async #read(reader: ReadableStreamDefaultReader<Uint8Array>, signal: AbortSignal): Promise<void> {
    const decoder = new TextDecoder();
    const feed = sseParser(
      (message) => {
        this.#failures = 0;
        // An empty `id:` clears the last id, as in EventSource.
        if (message.id !== undefined) this.#lastEventId = message.id === '' ? null : message.id;
        this.#handlers.onMessage(message);
      },
      // Any sign of life from the backend, a keep-alive comment included.
      () => (this.#failures = 0),
      MAX_MESSAGE_CHARS,
    );
    const stop = () => void reader.cancel().catch(() => {});
    signal.addEventListener('abort', stop);
    let tail = '';
    try {
      for (;;) {
        this.#setTimer('silence', SILENCE_LIMIT_MS, () => this.#abort?.abort());
        const { done, value } = await reader.read();
        if (done || signal.aborted) return;
        const text = decoder.decode(value, { stream: true });
        if (!feed(text)) return;
        // Browsers may hand over one write in pieces (WebKit does), so the answer is complete once the
        // bytes so far end between two messages.
        tail = (tail + text).slice(-4);
        if (/(\n\n|\r\r|\r\n\r\n)$/.test(tail)) this.#handlers.onAnswer?.();
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  #refuse(status: 401 | 403): void {
    this.#refused = true;
    if (this.#reported) return;
    this.#reported = true;
    this.#handlers.onRefused?.(status);
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
