import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { describeError, type RelayLogger } from './log.js';
import { takeStream, textOf } from './direct-response.js';

/** A Node request listener that hands anything but the relay's routes to `next` (404 without one). */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** The web-standard handler the adapter serves; `incoming` is the Node request it came from. */
export type WebHandler = (request: Request, env?: { incoming?: IncomingMessage }) => Promise<Response>;

export interface NodeAdapter {
  nodeHandler: NodeHandler;
  /** Starts an HTTP server (port 0: a free one). */
  listen(options?: { port?: number; hostname?: string }): Promise<{ server: Server; port: number; url: string }>;
  /**
   * Stops the servers from `listen` accepting connections at once; requests under way get `graceMs`
   * (default 1000) to be answered, then what still hangs on is cut.
   */
  close(graceMs?: number): Promise<void>;
}

/** The relay in Node: a request listener for any Node server, and servers of its own. */
export function createNodeAdapter(handle: WebHandler, relayPath: RegExp, logger: RelayLogger): NodeAdapter {
  const servers = new Set<Server>();
  /** Responses not yet sent: told to close their connection once the adapter closes. */
  const pending = new Set<ServerResponse>();
  let closing = false;
  let listener: Promise<(req: IncomingMessage, res: ServerResponse) => Promise<void>> | undefined;
  const nodeListener = () =>
    (listener ??= Promise.all([import('@hono/node-server'), import('@hono/node-server/utils/response')]).then(
      ([{ getRequestListener }, { RESPONSE_ALREADY_SENT }]) =>
        getRequestListener(
          async (request, env) => {
            const { incoming, outgoing } = env as { incoming: IncomingMessage; outgoing: ServerResponse };
            const response = await handle(request, { incoming });
            const stream = takeStream(request, response);
            if (!stream) {
              const text = textOf(request, response);
              if (text === undefined) return response;
              // An answer made from a string (a cached code, most of all) is written as it is.
              const headers = { ...Object.fromEntries(response.headers), 'content-length': Buffer.byteLength(text) };
              outgoing.writeHead(response.status, headers).end(text);
              return RESPONSE_ALREADY_SENT;
            }
            // A check-in stream goes straight onto the Node response: a web stream between the two would cost
            // more than the rest of the stream together (docs/performance.md#relay-streams).
            // The head goes out with the stream's first bytes (its replay or ready event), in one write.
            outgoing.writeHead(200, Object.fromEntries(response.headers));
            stream.writeTo(outgoing);
            return RESPONSE_ALREADY_SENT;
          },
          {
            overrideGlobalObjects: false,
            errorHandler: (error) => {
              logger.error('node adapter failed', { error: describeError(error) });
            },
          },
        ),
    ));

  /** Hands a Node request to the relay; a failure of the adapter itself ends that response, never the process. */
  function serveNode(req: IncomingMessage, res: ServerResponse) {
    // A client must not send its next request on a connection that is about to go.
    if (closing) res.shouldKeepAlive = false;
    else {
      pending.add(res);
      res.once('close', () => pending.delete(res));
    }
    nodeListener()
      .then((listen) => listen(req, res))
      .catch((error: unknown) => {
        logger.error('node adapter failed', { error: describeError(error) });
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
  }

  return {
    nodeHandler(req, res, next) {
      const path = (req.url ?? '/').split('?')[0]!;
      if (next && !relayPath.test(path)) return next();
      serveNode(req, res);
    },
    async listen({ port = 0, hostname } = {}) {
      const { createServer } = await import('node:http');
      await nodeListener();
      const server = createServer(serveNode);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        if (hostname) server.listen(port, hostname, resolve);
        else server.listen(port, resolve);
      });
      servers.add(server);
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      return {
        server,
        port: actual,
        url: `http://${hostname && hostname !== '0.0.0.0' && hostname !== '::' ? hostname : '127.0.0.1'}:${actual}`,
      };
    },
    async close(graceMs = 1000) {
      closing = true;
      for (const res of pending) if (!res.headersSent) res.shouldKeepAlive = false;
      pending.clear();
      await Promise.all(
        [...servers].map(
          (server) =>
            new Promise<void>((resolve) => {
              // Let requests under way be answered and ended streams finish; cut whatever still hangs on.
              const force = setTimeout(() => server.closeAllConnections(), graceMs);
              // A keep-alive connection is idle once its request is answered: it goes then, not at the deadline.
              const idle = setInterval(() => server.closeIdleConnections(), 50);
              server.close(() => {
                clearTimeout(force);
                clearInterval(idle);
                resolve();
              });
              server.closeIdleConnections();
            }),
        ),
      );
      servers.clear();
    },
  };
}
