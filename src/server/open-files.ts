/**
 * The process's open-file limit, read without a native addon: every stream
 * holds a socket, and the relay keeps a tenth of the limit for webhooks,
 * health checks and upstream calls.
 */

/** Assumed when the limit cannot be read (the common soft limit). */
const FALLBACK_LIMIT = 1024;
/** An unlimited process still has to stop somewhere. */
const UNLIMITED = 1_000_000;

/** 90 % of the open-file soft limit: the default cap on event streams. */
export function defaultMaxStreams(): number {
  return Math.max(1, Math.floor(openFileLimit() * 0.9));
}

/** The soft limit on open files: Linux's /proc/self/limits, else the shell's `ulimit -n`, else 1024. */
export function openFileLimit(): number {
  const builtin = globalThis.process?.getBuiltinModule;
  try {
    const fs = builtin?.('node:fs') as typeof import('node:fs') | undefined;
    const limit = fs && parseOpenFileLimit(fs.readFileSync('/proc/self/limits', 'utf8'));
    if (limit) return limit;
  } catch {
    // Not Linux: ask the shell below.
  }
  try {
    const child = builtin?.('node:child_process') as typeof import('node:child_process') | undefined;
    const text = child?.spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 }).stdout.trim();
    if (text === 'unlimited') return UNLIMITED;
    if (text && /^\d+$/.test(text)) return Number(text);
  } catch {
    // No shell either.
  }
  return FALLBACK_LIMIT;
}

/** The soft limit from the text of /proc/<pid>/limits, or null. */
export function parseOpenFileLimit(limits: string): number | null {
  const match = /^Max open files\s+(\S+)/m.exec(limits);
  if (!match) return null;
  if (match[1] === 'unlimited') return UNLIMITED;
  return /^\d+$/.test(match[1]!) ? Number(match[1]) : null;
}
