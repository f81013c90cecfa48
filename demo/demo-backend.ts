// The demo's backend (`npm start`) and the browser tests': the package's own
// relay in front of the mock Magicline Open API, on one origin, with no Redis.
//
// Two studios, as a partner serves many: `default` and `hamburg`, each with its
// own mock Open API on its own loopback port (as each Magicline tenant is its
// own host), its own API key and its own webhook key. The relay calls each
// with its key, and each mock's gate posts check-in webhooks with its studio's
// webhook key to the relay's one `/webhooks/magicline`. On the page's origin:
//
//   /v1/studios/{studio}/customers/{id}/access-code, …/events   the relay (and /v1/customers/… for `default`)
//   /webhooks/magicline, /healthz, /metrics                        the relay
//   /v1/checkins, /v1/studios/{studio}/checkins   the relay: the front desk's feed
//   /gate/scan, /mock/settings, /mock/current-code, /mock/stats, /mock/webhooks   the mock of `?studio=` (default `default`)
//   /magicline/…      the `default` mock Open API itself (the tests of the mock)
//   /mock/streams?customerId=&studio=   how many event streams the relay has open for that customer
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRelay, type Relay, type RelayLogger } from '../src/server/index.js';
import { createMockOpenApi } from './mock-open-api.js';

/** What the relay sends to the `default` studio's mock Open API, and what the mock checks. */
export const DEMO_MAGICLINE_API_KEY = 'demo-magicline-key';
/** What the `default` studio's gate sends with its webhooks, and what the relay checks. */
export const DEMO_WEBHOOK_API_KEY = 'demo-api-key';

/** The demo's studios (the pages' pickers list them too): the first is `default`, what the single-studio routes mean. */
export const DEMO_STUDIOS = [
  { id: 'default', name: 'Berlin Mitte', apiKey: DEMO_MAGICLINE_API_KEY, webhookApiKey: DEMO_WEBHOOK_API_KEY },
  {
    id: 'hamburg',
    name: 'Hamburg Altona',
    apiKey: 'demo-hamburg-magicline-key',
    webhookApiKey: 'demo-hamburg-api-key',
  },
] as const;

type Next = (error?: unknown) => void;

export interface DemoBackend {
  /** Connect-style middleware: answers the routes above, passes the rest on. */
  handle(req: IncomingMessage, res: ServerResponse, next: Next): void;
  relay: Relay;
  close(): Promise<void>;
}

/** Warnings and errors only: a line per request would bury the dev server's output. */
const quietLogger: RelayLogger = {
  info() {},
  warn: (message, fields) => console.warn(`relay: ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`relay: ${message}`, fields ?? ''),
};

export async function createDemoBackend(): Promise<DemoBackend> {
  // Assigned once the mocks' ports are known; the mocks' gates reach it through this binding.
  // eslint-disable-next-line prefer-const -- a forward reference, not a constant
  let relay: Relay | undefined;
  const studios = await Promise.all(
    DEMO_STUDIOS.map(async (studio) => {
      const mock = createMockOpenApi({
        apiKey: studio.apiKey,
        webhook: {
          url: 'http://relay.invalid/webhooks/magicline',
          apiKey: studio.webhookApiKey,
          // The gate's webhook goes through the relay's whole webhook route, without a detour over the network.
          fetch: (url, init) => relay!.fetch(new Request(url, init)),
        },
      });
      const magicline = createServer((req, res) => {
        mock.handle(req, res).then(
          (handled) => handled || send(res, 404, { error: 'not a Magicline route' }),
          () => res.destroy(),
        );
      });
      await new Promise<void>((resolve) => magicline.listen(0, '127.0.0.1', resolve));
      const { port } = magicline.address() as AddressInfo;
      return { ...studio, mock, magicline, url: `http://127.0.0.1:${port}` };
    }),
  );
  const mockOf = (url: URL) => studios.find((studio) => studio.id === (url.searchParams.get('studio') ?? 'default'));

  relay = createRelay({
    studios: studios.map((studio) => ({
      id: studio.id,
      magiclineBaseUrl: studio.url,
      magiclineApiKey: studio.apiKey,
      webhookApiKey: studio.webhookApiKey,
    })),
    // The demo has no sign-in: every request counts as the demo member's own. The standalone
    // relay (gym-access-qr-relay) checks a JWT here; a partner checks its session.
    authorize: () => 'allow',
    // Nor for the front desk: the standalone relay checks a staff JWT here.
    authorizeStaff: () => 'allow',
    logger: quietLogger,
  });
  const theRelay = relay;

  return {
    relay: theRelay,
    handle(req, res, next) {
      const url = new URL(req.url ?? '/', 'http://demo.invalid');
      const studio = mockOf(url);
      if (url.pathname === '/mock/streams') {
        send(res, 200, {
          open: theRelay.openStreams(
            url.searchParams.get('customerId') ?? '',
            url.searchParams.get('studio') ?? undefined,
          ),
        });
      } else if (url.pathname.startsWith('/magicline/')) {
        req.url = req.url!.slice('/magicline'.length);
        studios[0].mock
          .handle(req, res)
          .then((handled) => handled || send(res, 404, { error: 'not a Magicline route' }), next);
      } else if (url.pathname === '/gate/scan' || url.pathname.startsWith('/mock/')) {
        if (!studio) send(res, 404, { error: 'no such studio' });
        else studio.mock.handle(req, res).then((handled) => handled || next(), next);
      } else {
        theRelay.nodeHandler(req, res, next);
      }
    },
    async close() {
      await Promise.all(studios.map((studio) => studio.mock.close()));
      await theRelay.close();
      await Promise.all(
        studios.map(
          ({ magicline }) =>
            new Promise<void>((resolve) => {
              magicline.close(() => resolve());
              magicline.closeAllConnections();
            }),
        ),
      );
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** The demo backend as Koa middleware, for @web/test-runner. */
export function demoBackendMiddleware() {
  const backend = createDemoBackend();
  return async (ctx: { req: IncomingMessage; res: ServerResponse; respond: boolean }, next: () => Promise<unknown>) => {
    const { handle } = await backend;
    let passed = false;
    ctx.respond = false;
    await new Promise<void>((resolve, reject) => {
      handle(ctx.req, ctx.res, (error) => {
        passed = true;
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve();
      });
      // A response handled here is done when it is finished or its client left (event streams).
      ctx.res.once('finish', resolve);
      ctx.res.once('close', resolve);
    });
    if (!passed) return;
    ctx.respond = true;
    return next();
  };
}

/** The demo backend as a Vite plugin, for `npm start`. */
export function demoBackendPlugin() {
  let backend: Promise<DemoBackend> | undefined;
  const mount = (server: {
    middlewares: { use(fn: (req: IncomingMessage, res: ServerResponse, next: Next) => void): void };
    httpServer?: { on(event: 'close', fn: () => void): unknown } | null;
  }) => {
    backend ??= createDemoBackend();
    server.middlewares.use((req, res, next) => {
      backend!.then(({ handle }) => handle(req, res, next), next);
    });
    server.httpServer?.on('close', () => void backend?.then((b) => b.close()));
  };
  return {
    name: 'gym-access-qr-demo-backend',
    configureServer: mount,
    configurePreviewServer: mount,
  };
}
