/** Real servers for the relay's Node tests: a fake Magicline, a real redis-server, an SSE reader. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'node:test';
import { createRelay, type RelayLogger, type RelayOptions } from '../../src/server/index.js';

export const MAGICLINE_KEY = 'test-magicline-key';
export const WEBHOOK_KEY = 'test-webhook-key';

export interface FakeUpstream {
  url: string;
  /** Access-code calls received, all customers. */
  calls: number;
  /** Calls per customer id as requested. */
  callsFor(id: string): number;
  /** The X-API-KEY headers seen. */
  keys: string[];
  /** How the next calls are answered; default: a fresh code living `lifetimeMs` on `clock`. */
  answer: (id: string, res: ServerResponse) => void | Promise<void>;
  /** The fake's clock (epoch ms) for Date and expiresAt. */
  clock: () => number;
  lifetimeMs: number;
  /** Delays every answer (ms). */
  delayMs: number;
  close(): Promise<void>;
}

let counter = 0;

/** A fake Magicline Open API on a free port that counts its calls. */
export async function startUpstream(): Promise<FakeUpstream> {
  const perCustomer = new Map<string, number>();
  const upstream: FakeUpstream = {
    url: '',
    calls: 0,
    callsFor: (id) => perCustomer.get(id) ?? 0,
    keys: [],
    clock: Date.now,
    lifetimeMs: 30_000,
    delayMs: 0,
    answer: (id, res) => {
      const now = upstream.clock();
      const content = `${String(++counter).padStart(4, '0')}${id}`.slice(0, 19).padEnd(19, '7');
      res.writeHead(200, { 'Content-Type': 'application/json', Date: new Date(now).toUTCString() });
      res.end(
        JSON.stringify({ format: 'QR_CODE', expiresAt: new Date(now + upstream.lifetimeMs).toISOString(), content }),
      );
    },
    close: async () => {},
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/v1\/customers\/([0-9]+)\/access-code$/.exec(req.url ?? '');
    if (!match || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    upstream.calls++;
    perCustomer.set(match[1]!, upstream.callsFor(match[1]!) + 1);
    upstream.keys.push(String(req.headers['x-api-key']));
    const go = () => void Promise.resolve(upstream.answer(match[1]!, res)).catch(() => res.destroy());
    if (upstream.delayMs) setTimeout(go, upstream.delayMs);
    else go();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  upstream.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return upstream;
}

/** A logger that keeps every line, to check what the relay writes. */
export function recordingLogger(): RelayLogger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, message, ...fields }));
  return { lines, info: add('info'), warn: add('warn'), error: add('error') };
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (its data goes with it: no persistence). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open and nothing answers, as on a black-holed network. */
  pause(): void;
  /** Lets a paused server run on (SIGCONT). */
  resume(): void;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

/** A real /usr/bin/redis-server on a free port in a temp folder, without persistence. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gym-access-qr-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn(
        '/usr/bin/redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
      const end = Date.now() + 10_000;
      while (!(await pong(port))) {
        if (Date.now() > end) throw new Error('redis-server did not start');
        await sleep(50);
      }
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async close() {
      server.resume();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', () => resolve(false));
    socket.once('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds, or fails after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export interface EventReader {
  response: Response;
  /** Everything received so far, as text. */
  text(): string;
  /** The complete frames received so far (split at blank lines). */
  frames(): string[];
  /** The frames with an id, as { id, data }. */
  messages(): { id: string; data: string }[];
  /** Whether the server ended the stream. */
  ended(): boolean;
  /** Resolves as soon as a chunk makes `condition` true (checked on arrival, no polling). */
  waitFor(condition: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): void;
}

/** Opens an event stream with fetch and keeps reading it in the background. */
export async function openEvents(url: string, headers: Record<string, string> = {}): Promise<EventReader> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  let received = '';
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((waiter) => waiter());
  if (response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          received += value;
          wake();
        }
        ended = true;
      } catch {
        // Cut off: by the server unless the test closed it.
        ended = !controller.signal.aborted;
      }
    })();
  }
  const frames = () => received.split('\n\n').slice(0, -1);
  return {
    response,
    text: () => received,
    frames,
    messages: () =>
      frames()
        .filter((frame) => frame.startsWith('id: '))
        .map((frame) => {
          const lines = frame.split('\n');
          return {
            id: lines[0]!.slice(4),
            data: lines
              .slice(1)
              .filter((line) => line.startsWith('data: '))
              .map((line) => line.slice(6))
              .join('\n'),
          };
        }),
    ended: () => ended,
    waitFor: (condition, timeoutMs = 5_000, what = 'stream data') =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!condition()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => controller.abort(),
  };
}

/** A CUSTOMER_CHECKIN webhook body for `entityId` (written as given: digits of any size). */
export function checkinBody(entityId: string, uuid = crypto.randomUUID()): string {
  return `{"entityId":${entityId},"uuid":"${uuid}","payload":[{"timestamp":${Date.now()},"type":"CUSTOMER_CHECKIN","content":{}}]}`;
}

export function postWebhook(
  base: string,
  body: string | Uint8Array | ReadableStream<Uint8Array>,
  key = WEBHOOK_KEY,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}/webhooks/magicline`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-KEY': key, ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

/** Test members sign in with `Bearer member-<customerId>`. */
export const memberAuthorize: RelayOptions['authorize'] = (request, customerId) => {
  const match = /^Bearer member-(\d+)$/.exec(request.headers.get('Authorization') ?? '');
  if (!match) return 'unauthorized';
  return BigInt(match[1]!) === BigInt(customerId) ? 'allow' : 'forbidden';
};
/** The headers of the member signed in as `customerId`. */
export const asMember = (customerId: string) => ({ Authorization: `Bearer member-${customerId}` });

/** What a test file tears down after each test, last first. */
export type Cleanups = (() => Promise<void> | void)[];

/** Registers an `afterEach` that runs the returned list's cleanups, last first. */
export function cleanupsAfterEach(): Cleanups {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  return cleanups;
}

/**
 * A relay in front of a fake Magicline, both on loopback and closed after the
 * test: `code(id)` asks for a member's access code, `events(path, headers)`
 * opens an event stream that is closed first.
 */
export async function startRelay(cleanups: Cleanups, options: Partial<RelayOptions> = {}) {
  const upstream = await startUpstream();
  const logger = recordingLogger();
  const relay = createRelay({
    magiclineBaseUrl: upstream.url,
    magiclineApiKey: MAGICLINE_KEY,
    webhookApiKey: WEBHOOK_KEY,
    authorize: memberAuthorize,
    logger,
    ...options,
  });
  const { url, port } = await relay.listen({ hostname: '127.0.0.1' });
  cleanups.push(
    () => upstream.close(),
    () => relay.close(),
  );
  const events = async (path: string, headers: Record<string, string>) => {
    const stream = await openEvents(`${url}${path}`, headers);
    cleanups.push(() => stream.close());
    return stream;
  };
  const code = (id: string, headers: Record<string, string> = asMember(id)) =>
    fetch(`${url}/v1/customers/${id}/access-code`, { headers });
  return { upstream, relay, url, port, logger, code, events };
}
