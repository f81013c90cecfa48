// A stand-in for the Magicline Open API, for the demo (`npm start`) and the
// end-to-end tests, which put the package's own relay in front of it (see
// demo/demo-backend.ts). Plain Node, no framework:
// `createMockOpenApi().handle(req, res)` answers its routes and returns
// false for anything else.
//
//   GET  /v1/customers/{id}/access-code  a fresh 19-digit code, `Date` header, expiresAt ahead (X-API-KEY when `apiKey` is set)
//   POST /gate/scan                      {content} -> granted / denied (unknown, expired, used); a grant posts a
//                                        CUSTOMER_CHECKIN webhook to `webhook.url`, as Magicline does
//   GET  /mock/settings, POST /mock/settings   lifetime, fault, single-use, per customer or for all
//   GET  /mock/current-code?customerId=   the newest code issued to a customer (the gate's "scan" button)
//   GET  /mock/stats?customerId=          how many access codes that customer has requested
//   GET  /mock/webhooks                   answers once the webhooks on their way have been delivered (or failed)
//   GET  /v1/customers/{id}               the demo customers' firstName and lastName (404 for anyone else)

import { randomInt, randomUUID } from 'node:crypto';

/** @typedef {'none' | 'server-error' | 'rate-limited' | 'unauthorized' | 'forbidden' | 'not-found' | 'invalid-json' | 'wrong-format' | 'no-expires' | 'slow' | 'drop'} Fault */

/**
 * @typedef {object} MockSettings
 * @property {number} lifetimeSeconds  how long each issued code lives
 * @property {Fault} fault             what the access-code endpoint does instead of answering well
 * @property {boolean} singleUse       whether a granted code is used up at once
 * @property {number} retryAfterSeconds  the Retry-After sent with `rate-limited`
 */

/** @type {MockSettings} */
export const DEFAULT_SETTINGS = { lifetimeSeconds: 30, fault: 'none', singleUse: true, retryAfterSeconds: 3 };

const FAULTS = [
  'none',
  'server-error',
  'rate-limited',
  'unauthorized',
  'forbidden',
  'not-found',
  'invalid-json',
  'wrong-format',
  'no-expires',
  'slow',
  'drop',
];
const ACCESS_CODE_PATH = /^\/v1\/customers\/([0-9]{1,19})\/access-code$/;
const MAX_BODY = 64 * 1024;

/** A customer id as digits without leading zeros: `0001234567` and `1234567` are the same customer. */
const customerDigits = (/** @type {string} */ id) => id.replace(/^0+(?=\d)/, '');

/**
 * @typedef {object} WebhookTarget  where the gate's check-ins go, as Magicline posts them
 * @property {string} url       the partner's webhook URL
 * @property {string} apiKey    sent as `X-API-KEY`
 * @property {(url: string, init: RequestInit) => Promise<Response>} [fetch]  default: the global fetch
 */

/**
 * @param {{ apiKey?: string, webhook?: WebhookTarget, now?: () => number, onWebhookError?: (error: unknown) => void }} [options]
 *   apiKey: the Open API key the access-code route expects in `X-API-KEY` (unchecked when unset);
 *   webhook: where a granted scan is reported (nowhere when unset);
 *   now: the server's clock (epoch ms).
 */
export function createMockOpenApi(options = {}) {
  const apiKey = options.apiKey;
  const now = options.now ?? Date.now;
  /** @type {Set<Promise<void>>} webhooks on their way */
  const sending = new Set();
  /** @type {MockSettings} */
  let defaults = { ...DEFAULT_SETTINGS };
  /** @type {Map<string, Partial<MockSettings>>} */
  const overrides = new Map();
  /** @type {Map<string, { customerId: string, expiresAt: number, used: boolean }>} */
  const codes = new Map();
  /** @type {Map<string, string>} newest code per customer */
  const newest = new Map();
  /** @type {Map<string, number>} access-code requests per customer, for the benchmark */
  const requests = new Map();

  /** @param {string} [customerId] @returns {MockSettings} */
  const settingsFor = (customerId) => ({ ...defaults, ...(customerId ? overrides.get(customerId) : {}) });

  /** Forgets codes that ran out a while ago, so a long demo session does not grow without bound. */
  function prune() {
    const cutoff = now() - 10 * 60_000;
    for (const [content, code] of codes) if (code.expiresAt < cutoff) codes.delete(content);
  }

  /** @param {string} customerId */
  function issue(customerId) {
    prune();
    const { lifetimeSeconds } = settingsFor(customerId);
    let content;
    do {
      // 19 digits, the first never 0, like a real access code.
      content = String(randomInt(1, 10)) + Array.from({ length: 18 }, () => randomInt(0, 10)).join('');
    } while (codes.has(content));
    const expiresAt = now() + lifetimeSeconds * 1000;
    codes.set(content, { customerId, expiresAt, used: false });
    newest.set(customerId, content);
    return { format: 'QR_CODE', expiresAt: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'), content };
  }

  /**
   * Posts a CUSTOMER_CHECKIN webhook for the customer, as Magicline does after a grant: in the
   * background, without delaying the gate's answer.
   * @param {string} customerId
   */
  function checkin(customerId) {
    const target = options.webhook;
    if (!target) return;
    const payload = [{ timestamp: now(), type: 'CUSTOMER_CHECKIN', content: {} }];
    // entityId is written as the id's digits: a JSON number of any size.
    const body = `{"entityId":${customerDigits(customerId)},"uuid":"${randomUUID()}","payload":${JSON.stringify(payload)}}`;
    const post = (target.fetch ?? fetch)(target.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-KEY': target.apiKey },
      body,
    })
      .then(async (response) => {
        await response.body?.cancel();
        if (!response.ok) throw new Error(`webhook answered ${response.status}`);
      })
      .catch((error) =>
        (options.onWebhookError ?? ((e) => console.warn('mock Open API: webhook not delivered:', e)))(error),
      );
    sending.add(post);
    void post.finally(() => sending.delete(post));
  }

  /** @param {string} content */
  function scan(content) {
    const code = codes.get(content);
    if (!code) return { status: 403, body: { result: 'denied', reason: 'unknown' } };
    if (code.used) return { status: 403, body: { result: 'denied', reason: 'used' } };
    if (now() >= code.expiresAt) return { status: 403, body: { result: 'denied', reason: 'expired' } };
    if (settingsFor(code.customerId).singleUse) code.used = true;
    checkin(code.customerId);
    return { status: 200, body: { customerId: code.customerId, result: 'granted' } };
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @returns {Promise<boolean>} whether the request was one of ours
   */
  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://mock.local');
    const method = req.method ?? 'GET';
    const match = ACCESS_CODE_PATH.exec(url.pathname);

    if (match && method === 'GET') {
      if (apiKey !== undefined && req.headers['x-api-key'] !== apiKey)
        return send(res, 401, { error: 'invalid X-API-KEY' });
      requests.set(/** @type {string} */ (match[1]), (requests.get(/** @type {string} */ (match[1])) ?? 0) + 1);
      await answerAccessCode(res, /** @type {string} */ (match[1]));
      return true;
    }
    const customer = CUSTOMER_PATH.exec(url.pathname);
    if (customer && method === 'GET') {
      if (apiKey !== undefined && req.headers['x-api-key'] !== apiKey)
        return send(res, 401, { error: 'invalid X-API-KEY' });
      return answerCustomer(res, /** @type {string} */ (customer[1]));
    }
    if (url.pathname === '/gate/scan' && method === 'POST') {
      const body = await readJson(req);
      if (!body || typeof body.content !== 'string') return send(res, 400, { error: 'expected {"content": "…"}' });
      const { status, body: answer } = scan(body.content);
      return send(res, status, answer);
    }
    if (url.pathname === '/mock/settings') {
      const customerId = url.searchParams.get('customerId') ?? undefined;
      if (method === 'POST') {
        const body = await readJson(req);
        const patch = body && validSettings(body);
        if (!patch)
          return send(res, 400, {
            error: `expected settings: lifetimeSeconds 1-3600, fault one of ${FAULTS.join(', ')}, singleUse boolean`,
          });
        if (customerId) overrides.set(customerId, { ...overrides.get(customerId), ...patch });
        else defaults = { ...defaults, ...patch };
      }
      return send(res, 200, settingsFor(customerId));
    }
    if (url.pathname === '/mock/stats' && method === 'GET') {
      return send(res, 200, { accessCodeRequests: requests.get(url.searchParams.get('customerId') ?? '') ?? 0 });
    }
    if (url.pathname === '/mock/webhooks' && method === 'GET') {
      // A grant's webhook goes out after the gate's answer, as Magicline's does: this waits for it.
      await Promise.allSettled([...sending]);
      return send(res, 200, { delivered: true });
    }
    if (url.pathname === '/mock/current-code' && method === 'GET') {
      const content = newest.get(url.searchParams.get('customerId') ?? '');
      return content ? send(res, 200, { content }) : send(res, 404, { error: 'no code issued to that customer yet' });
    }
    return false;
  }

  /** @param {import('node:http').ServerResponse} res @param {string} customerId */
  async function answerAccessCode(res, customerId) {
    const { fault, retryAfterSeconds } = settingsFor(customerId);
    const headers = {
      'Cache-Control': 'no-store',
      // A cross-origin page may read the server's clock: the element trusts it over the device's.
      'Access-Control-Expose-Headers': 'Date',
    };
    switch (fault) {
      case 'server-error':
        return send(res, 503, { error: 'upstream unavailable' }, headers);
      case 'rate-limited':
        return send(
          res,
          429,
          { error: 'rate limit exceeded' },
          { ...headers, 'Retry-After': String(retryAfterSeconds) },
        );
      case 'unauthorized':
        return send(res, 401, { error: 'not signed in' }, headers);
      case 'forbidden':
        return send(res, 403, { error: 'not your customer id' }, headers);
      case 'not-found':
        return send(res, 404, { error: 'customer not found' }, headers);
      case 'invalid-json':
        res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
        res.end('{"format": "QR_CODE", "content": ');
        return;
      case 'wrong-format':
        return send(res, 200, { ...issue(customerId), format: 'BARCODE' }, headers);
      case 'no-expires': {
        const { format, content } = issue(customerId);
        return send(res, 200, { format, content }, headers);
      }
      case 'slow':
        // Longer than the element's 10 s timeout.
        await new Promise((resolve) => setTimeout(resolve, 12_000));
        if (res.destroyed) return;
        return send(res, 200, issue(customerId), headers);
      case 'drop':
        res.socket?.destroy();
        return;
      default:
        return send(res, 200, issue(customerId), headers);
    }
  }

  return {
    handle,
    /** Resolves when the webhooks on their way have been delivered (or failed). */
    async close() {
      await Promise.allSettled([...sending]);
    },
    /** For tests and the gate: what a scan of `content` answers. */
    scan,
    issue,
  };
}

// The demo's customers, for the front desk's names (GET /v1/customers/{id}).

const CUSTOMER_PATH = /^\/v1\/customers\/([0-9]{1,19})$/;

/** @type {Record<string, { firstName: string, lastName: string }>} */
export const DEMO_CUSTOMERS = {
  1234567: { firstName: 'Anna', lastName: 'Müller' },
  7654321: { firstName: 'Ben', lastName: 'Schulz' },
  2345678: { firstName: 'Carla', lastName: 'Dietrich' },
  3456789: { firstName: 'Deniz', lastName: 'Kaya' },
  4567890: { firstName: 'Emil', lastName: 'Wagner' },
};

/** @param {import('node:http').ServerResponse} res @param {string} customerId */
function answerCustomer(res, customerId) {
  const customer = DEMO_CUSTOMERS[/** @type {keyof typeof DEMO_CUSTOMERS} */ (customerDigits(customerId))];
  if (!customer) return send(res, 404, { error: 'customer not found' });
  return send(res, 200, { id: Number(customerDigits(customerId)), ...customer });
}

/** @param {Record<string, unknown>} body @returns {Partial<MockSettings> | null} */
function validSettings(body) {
  /** @type {Partial<MockSettings>} */
  const patch = {};
  if ('lifetimeSeconds' in body) {
    const value = Number(body.lifetimeSeconds);
    if (!Number.isFinite(value) || value < 1 || value > 3600) return null;
    patch.lifetimeSeconds = value;
  }
  if ('fault' in body) {
    if (!FAULTS.includes(/** @type {string} */ (body.fault))) return null;
    patch.fault = /** @type {Fault} */ (body.fault);
  }
  if ('singleUse' in body) {
    if (typeof body.singleUse !== 'boolean') return null;
    patch.singleUse = body.singleUse;
  }
  if ('retryAfterSeconds' in body) {
    const value = Number(body.retryAfterSeconds);
    if (!Number.isInteger(value) || value < 0 || value > 3600) return null;
    patch.retryAfterSeconds = value;
  }
  return patch;
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<string | null>} the body, or null when too large */
async function readText(req) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** @param {string | null} text @returns {any} the parsed value, or null */
function parseJson(text) {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<any>} the parsed body, or null */
async function readJson(req) {
  return parseJson(await readText(req));
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 * @returns {true}
 */
function send(res, status, body, headers = {}) {
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
  return true;
}
