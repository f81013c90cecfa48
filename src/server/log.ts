/** Where the relay writes its lines. Never handed a code's content, an API key or a token. */
export interface RelayLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON object a line on stdout (info) and stderr (warn, error). */
export const jsonLogger: RelayLogger = {
  info: (message, fields) =>
    console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', message, ...fields })),
  warn: (message, fields) =>
    console.error(JSON.stringify({ time: new Date().toISOString(), level: 'warn', message, ...fields })),
  error: (message, fields) =>
    console.error(JSON.stringify({ time: new Date().toISOString(), level: 'error', message, ...fields })),
};

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
