import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { credentialsOf, httpUrl } from '../../internal/config.js';
import { EventStream } from '../../internal/event-stream.js';
import type { RequestHeadersSource } from '../../internal/request.js';
import { CHECKIN_EVENT, type CheckinDetail } from '../events.js';
import { CheckinTally } from './checkin-tally.js';
import { feedCheckinFromMessage, type FeedCheckin } from './feed-message.js';

/** Where the feed stands, as the element reflects it in `state`. */
export const FeedState = {
  /** No `events-endpoint` (or no `studio` for its `{studio}`) yet. */
  idle: 'idle',
  /** The first connection is on its way. */
  connecting: 'connecting',
  live: 'live',
  /** The stream dropped (or the page was hidden); it comes back by itself, resuming where it was. */
  reconnecting: 'reconnecting',
  /** A bad configuration, or 401/403: not retried until the configuration or the page's visibility changes. */
  error: 'error',
} as const;
export type FeedState = (typeof FeedState)[keyof typeof FeedState];

export type FeedError = 'config' | 'unauthorized' | 'forbidden';

/** What the controller reads from its element. */
export interface CheckinFeedHost extends ReactiveControllerHost, HTMLElement {
  /** False until the first update, which is where Lit applies properties set before the tag was defined. */
  readonly hasUpdated: boolean;
  eventsEndpoint: string;
  studio: string;
  credentials: string;
  requestHeaders: RequestHeadersSource | undefined;
}

/** A new row stands out this long. */
export const HIGHLIGHT_MS = 4_000;
/** The day is checked at least this often, so a device clock that jumps still starts the new day. */
const DAY_CHECK_MS = 15 * 60_000;
const STUDIO = '{studio}';

type TimerName = 'day' | 'highlight';

/**
 * The front desk's check-in stream and what it shows: reads `events-endpoint`
 * through an {@link EventStream} while the element is connected and the page
 * visible, counts each `uuid` once into a {@link CheckinTally}, starts a new
 * day at local midnight, and fires `gym-checkin-feed-checkin` for every
 * check-in it shows for the first time.
 */
export class CheckinFeedController implements ReactiveController {
  readonly #host: CheckinFeedHost;
  readonly #stream: EventStream;
  readonly #timers = new Map<TimerName, ReturnType<typeof setTimeout>>();
  #tally = new CheckinTally(Date.now());
  #state: FeedState = FeedState.idle;
  #error: FeedError | null = null;
  #connected = false;
  #key: string | null = null;
  #url: string | null = null;
  /** Whether the first connection's replay has been read: what arrives after it is new to whoever watches. */
  #loaded = false;

  constructor(host: CheckinFeedHost, random: () => number = Math.random) {
    this.#host = host;
    this.#stream = new EventStream(
      {
        onMessage: ({ event, data }) => {
          if (event === undefined || event === 'message') this.#add(feedCheckinFromMessage(data));
        },
        onOpen: () => this.#set(FeedState.live),
        onAnswer: () => {
          this.#loaded ||= this.#state === FeedState.live;
        },
        onDrop: (retryInMs) => this.#set(retryInMs === null ? FeedState.error : FeedState.reconnecting),
        onRefused: (status) => {
          this.#error = status === 401 ? 'unauthorized' : 'forbidden';
          this.#set(FeedState.error);
        },
      },
      random,
    );
    host.addController(this);
  }

  get state(): FeedState {
    return this.#state;
  }

  /** Why the state is `error`. */
  get error(): FeedError | null {
    return this.#error;
  }

  get tally(): CheckinTally {
    return this.#tally;
  }

  hostConnected(): void {
    this.#connected = true;
    document.addEventListener('visibilitychange', this.#onVisibility);
    window.addEventListener('pageshow', this.#onVisibility);
    this.#planDay();
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
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  hostUpdate(): void {
    if (this.#configure()) this.#sync();
  }

  /** Re-reads the configuration; on a change, starts over with an empty feed. */
  #configure(): boolean {
    const { eventsEndpoint, studio, credentials } = this.#host;
    const key = `${eventsEndpoint}\n${studio}\n${credentials}`;
    if (key === this.#key) return false;
    this.#key = key;
    this.#tally = new CheckinTally(Date.now());
    this.#loaded = false;
    this.#error = null;
    const template = (eventsEndpoint ?? '').trim();
    const id = (studio ?? '').trim();
    const config =
      template === '' || (template.includes(STUDIO) && id === '')
        ? null
        : httpUrl(template.replaceAll(STUDIO, encodeURIComponent(id)), document.baseURI, 'events-endpoint');
    this.#url = config?.status === 'ready' ? config.url : null;
    if (config?.status === 'invalid') this.#error = 'config';
    this.#state = this.#error ? FeedState.error : this.#url ? FeedState.connecting : FeedState.idle;
    this.#stream.reset(
      this.#url === null
        ? null
        : { url: this.#url, credentials: credentialsOf(credentials), headers: () => this.#host.requestHeaders },
    );
    return true;
  }

  readonly #onVisibility = (): void => {
    if (document.visibilityState === 'hidden') {
      // A refused stream is tried again when someone looks at the page again.
      this.#stream.forgive();
    } else {
      // A tablet that slept through midnight starts the new day at once.
      this.#planDay();
    }
    this.#sync();
  };

  #sync(): void {
    const wanted = this.#connected && this.#url !== null && document.visibilityState !== 'hidden';
    this.#stream.sync(wanted);
    // Closed while hidden: on return it reconnects and resumes, which is what the state says.
    if (!wanted && this.#url !== null && this.#state === FeedState.live) this.#set(FeedState.reconnecting);
    // Forgiven on return: trying again.
    else if (wanted && this.#state === FeedState.error && this.#error !== 'config' && !this.#stream.refused) {
      this.#error = null;
      this.#set(FeedState.reconnecting);
    }
  }

  #add(checkin: FeedCheckin | null): void {
    const newUntil = this.#loaded ? performance.now() + HIGHLIGHT_MS : null;
    if (!checkin || !this.#tally.add(checkin, newUntil)) return;
    if (newUntil !== null && !this.#timers.has('highlight')) this.#setTimer('highlight', HIGHLIGHT_MS, this.#unmark);
    this.#host.requestUpdate();
    const detail: CheckinDetail = { customerId: checkin.customerId, at: new Date(checkin.at).toISOString() };
    if (checkin.name !== undefined) detail.name = checkin.name;
    // Once the row is on screen.
    void this.#host.updateComplete.then(() =>
      this.#host.dispatchEvent(new CustomEvent(CHECKIN_EVENT, { detail, bubbles: true, composed: true })),
    );
  }

  /** Ends the mark of each row that has been new for its moment, and waits for the next. */
  readonly #unmark = (): void => {
    const now = performance.now();
    let next = Infinity;
    for (const row of this.#tally.rows) {
      if (row.newUntil !== null && row.newUntil <= now) row.newUntil = null;
      else if (row.newUntil !== null) next = Math.min(next, row.newUntil);
    }
    this.#host.requestUpdate();
    if (next !== Infinity) this.#setTimer('highlight', next - now, this.#unmark);
  };

  /** Starts the new day when it has come, and waits for the next one. */
  #planDay(): void {
    const now = Date.now();
    if (this.#tally.rollOver(now)) this.#host.requestUpdate();
    const wait = Math.min(Math.max(this.#tally.dayEndsAt - now, 0), DAY_CHECK_MS);
    this.#setTimer('day', wait, () => this.#planDay());
  }

  #set(state: FeedState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#host.requestUpdate();
  }

  #setTimer(name: TimerName, delay: number, then: () => void): void {
    clearTimeout(this.#timers.get(name));
    this.#timers.set(
      name,
      setTimeout(() => {
        this.#timers.delete(name);
        then();
      }, delay),
    );
  }
}
