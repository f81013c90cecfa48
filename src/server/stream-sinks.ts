/** A client with more than this waiting unsent is ended: it has stopped reading. */
export const MAX_UNSENT_BYTES = 256 * 1024;

/** Bytes, not chunks: the body's queue is bounded by what it holds. */
const QUEUING: QueuingStrategy<Uint8Array> = { highWaterMark: MAX_UNSENT_BYTES, size: (chunk) => chunk.byteLength };

/** Where a stream's bytes go: a web body's queue, or a Node response. */
export interface Sink {
  /** Bytes taken and not yet sent. */
  unsent(): number;
  write(bytes: Uint8Array): void;
  /** Ends the body after what is queued (and `last`). */
  close(last?: Uint8Array): void;
  /** Ends it at once, dropping what is queued: the client stopped reading. */
  cut(): void;
}

/** What a sink tells its stream (called without `this`). */
export interface SinkEvents {
  /** There is room again: write what waits. */
  readonly pull: () => void;
  /** The client left. */
  readonly gone: () => void;
}

/** What the hub needs of Node's `ServerResponse`. */
export interface NodeResponse {
  write(chunk: Uint8Array): boolean;
  end(chunk?: Uint8Array): unknown;
  destroy(): unknown;
  /** Bytes given and not yet taken by the kernel: the response's own and its socket's. */
  readonly writableLength: number;
  /** True once the connection is gone (its `close` has been emitted). */
  readonly destroyed: boolean;
  on(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
}

/** A web body (the relay's `fetch` handler) whose queue is the bound, pulled as the client reads. */
export function webSink(events: SinkEvents): { body: ReadableStream<Uint8Array>; sink: Sink } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      pull: events.pull,
      cancel: events.gone,
    },
    QUEUING,
  );
  const sink: Sink = {
    unsent: () => MAX_UNSENT_BYTES - (controller.desiredSize ?? MAX_UNSENT_BYTES),
    write: (bytes) => controller.enqueue(bytes),
    close(last) {
      try {
        if (last) controller.enqueue(last);
        controller.close();
      } catch {
        // Already cancelled by the client.
      }
    },
    cut() {
      // The queued bytes go with the error.
      try {
        controller.error(new Error('the client stopped reading'));
      } catch {
        // Already cancelled by the client.
      }
    },
  };
  return { body, sink };
}

/**
 * A Node response whose head is written, written to directly: no web stream between the hub and the socket,
 * which is most of what a held stream costs. `write` while less than {@link MAX_UNSENT_BYTES} wait in the
 * response and its socket, more on `drain`.
 */
export function nodeSink(response: NodeResponse, events: SinkEvents): Sink {
  // The stream's own callbacks, no closure of ours around them: a held stream costs what it holds.
  response.on('drain', events.pull);
  response.on('close', events.gone);
  // A write to a connection that broke is reported on `close` too.
  response.on('error', () => undefined);
  return {
    unsent: () => response.writableLength,
    write: (bytes) => void response.write(bytes),
    close: (last) => void response.end(last),
    // The socket goes, and what waits in it.
    cut: () => void response.destroy(),
  };
}
