import { describeError, type RelayLogger } from './log.js';
import { readyFrame, sseFrame } from './sse-frames.js';
import { compareEventIds, isEventId, type CheckinMessage, type SharedState } from './state.js';
import { MAX_UNSENT_BYTES, nodeSink, webSink, type NodeResponse, type Sink, type SinkEvents } from './stream-sinks.js';

/** A customer's streams on one instance: a newer one ends the oldest, so a member's newest tab always works. */
export const MAX_STREAMS_PER_CUSTOMER = 5;

export interface StreamHubOptions {
  state: SharedState;
  logger: RelayLogger;
  /** A comment on every idle stream at least this often, ms. */
  keepAliveMs: number;
  /** Open streams on this instance past which new ones are refused. */
  maxStreams: number;
}

export interface StreamStats {
  /** Open streams on this instance. */
  open: number;
  /** Bytes taken for open streams and not yet handed to their sockets. */
  bufferedBytes: number;
  /** Live check-ins written to streams (one per stream reached). */
  delivered: number;
}

export interface StreamHub {
  /**
   * A stream for the customer: the replay after `lastId` (when it is an id the
   * log could have issued), a `ready` event, then live check-ins; ended at
   * `expiresAt` (epoch ms). Null when the instance is full. It waits (check-ins
   * that arrive count toward its bound) until it is given a body: a web
   * `ReadableStream` or, in Node, the response itself.
   */
  open(key: string, lastId: string, options?: OpenOptions): OpenStream | null;
  /** Hands a published check-in to the customer's open streams. */
  deliver(message: CheckinMessage): void;
  /** Ends every open stream (clients reconnect), each with `farewell()` as its last bytes when given. */
  endAll(farewell?: () => string): void;
  /** This instance's open streams for a customer. */
  count(customerKey: string): number;
  stats(): StreamStats;
}

export interface OpenOptions {
  /** When the caller's credentials lapse (epoch ms): the stream ends then, and the client reconnects. */
  expiresAt?: number;
  kind?: StreamKind;
  /** Called once, when the stream ends for any reason. */
  onEnd?: () => void;
}

/** An opened stream, to be given exactly one body. */
export interface OpenStream {
  /** As a web body (the relay's `fetch` handler): pulled while its queue holds less than {@link MAX_UNSENT_BYTES}. */
  readable(): ReadableStream<Uint8Array>;
  /** Straight onto a Node response whose head is written (see {@link nodeSink}). */
  writeTo(response: NodeResponse): void;
  /** Ends it unanswered: the request got another answer. */
  discard(): void;
}

/** How a key's streams behave: how many one key may hold, and whether a fresh one replays the whole log. */
export interface StreamKind {
  maxPerKey: number;
  replayFresh: boolean;
}

/** A member's streams: five per customer, a fresh one opens at the log's position. */
const MEMBER_STREAMS: StreamKind = { maxPerKey: MAX_STREAMS_PER_CUSTOMER, replayFresh: false };

const encoder = new TextEncoder();
const KEEP_ALIVE = encoder.encode(': keep-alive\n\n');
/** Token expiry is checked at most this often (one timer for all streams). */
const EXPIRY_SWEEP_MS = 1000;

/** One client's stream: where it is in its replay, what waits, and its body once it has one. */
class HubStream {
  phase: 'opening' | 'replaying' | 'live' | 'ended' = 'opening';
  sink: Sink | null = null;
  /** The newest id this stream has taken; older or equal ones are not sent again. */
  lastId = '';
  /** The log's messages to replay, and how many of them are written. */
  replay: CheckinMessage[] = [];
  replayed = 0;
  /** The `ready` event, written after the replay. */
  ready = '';
  /** Check-ins that arrived while opening or replaying: they wait for their turn and count toward the bound. */
  waiting: CheckinMessage[] = [];
  waitingBytes = 0;

  constructor(
    readonly key: string,
    readonly expiresAt: number,
    readonly onEnd: (() => void) | undefined,
  ) {}

  /** Whether its body would take more now. */
  get hasRoom() {
    return this.sink !== null && this.sink.unsent() < MAX_UNSENT_BYTES;
  }
}

/** The check-in stream hub: open streams by customer, their caps, replay, live delivery, keep-alive and expiry. */
export function createStreamHub(options: StreamHubOptions): StreamHub {
  const hub = hubOf(options);
  return {
    open: hub.open,
    deliver: hub.deliver,
    endAll: hub.endAll,
    count: (key) => hub.streams.get(key)?.size ?? 0,
    stats: hub.stats,
  };
}

function hubOf({ state, logger, keepAliveMs, maxStreams }: StreamHubOptions) {
  /** Open streams by customer key, oldest first. */
  const streams = new Map<string, Set<HubStream>>();
  let total = 0;
  let delivered = 0;
  /** One keep-alive timer for all streams, running while any is open. */
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;
  let expiryAt = Infinity;

  const hub = {
    streams,
    open(key: string, lastId: string, { expiresAt = Infinity, kind = MEMBER_STREAMS, onEnd }: OpenOptions = {}) {
      const mine = streams.get(key);
      // A member's newest tab takes the place of their oldest, even on a full instance.
      if (mine && mine.size >= kind.maxPerKey) hub.end(mine.values().next().value!, 'close');
      else if (total >= maxStreams) return null;
      let set = streams.get(key);
      if (!set) streams.set(key, (set = new Set()));
      const stream = new HubStream(key, expiresAt, onEnd);
      // Listen before reading the log, so nothing falls between replay and live.
      set.add(stream);
      total++;
      keepAlive ??= unref(setInterval(sendKeepAlive, keepAliveMs));
      if (expiresAt < Infinity) scheduleExpiry(expiresAt);
      void begin(stream, lastId, kind.replayFresh);
      return {
        readable: () => webBody(stream),
        writeTo: (response: NodeResponse) => writeTo(stream, response),
        discard: () => hub.end(stream, 'gone'),
      } satisfies OpenStream;
    },
    deliver(message: CheckinMessage) {
      let frame: Uint8Array | undefined;
      for (const stream of streams.get(message.customerKey) ?? []) {
        if (stream.lastId && compareEventIds(message.id, stream.lastId) <= 0) continue;
        if (stream.phase === 'live') {
          stream.lastId = message.id;
          // One copy of the frame for all of the customer's streams.
          stream.sink!.write((frame ??= encoder.encode(sseFrame(message))));
          delivered++;
          if (stream.sink!.unsent() > MAX_UNSENT_BYTES) hub.end(stream, 'slow');
        } else {
          // While opening, ids are sorted out once the log is read (see begin).
          if (stream.phase === 'replaying') stream.lastId = message.id;
          stream.waiting.push(message);
          stream.waitingBytes += message.body.length + message.id.length;
          // The replay may fill the body on its own; what waits behind it is bounded by itself.
          if (stream.waitingBytes > MAX_UNSENT_BYTES) hub.end(stream, 'slow');
        }
      }
    },
    /** Writes the replay, the ready event and what waited, while the body has room; then the stream is live. */
    pump(stream: HubStream) {
      if (stream.phase !== 'replaying') return;
      while (stream.hasRoom) {
        const sink = stream.sink!;
        if (stream.replayed < stream.replay.length) {
          sink.write(encoder.encode(sseFrame(stream.replay[stream.replayed++]!)));
        } else if (stream.ready) {
          sink.write(encoder.encode(stream.ready));
          stream.ready = '';
          stream.replay = [];
        } else if (stream.waiting.length) {
          const message = stream.waiting.shift()!;
          stream.waitingBytes -= message.body.length + message.id.length;
          sink.write(encoder.encode(sseFrame(message)));
          delivered++;
        } else {
          stream.phase = 'live';
          return;
        }
      }
    },
    /** `close` lets the client read what is queued (then `last`); `slow` cuts it off; `gone` is the client leaving. */
    end(stream: HubStream, how: 'close' | 'slow' | 'gone', last?: string) {
      if (stream.phase === 'ended') return;
      stream.phase = 'ended';
      stream.replay = [];
      stream.waiting = [];
      stream.waitingBytes = 0;
      const set = streams.get(stream.key);
      set?.delete(stream);
      if (set && !set.size) streams.delete(stream.key);
      if (--total === 0) {
        clearInterval(keepAlive);
        keepAlive = undefined;
      }
      if (how === 'close') stream.sink?.close(last ? encoder.encode(last) : undefined);
      else if (how === 'slow') stream.sink?.cut();
      stream.onEnd?.();
    },
    endAll(farewell?: () => string) {
      for (const set of [...streams.values()]) for (const stream of [...set]) hub.end(stream, 'close', farewell?.());
    },
    stats(): StreamStats {
      let bufferedBytes = 0;
      for (const set of streams.values())
        for (const stream of set) bufferedBytes += (stream.sink?.unsent() ?? 0) + stream.waitingBytes;
      return { open: total, bufferedBytes, delivered };
    },
  };

  /** The stream as a web body: its queue is the bound, pulled as the client reads. */
  function webBody(stream: HubStream): ReadableStream<Uint8Array> {
    const { body, sink } = webSink(sinkEvents(stream));
    stream.sink = sink;
    if (stream.phase === 'ended') sink.close();
    return body;
  }

  /** The stream written straight to a Node response. */
  function writeTo(stream: HubStream, response: NodeResponse): void {
    if (stream.phase === 'ended') {
      response.end();
      return;
    }
    // The client left while the stream was being opened: its `close` has been and gone.
    if (response.destroyed) return hub.end(stream, 'gone');
    stream.sink = nodeSink(response, sinkEvents(stream));
    hub.pump(stream);
  }

  function sinkEvents(stream: HubStream): SinkEvents {
    return { pull: () => hub.pump(stream), gone: () => hub.end(stream, 'gone') };
  }

  /** Reads the log: replays after a `lastId` the log can vouch for, else opens at the log's real position. */
  async function begin(stream: HubStream, lastId: string, replayFresh: boolean) {
    try {
      const newest = await state.lastId(stream.key);
      // An id that is malformed or beyond the log's newest was never issued for this log: it counts as absent.
      const vouched = isEventId(lastId) && compareEventIds(lastId, newest) <= 0 ? lastId : '';
      const resume = vouched || (replayFresh ? '0-0' : '');
      const replay = resume && resume !== newest ? await state.replay(stream.key, resume) : [];
      if (stream.phase !== 'opening') return;
      let last = replay.at(-1)?.id ?? resume;
      // Published since this stream started listening: live for this client, unless the replay holds it.
      const waiting = stream.waiting.filter((message) => !last || compareEventIds(message.id, last) > 0);
      stream.waitingBytes = waiting.reduce((sum, message) => sum + message.body.length + message.id.length, 0);
      stream.waiting = waiting;
      if (waiting.length) last = waiting.at(-1)!.id;
      const position = last && compareEventIds(last, newest) > 0 ? last : newest;
      stream.replay = replay;
      // The log's position as the ready event's id: a client that has seen no check-in yet can resume from it.
      stream.ready = readyFrame(position);
      stream.lastId = position;
      stream.phase = 'replaying';
      hub.pump(stream);
    } catch (error) {
      logger.warn('event stream ended', { error: describeError(error) });
      hub.end(stream, 'close');
    }
  }

  function sendKeepAlive() {
    for (const set of streams.values())
      for (const stream of set) if (stream.phase === 'live' && stream.hasRoom) stream.sink!.write(KEEP_ALIVE);
  }

  function scheduleExpiry(at: number) {
    if (at >= expiryAt) return;
    clearTimeout(expiryTimer);
    expiryAt = at;
    expiryTimer = unref(setTimeout(sweepExpired, Math.max(0, at - Date.now())));
  }

  function sweepExpired() {
    expiryTimer = undefined;
    expiryAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const set of [...streams.values()])
      for (const stream of [...set]) {
        // The client reconnects with a fresh token.
        if (stream.expiresAt <= now) hub.end(stream, 'close');
        else next = Math.min(next, stream.expiresAt);
      }
    if (next < Infinity) scheduleExpiry(Math.max(next, now + EXPIRY_SWEEP_MS));
  }

  return hub;
}

/** Timers of the hub never keep a process alive on their own. */
function unref<T>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
