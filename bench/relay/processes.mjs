// The bench's children: every process it starts is listed here and ended by `stopAll`, whatever happens.
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** The open-file limit for every child: the most these machines allow, enough for 19,000 streams and then some. */
export const OPEN_FILES = 20_000;
const children = new Set();

/**
 * Starts `node [nodeArgs] script` with the raised open-file limit and an IPC channel; its output goes
 * to `logFile`. Returns the child with `call(cmd, fields)`, which resolves with the child's answer.
 */
export function startNode(script, { nodeArgs = [], args = [], env = {}, logFile, onMessage } = {}) {
  const log = openSync(logFile, 'a');
  // exec keeps the pid, so the pid we hold (for /proc and for kill) is node's own.
  const child = spawn(
    'bash',
    ['-c', `ulimit -n ${OPEN_FILES} && exec "$@"`, 'bash', process.execPath, ...nodeArgs, script, ...args],
    { stdio: ['ignore', log, log, 'ipc'], env: { ...process.env, ...env } },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  const pending = new Map();
  let nextId = 0;
  child.on('message', (message) => {
    const waiter = message.id !== undefined && pending.get(message.id);
    if (!waiter) return onMessage?.(message);
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${script}: ${message.error}`));
    else waiter.resolve(message);
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`${script} exited (${code ?? signal}); see ${logFile}`));
    pending.clear();
  });
  child.logFile = logFile;
  child.call = (cmd, fields = {}, timeoutMs = 120_000) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${script}: no answer to ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      child.send({ id, cmd, ...fields });
    });
  return child;
}

/** Starts a program that is not node (redis-server), listed like the others. */
export function startProgram(command, args, logFile) {
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', log, log] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Ends one child: SIGTERM, then SIGKILL if it is still there after 3 s. */
export function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function stopAll() {
  return Promise.all([...children].map(stop));
}

/** Ends every child at once, synchronously: for the hard timeout and for signals. */
export function killAll() {
  for (const child of children) child.kill('SIGKILL');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `port` accepts a connection (and `ready()`, when given, says yes), at most `timeoutMs`. */
export async function waitForPort(port, { timeoutMs = 15_000, child, ready } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${tail(child.logFile)}`);
    const accepts = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (accepts && (!ready || (await ready()))) return;
    if (Date.now() > end) throw new Error(`nothing answered on port ${port} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

/** User and system CPU time of a process so far, in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid, ticksPerSecond) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) in parentheses; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
