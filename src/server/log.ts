import { writeSync } from 'node:fs';
/** Where the relay writes its lines. Never handed a code's content, an API key or a token. */
export interface RelayLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * One JSON object a line on stdout (info) and stderr (warn, error). Lines are
 * gathered and written once per turn of the event loop: a relay serving
 * thousands of code requests a second spent a tenth of its time in one
 * synchronous console write per request. Whatever is still gathered when the
 * process exits is written before it goes.
 */
export const jsonLogger: RelayLogger = {
  info: (message, fields) => gather(1, 'info', message, fields),
  warn: (message, fields) => gather(2, 'warn', message, fields),
  error: (message, fields) => gather(2, 'error', message, fields),
};

const gathered: Record<1 | 2, string[]> = { 1: [], 2: [] };
let flushing = false;

function gather(fd: 1 | 2, level: string, message: string, fields?: Record<string, unknown>) {
  gathered[fd].push(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
  if (flushing) return;
  flushing = true;
  setImmediate(flush);
}

function flush() {
  flushing = false;
  for (const fd of [1, 2] as const) {
    if (!gathered[fd].length) continue;
    const text = gathered[fd].join('');
    gathered[fd] = [];
    (fd === 1 ? process.stdout : process.stderr).write(text);
  }
}

process.once('exit', () => {
  for (const fd of [1, 2] as const) if (gathered[fd].length) writeSync(fd, gathered[fd].join(''));
});

/** For tests and embedders that log elsewhere. */
export const silentLogger: RelayLogger = { info() {}, warn() {}, error() {} };

/** An error's message, without a stack: enough for an operator, nothing from a request, no URL's user-info. */
export function describeError(error: unknown): string {
  return withoutUserInfo(error instanceof Error ? error.message : String(error));
}

/** `text` with the user-info of every URL in it (`https://user:password@host`) blanked out. */
export function withoutUserInfo(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, '$1***@');
}

/** A logger that adds `fields` to every line. */
export function withFields(logger: RelayLogger, fields: Record<string, unknown>): RelayLogger {
  if (!Object.keys(fields).length) return logger;
  return {
    info: (message, more) => logger.info(message, { ...fields, ...more }),
    warn: (message, more) => logger.warn(message, { ...fields, ...more }),
    error: (message, more) => logger.error(message, { ...fields, ...more }),
  };
}
