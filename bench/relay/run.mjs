// `npm run bench:relay`: what one relay instance carries, measured against the real
// `gym-access-qr-relay` bin on loopback beside a floor (floor.mjs, a bare node:http SSE server) in
// the same run: memory and opening time per stream, idle CPU, webhook → message latency (one
// instance, and two on a real redis-server), and access-code answers. Prints one table, writes the
// raw figures to bench/results/relay-<time>.json. A benchmark, not a test: it never fails on a
// figure, only when it could not run.
//
//   node bench/relay/run.mjs [--quick] [--profile DIR]   (after npm run build; the npm script does both)
//
// --profile DIR also writes heap snapshots of the relay and the floor at the held stream count and
// CPU profiles of the relay (opening streams, holding them idle, serving cached codes) to DIR: the
// profiler slows the relay, so that run's figures are not for comparison.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  cpuSeconds,
  freePort,
  killAll,
  sleep,
  startNode,
  startProgram,
  stop,
  stopAll,
  waitForPort,
} from './processes.mjs';

const here = import.meta.dirname;
const root = resolve(here, '../..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const profileDir = argv.includes('--profile') ? resolve(argv[argv.indexOf('--profile') + 1] ?? 'relay-profile') : null;

/** Stream counts at which memory is read; streams are opened in steps up to each. */
const LEVELS = quick ? [500, 1000] : [1000, 5000, 10000, 19000];
/** Where idle CPU and fan-out latency are measured (and profiles taken). */
const HOLD = quick ? 1000 : 10000;
/** Streams on each of the two Redis instances. */
const REDIS_EACH = quick ? 500 : 5000;
/** Two keep-alive periods (15 s) in a full run, so every design sends the same number of comments. */
const IDLE_MS = quick ? 2000 : 30_000;
const WEBHOOKS = quick ? 40 : 300;
const WEBHOOK_GAP_MS = 10;
const CODE_MS = quick ? 1000 : 8000;
/** Members in the cached-codes and first-call figures; each of the first asks from 3 tabs at once. */
const MEMBERS = 1000;
const TABS = 3;
const STREAM_CLIENTS = 4;
const OPEN_CONCURRENCY = 64;
const REQUEST_CONCURRENCY = 32;
const HARD_TIMEOUT_MS = (quick ? 2 : 12) * 60_000;
/** Customer ids start here (no leading zeros); blocks of a million keep the figures' customers apart. */
const CUSTOMERS = {
  streams: 1_000_000,
  warmUp: 2_000_000,
  oneMember: 3_000_000,
  members: 4_000_000,
  firstCalls: 5_000_000,
};
/** Set high so the member budget, the upstream cap and the stream cap do not shape these figures. */
const LIMITS = {
  UPSTREAM_LIMIT_PER_MINUTE: '1000000',
  MEMBER_UPSTREAM_LIMIT_PER_MINUTE: '1000000',
  MAX_STREAMS: '19500',
};
const SECRET = randomBytes(32).toString('hex');
const WEBHOOK_KEY = randomBytes(16).toString('hex');
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
const PROBE = ['--import', pathToFileURL(join(here, 'probe.mjs')).href];

/** The bin as package.json declares it, so a change of build layout needs no change here. */
const BIN = resolve(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin['gym-access-qr-relay']);
const tmp = mkdtempSync(join(tmpdir(), 'gym-access-qr-relay-bench-'));
const now = () => performance.timeOrigin + performance.now();
const started = performance.now();

const hardStop = setTimeout(() => {
  console.error(`bench:relay: still running after ${HARD_TIMEOUT_MS / 60_000} min, stopping (logs in ${tmp})`);
  killAll();
  process.exit(1);
}, HARD_TIMEOUT_MS);
// A throw outside the awaited chain (in a callback) must not leave the children behind either.
process.on('uncaughtException', (error) => {
  console.error(`bench:relay could not run: ${error?.stack ?? error}\nLogs kept in ${tmp}`);
  killAll();
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

// ---------------------------------------------------------------- servers and clients

function post(port, path, body, headers = {}) {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.setTimeout(10_000, () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

function get(port, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.setTimeout(10_000, () => req.destroy());
    req.on('error', reject);
    req.end();
  });
}

const healthy = (port) =>
  get(port, '/healthz').then(
    ({ status }) => status === 200,
    () => false,
  );

/** A server under test with the probe loaded: the relay's bin or the floor. */
async function startServer(name, script, env = {}) {
  const port = await freePort();
  const child = startNode(script, {
    nodeArgs: PROBE,
    env: { PORT: String(port), ...env },
    logFile: join(tmp, `${name}.log`),
  });
  await waitForPort(port, { child, ready: () => healthy(port) });
  return { name, child, port };
}

function startRelay(name, fakeMagiclinePort, redisUrl = '') {
  return startServer(name, BIN, {
    MAGICLINE_BASE_URL: `http://127.0.0.1:${fakeMagiclinePort}`,
    MAGICLINE_API_KEY: 'bench-api-key',
    MAGICLINE_WEBHOOK_API_KEY: WEBHOOK_KEY,
    MEMBER_TOKEN_SECRET: SECRET,
    REDIS_URL: redisUrl,
    ALLOWED_ORIGINS: '',
    ...LIMITS,
  });
}

/** How the bench opens streams on a server and sends it a check-in. */
function relayTarget(server) {
  return {
    ...server,
    pathOf: '/v1/customers/{id}/events',
    secret: SECRET,
    webhook: (id, body) => post(server.port, '/webhooks/magicline', body, { 'X-API-KEY': WEBHOOK_KEY }),
  };
}

function floorTarget(server) {
  return {
    ...server,
    pathOf: '/streams/{id}',
    secret: '',
    webhook: (id, body) => post(server.port, `/publish/${id}`, body),
  };
}

/** Arrival times of benchmark check-ins by sequence number, on the bench's clock. */
const arrivals = new Map();

/**
 * Source addresses 127.{run}.{block}.{2…}: a new second octet each run, so ports a run before left in
 * TIME_WAIT are never in the way.
 */
const RUN_OCTET = 1 + Math.floor(Math.random() * 250);
const sourceAddress = (block, n) => `127.${RUN_OCTET}.${block}.${n + 2}`;

/** Stream clients, each a process with its own source address. */
async function startStreamClients(name, block, count = STREAM_CLIENTS) {
  const clients = [];
  for (let i = 0; i < count; i++) {
    let offset = 0;
    const client = startNode(join(here, 'stream-client.mjs'), {
      logFile: join(tmp, `${name}-client-${i}.log`),
      onMessage: (message) => {
        if (message.type === 'message' && !arrivals.has(message.seq)) arrivals.set(message.seq, message.at - offset);
      },
    });
    client.localAddress = sourceAddress(block, i);
    // The client's clock against ours, from the quickest of a few round trips.
    let best = Infinity;
    for (let n = 0; n < 20; n++) {
      const sent = now();
      const { at } = await client.call('clock');
      const back = now();
      if (back - sent < best) {
        best = back - sent;
        offset = at - (sent + back) / 2;
      }
    }
    clients.push(client);
  }
  return clients;
}

const ids = (block, from, to) => Array.from({ length: to - from }, (_, i) => String(block + from + i));

/** Opens streams for `customerIds` spread over the clients; the time is until the last one's first event. */
async function openStreams(clients, target, customerIds) {
  const shares = clients.map((_, i) => customerIds.filter((_, n) => n % clients.length === i));
  const begun = performance.now();
  const results = await Promise.all(
    clients.map((client, i) =>
      client.call(
        'open',
        {
          host: '127.0.0.1',
          port: target.port,
          localAddress: client.localAddress,
          pathOf: target.pathOf,
          ids: shares[i],
          secret: target.secret,
          concurrency: OPEN_CONCURRENCY,
        },
        180_000,
      ),
    ),
  );
  const statuses = {};
  for (const result of results)
    for (const [status, count] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  return { ms: performance.now() - begun, statuses, open: results.reduce((sum, result) => sum + result.open, 0) };
}

let sequence = 0;

/**
 * Posts `count` check-ins to each job's target, one after another and taking the jobs in turn (so a
 * busy moment of the machine falls on all alike), each for one of the job's customers, and times
 * each from the POST to its arrival on a stream. Answers one summary per job.
 */
async function fanOut(jobs, count = WEBHOOKS) {
  const sent = jobs.map(() => new Map());
  const webhookStatuses = jobs.map(() => ({}));
  for (let n = 0; n < count; n++) {
    for (const [j, { target, customerIds }] of jobs.entries()) {
      const id = customerIds[(n * 7919) % customerIds.length];
      const seq = ++sequence;
      const body = JSON.stringify({
        entityId: Number(id),
        uuid: `bench-${seq}`,
        payload: [{ timestamp: Date.now(), type: 'CUSTOMER_CHECKIN', content: {} }],
      });
      sent[j].set(seq, now());
      const status = await target.webhook(id, body);
      webhookStatuses[j][status] = (webhookStatuses[j][status] ?? 0) + 1;
      await sleep(WEBHOOK_GAP_MS);
    }
  }
  const waiting = () => sent.some((map) => [...map.keys()].some((seq) => !arrivals.has(seq)));
  for (let waited = 0; waited < 3000 && waiting(); waited += 50) await sleep(50);
  return sent.map((map, j) => {
    const latencies = [...map].filter(([seq]) => arrivals.has(seq)).map(([seq, at]) => arrivals.get(seq) - at);
    return {
      ...summary(latencies),
      sent: count,
      missing: count - latencies.length,
      webhookStatuses: webhookStatuses[j],
      latencies,
    };
  });
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null;
  return { p50: at(50), p99: at(99), max: sorted.at(-1) ?? null };
}

/** CPU of each server over one and the same window, % of one core. */
async function idleCpu(servers) {
  await sleep(1000);
  const before = servers.map((server) => cpuSeconds(server.child.pid, TICKS));
  const begun = performance.now();
  await sleep(IDLE_MS);
  const seconds = (performance.now() - begun) / 1000;
  return servers.map((server, i) => (100 * (cpuSeconds(server.child.pid, TICKS) - before[i])) / seconds);
}

/** Opens a few streams, sends them check-ins and closes them, so the baseline has the code loaded and warm. */
async function warmUp(clients, target, block = CUSTOMERS.warmUp) {
  const warm = ids(block, 0, 40);
  await openStreams(clients, target, warm);
  await fanOut([{ target, customerIds: warm }], 10);
  await Promise.all(clients.map((client) => client.call('close')));
  await sleep(500);
}

// ---------------------------------------------------------------- phases

/**
 * Memory, opening time, idle CPU and fan-out for the floor and the relay side by side: both hold
 * their streams at once, each step is opened on one and then the other, the idle window is the same
 * for both and their check-ins alternate. Each gets its own clients and source addresses.
 */
async function streamPhase(targets, profile) {
  const sides = [];
  for (const [i, target] of targets.entries()) {
    const clients = await startStreamClients(target.name, 1 + i);
    await warmUp(clients, target);
    sides.push({ target, clients, base: await target.child.call('memory'), levels: [], openMs: 0, hold: null });
  }
  const profiled = (side) => profile && side.target.name === 'relay';
  let opened = 0;
  for (const level of LEVELS) {
    for (const side of sides) {
      const { target, clients, base } = side;
      if (profiled(side) && level === HOLD) await target.child.call('startProfile');
      const step = await openStreams(clients, target, ids(CUSTOMERS.streams, opened, level));
      if (profiled(side) && level === HOLD)
        await target.child.call('stopProfile', {
          file: join(profileDir, `${target.name}-open-${opened}-${level}.cpuprofile`),
        });
      side.openMs += step.ms;
      const memory = await target.child.call('memory');
      side.levels.push({
        streams: level,
        open: step.open,
        statuses: step.statuses,
        openMs: side.openMs,
        stepMs: step.ms,
        memory,
        // Per stream actually open: a refused one holds nothing.
        rssPerStream: (memory.rss - base.rss) / Math.max(1, step.open),
        heapPerStream: (memory.heapUsed - base.heapUsed) / Math.max(1, step.open),
      });
      console.log(
        `  ${target.name}: ${step.open} streams open (this step's answers: ${JSON.stringify(step.statuses)}), ` +
          `${(side.openMs / 1000).toFixed(1)} s to open, RSS ${(memory.rss / 2 ** 20).toFixed(0)} MB`,
      );
    }
    opened = level;
    if (level !== HOLD) continue;
    for (const side of sides) if (profiled(side)) await side.target.child.call('startProfile');
    const idle = await idleCpu(sides.map((side) => side.target));
    for (const side of sides)
      if (profiled(side))
        await side.target.child.call('stopProfile', {
          file: join(profileDir, `${side.target.name}-idle-${level}.cpuprofile`),
        });
    const held = ids(CUSTOMERS.streams, 0, level);
    const latencies = await fanOut(sides.map((side) => ({ target: side.target, customerIds: held })));
    for (const [i, side] of sides.entries()) {
      side.hold = { streams: level, idleCpuPercent: idle[i], idleMs: IDLE_MS, latency: latencies[i] };
      console.log(
        `  ${side.target.name}: idle CPU ${idle[i].toFixed(1)} %, fan-out p99 ${latencies[i].p99?.toFixed(1)} ms`,
      );
      if (!profile) continue;
      const file = join(profileDir, `${side.target.name}-${level}.heapsnapshot`);
      await side.target.child.call('heapSnapshot', { file }, 600_000);
      console.log(`  ${side.target.name}: heap snapshot ${file}`);
    }
  }
  const results = {};
  for (const { target, clients, base, levels, hold } of sides) {
    const stats = await Promise.all(clients.map((client) => client.call('stats')));
    await Promise.all(clients.map((client) => client.call('close')));
    await Promise.all(clients.map(stop));
    results[target.name] = { base, levels, hold, endedByServer: stats.reduce((sum, s) => sum + s.ended, 0) };
  }
  return results;
}

/** Two relays on one real redis-server, streams on both; check-ins posted to A for customers whose streams are on B. */
async function redisPhase(fakeMagiclinePort) {
  const dir = join(tmp, 'redis');
  mkdirSync(dir);
  const port = await freePort();
  const redis = startProgram(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    join(tmp, 'redis.log'),
  );
  await waitForPort(port);
  const url = `redis://127.0.0.1:${port}`;
  const a = relayTarget(await startRelay('relay-redis-a', fakeMagiclinePort, url));
  const b = relayTarget(await startRelay('relay-redis-b', fakeMagiclinePort, url));
  const clientsA = await startStreamClients('redis-a', 3, STREAM_CLIENTS / 2);
  const clientsB = await startStreamClients('redis-b', 4, STREAM_CLIENTS / 2);
  await warmUp(clientsA, a);
  await warmUp(clientsB, b, CUSTOMERS.warmUp + 100);
  const onA = await openStreams(clientsA, a, ids(CUSTOMERS.streams, 0, REDIS_EACH));
  const onB = await openStreams(clientsB, b, ids(CUSTOMERS.streams, REDIS_EACH, 2 * REDIS_EACH));
  console.log(`  redis: ${onA.open} streams on A, ${onB.open} on B`);
  const [latency] = await fanOut([{ target: a, customerIds: ids(CUSTOMERS.streams, REDIS_EACH, 2 * REDIS_EACH) }]);
  console.log(`  redis: A → B fan-out p99 ${latency.p99?.toFixed(1)} ms`);
  const clients = [...clientsA, ...clientsB];
  await Promise.all(clients.map((client) => client.call('close')));
  await Promise.all([...clients, a.child, b.child].map(stop));
  await stop(redis);
  return { streamsOnA: onA, streamsOnB: onB, latency };
}

/** Access-code answers: cached for one member and for many, and first calls; the floor is the fake Magicline itself. */
async function codePhase(fake) {
  const relay = await startRelay('relay-codes', fake.port);
  const client = startNode(join(here, 'request-client.mjs'), { logFile: join(tmp, 'request-client.log') });
  const localAddresses = [0, 1, 2, 3].map((n) => sourceAddress(5, n));
  const codes = '/v1/customers/{id}/access-code';
  const run = (port, customerIds, fields) =>
    client.call(
      'run',
      {
        host: '127.0.0.1',
        port,
        localAddresses,
        pathOf: codes,
        ids: customerIds,
        secret: SECRET,
        concurrency: REQUEST_CONCURRENCY,
        ...fields,
      },
      120_000,
    );
  const loop = { durationMs: CODE_MS, maxRequests: 10_000_000 };
  const callsFor = async (customerIds) => {
    const calls = JSON.parse((await get(fake.port, '/_calls')).text);
    return customerIds.reduce((sum, id) => sum + (calls[id] ?? 0), 0) / customerIds.length;
  };

  // The floor just before each figure, so both see the machine alike.
  const floorRun = () => run(fake.port, ['1'], { ...loop, secret: '' });
  // Unmeasured requests first, so the figures below are of a warm relay.
  await run(fake.port, ['1'], { durationMs: quick ? 500 : 1000, maxRequests: 10_000_000, secret: '' });
  await run(relay.port, [String(CUSTOMERS.warmUp)], { durationMs: quick ? 500 : 1000, maxRequests: 10_000_000 });

  const one = [String(CUSTOMERS.oneMember)];
  await run(relay.port, one, {});
  const floorOne = await floorRun();
  const oneMember = await run(relay.port, one, loop);

  const members = ids(CUSTOMERS.members, 0, MEMBERS);
  const tabs = members.flatMap((id) => Array(TABS).fill(id));
  const firstTabs = await run(relay.port, tabs, {});
  const floorMany = await floorRun();
  if (profileDir) await relay.child.call('startProfile');
  const manyMembers = await run(relay.port, members, loop);
  if (profileDir) await relay.child.call('stopProfile', { file: join(profileDir, 'relay-codes-cached.cpuprofile') });
  const callsPerMember = await callsFor(members);

  const firstIds = ids(CUSTOMERS.firstCalls, 0, MEMBERS);
  const floorFirst = await floorRun();
  const firstCalls = await run(relay.port, firstIds, {});
  const callsPerFirst = await callsFor(firstIds);
  await Promise.all([stop(client), stop(relay.child)]);
  return {
    floor: { oneMember: floorOne, manyMembers: floorMany, firstCalls: floorFirst },
    oneMember,
    firstTabs,
    manyMembers,
    callsPerMember,
    firstCalls,
    callsPerFirst,
  };
}

// ---------------------------------------------------------------- table

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value) => (value === null || value === undefined ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const latencyText = (l) => `${ms(l.p50)} / ${ms(l.p99)} / ${ms(l.max)} ms${l.missing ? ` (${l.missing} lost)` : ''}`;
const rate = (r) => `${Math.round(r.perSecond).toLocaleString('en')}/s, p99 ${ms(r.p99)} ms`;
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)} ×` : '—');
const count = (n) => n.toLocaleString('en');

function table({ relay, floor, redis, codes }) {
  const rows = [];
  for (const [i, level] of relay.levels.entries()) {
    const bare = floor.levels[i];
    const short = [level, bare]
      .filter((figures) => figures.open < figures.streams)
      .map((figures) => ` (${figures === level ? 'relay' : 'floor'}: only ${count(figures.open)} open)`)
      .join('');
    rows.push([
      `RSS per stream, ${count(level.streams)} open${short}`,
      kb(level.rssPerStream),
      kb(bare.rssPerStream),
      ratio(level.rssPerStream, bare.rssPerStream),
      level.streams === 19000 ? '≤ 1.5 ×' : '',
    ]);
    rows.push([
      `JS heap per stream, ${count(level.streams)} open`,
      kb(level.heapPerStream),
      kb(bare.heapPerStream),
      ratio(level.heapPerStream, bare.heapPerStream),
      '',
    ]);
    rows.push([
      `time to open ${count(level.streams)}`,
      `${(level.openMs / 1000).toFixed(2)} s`,
      `${(bare.openMs / 1000).toFixed(2)} s`,
      ratio(level.openMs, bare.openMs),
      level.streams === 19000 ? '≤ 1.3 ×' : '',
    ]);
  }
  const { hold } = relay;
  rows.push([
    `idle CPU, ${count(hold.streams)} open, ${IDLE_MS / 1000} s`,
    `${hold.idleCpuPercent.toFixed(1)} % of a core`,
    `${floor.hold.idleCpuPercent.toFixed(1)} %`,
    ratio(hold.idleCpuPercent, floor.hold.idleCpuPercent),
    '≤ 1.5 ×',
  ]);
  rows.push([
    `webhook → message p50 / p99 / max, ${count(hold.streams)} open, one instance`,
    latencyText(hold.latency),
    latencyText(floor.hold.latency),
    ratio(hold.latency.p99, floor.hold.latency.p99) + ' (p99)',
    'p99 ≤ 2 ×',
  ]);
  rows.push([
    `webhook → message, 2 × ${count(REDIS_EACH)} on Redis, posted to A, read on B`,
    latencyText(redis.latency),
    '—',
    '—',
    'p99 ≤ 25 ms',
  ]);
  rows.push([
    `access codes, cache hits, 1 member`,
    rate(codes.oneMember),
    rate(codes.floor.oneMember),
    ratio(codes.oneMember.perSecond, codes.floor.oneMember.perSecond),
    '',
  ]);
  rows.push([
    `access codes, cache hits, ${count(MEMBERS)} members`,
    rate(codes.manyMembers),
    rate(codes.floor.manyMembers),
    ratio(codes.manyMembers.perSecond, codes.floor.manyMembers.perSecond),
    '≥ 8,000/s',
  ]);
  rows.push([
    `access codes, ${count(MEMBERS)} customers' first calls`,
    rate(codes.firstCalls),
    rate(codes.floor.firstCalls),
    ratio(codes.firstCalls.perSecond, codes.floor.firstCalls.perSecond),
    '',
  ]);
  rows.push([
    `upstream calls per member per code lifetime (${count(MEMBERS)} members, ${TABS} tabs at once, then cache hits)`,
    codes.callsPerMember.toFixed(2),
    '—',
    '—',
    '1.00',
  ]);
  rows.push([
    `upstream calls per first call (${count(MEMBERS)} customers)`,
    codes.callsPerFirst.toFixed(2),
    '—',
    '—',
    '1.00',
  ]);
  const head = ['figure', 'relay', 'floor', 'relay ÷ floor', 'goal'];
  return [head, head.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

// ---------------------------------------------------------------- run

let failed = false;
try {
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  console.log(`Relay benchmark${quick ? ' (quick)' : ''}: ${BIN}`);
  const fakePort = await freePort();
  const fakeChild = startNode(join(here, 'fake-magicline.mjs'), {
    env: { PORT: String(fakePort) },
    logFile: join(tmp, 'fake-magicline.log'),
  });
  await waitForPort(fakePort, { child: fakeChild });
  const fake = { port: fakePort };

  console.log('Streams: the floor (bare node:http SSE server) and the relay in memory mode, side by side …');
  const floorServer = floorTarget(await startServer('floor', join(here, 'floor.mjs')));
  const relayServer = relayTarget(await startRelay('relay', fakePort));
  const { floor, relay } = await streamPhase([floorServer, relayServer], Boolean(profileDir));
  await Promise.all([stop(floorServer.child), stop(relayServer.child)]);

  console.log('Two relays on Redis …');
  const redis = await redisPhase(fakePort);

  console.log('Access codes …');
  const codes = await codePhase(fake);

  const seconds = (performance.now() - started) / 1000;
  const results = {
    date: new Date().toISOString(),
    quick,
    profiled: Boolean(profileDir),
    node: process.version,
    commit: gitCommit(),
    durationSeconds: seconds,
    settings: {
      LEVELS,
      HOLD,
      REDIS_EACH,
      IDLE_MS,
      WEBHOOKS,
      WEBHOOK_GAP_MS,
      CODE_MS,
      MEMBERS,
      TABS,
      STREAM_CLIENTS,
      OPEN_CONCURRENCY,
      REQUEST_CONCURRENCY,
      LIMITS,
    },
    floor,
    relay,
    redis,
    codes,
  };
  const dir = join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `relay-${results.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\n${table(results)}\n`);
  const ended = [floor, relay].map((side) => side.endedByServer);
  if (ended.some(Boolean)) console.log(`Streams the server ended while held: floor ${ended[0]}, relay ${ended[1]}.`);
  console.log(
    `Took ${seconds.toFixed(0)} s on ${process.version}${profileDir ? `; profiles in ${profileDir} (the profiler slowed the relay: figures not comparable)` : ''}. Raw figures: ${file}`,
  );
} catch (error) {
  failed = true;
  console.error(`bench:relay could not run: ${error?.stack ?? error}\nLogs kept in ${tmp}`);
} finally {
  await stopAll();
  clearTimeout(hardStop);
  if (!failed) rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  } catch {
    return null;
  }
}
