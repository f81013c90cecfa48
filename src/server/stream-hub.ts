import type { SSEStreamingApi } from 'hono/streaming';
import { describeError, type RelayLogger } from './log.js';
import { compareEventIds, type CheckinMessage, type SharedState } from './state.js';

export interface StreamHubOptions {
  state: SharedState;
  logger: RelayLogger;
  /** A comment on every stream this often, ms. */
  keepAliveMs: number;
}

export interface StreamHub {
  /** Serves one client's stream until it leaves or is ended: replay after `lastId`, then live. */
  serve(stream: SSEStreamingApi, customerKey: string, lastId: string, signal: AbortSignal): Promise<void>;
  /** Hands a published check-in to the customer's open streams. */
  deliver(message: CheckinMessage): void;
  /** Ends every open stream (clients reconnect). */
  endAll(): void;
  /** This instance's open streams for a customer. */
  count(customerKey: string): number;
}

interface OpenStream {
  deliver(message: CheckinMessage): void;
  end(): void;
}

/** The check-in stream hub: the open streams by customer, their replay, live delivery and framing. */
export function createStreamHub(options: StreamHubOptions): StreamHub {
  const { state, logger, keepAliveMs } = options;
  /** Open streams by customer key. */
  const streams = new Map<string, Set<OpenStream>>();

  async function serve(stream: SSEStreamingApi, key: string, lastId: string, signal: AbortSignal): Promise<void> {
    let ended!: () => void;
    const done = new Promise<void>((resolve) => (ended = resolve));
    let live = false;
    let lastSent = lastId;
    const early: CheckinMessage[] = [];
    const write = (text: string) => {
      void stream.write(text);
    };
    const entry: OpenStream = {
      deliver(message) {
        if (!live) early.push(message);
        else if (!lastSent || compareEventIds(message.id, lastSent) > 0) {
          lastSent = message.id;
          write(sseFrame(message));
        }
      },
      end: () => ended(),
    };
    // Listen before reading the log, so nothing falls between replay and live.
    let set = streams.get(key);
    if (!set) streams.set(key, (set = new Set()));
    set.add(entry);
    stream.onAbort(entry.end);
    signal.addEventListener('abort', entry.end);
    const timer = setInterval(() => {
      if (stream.aborted || stream.closed) entry.end();
      else write(': keep-alive\n\n');
    }, keepAliveMs);
    try {
      let first = '';
      let position = lastId;
      if (lastId) {
        for (const message of await state.replay(key, lastId)) {
          first += sseFrame(message);
          lastSent = message.id;
        }
      } else {
        position = await state.lastId(key);
      }
      // Published since this stream started listening: live for this client, whatever the log said.
      for (const message of early) {
        if (!lastSent || compareEventIds(message.id, lastSent) > 0) {
          first += sseFrame(message);
          lastSent = message.id;
        }
      }
      if (lastSent && compareEventIds(lastSent, position) > 0) position = lastSent;
      lastSent = position;
      live = true;
      // The replay first, then where the log stands as a `ready` event's id, in one write: the client hears
      // from the stream at once, and a client that has seen no check-in yet still has an id to resume from.
      write(`${first}${readyFrame(position)}`);
      await done;
    } catch (error) {
      logger.warn('event stream ended', { error: describeError(error) });
    } finally {
      clearInterval(timer);
      signal.removeEventListener('abort', entry.end);
      set.delete(entry);
      if (!set.size && streams.get(key) === set) streams.delete(key);
    }
  }

  return {
    serve,
    deliver(message) {
      for (const stream of streams.get(message.customerKey) ?? []) stream.deliver(message);
    },
    endAll() {
      for (const set of streams.values()) for (const stream of [...set]) stream.end();
    },
    count(key) {
      return streams.get(key)?.size ?? 0;
    },
  };
}

/** One SSE message: the id, then the body as `data:` lines (a line break in the body becomes a line break of the data). */
export function sseFrame(message: CheckinMessage): string {
  return `id: ${message.id}\n${message.body
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`;
}

/** Opens every stream: a comment, and the log's position as the id of a `ready` event (EventSource's onmessage does not see it). */
export function readyFrame(position: string): string {
  return `: connected\nid: ${position}\nevent: ready\ndata:\n\n`;
}
