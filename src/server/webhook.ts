/** Reading and checking Magicline's webhooks: on the raw bytes, before any parsing. */

export const MAX_WEBHOOK_BYTES = 64 * 1024;

/** How long a webhook's body may take to arrive. */
export const WEBHOOK_BODY_TIMEOUT_MS = 10_000;

/**
 * The request body as text, or `'too-large'` past `limit` bytes, counted
 * while reading (a chunked body has no Content-Length to trust), or
 * `'not-utf8'`, or `'timeout'` when it has not all arrived within `timeoutMs`.
 */
export async function readBody(
  request: Request,
  limit = MAX_WEBHOOK_BYTES,
  timeoutMs = WEBHOOK_BODY_TIMEOUT_MS,
): Promise<string | 'too-large' | 'not-utf8' | 'timeout'> {
  const declared = Number(request.headers.get('Content-Length') ?? NaN);
  if (declared > limit) return 'too-large';
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, timeoutMs, 'timeout')));
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === 'timeout') {
        await reader.cancel().catch(() => {});
        return 'timeout';
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return 'too-large';
      }
      chunks.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return 'not-utf8';
  }
}

/** Compares two secrets in time that does not depend on where they differ (SHA-256 of both, then every byte). */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all(
    [given, expected].map((text) => crypto.subtle.digest('SHA-256', encoder.encode(text))),
  );
  const x = new Uint8Array(a!);
  const y = new Uint8Array(b!);
  let difference = 0;
  for (let i = 0; i < x.length; i++) difference |= x[i]! ^ y[i]!;
  return difference === 0;
}

/**
 * The raw digits of the top-level `entityId` of a JSON text that already
 * parsed, never through a JS number: an int64 above 2^53 keeps every digit.
 * Null when there is none, or when it is not a JSON integer (a string, a
 * fraction, an exponent, a sign).
 */
export function entityIdDigits(text: string): string | null {
  for (const { key, valueAt } of topLevelMembers(text)) {
    if (key !== 'entityId') continue;
    const match = /^(\d{1,19})(?![\d.eE])/.exec(text.slice(valueAt, valueAt + 21));
    return match ? match[1]! : null;
  }
  return null;
}

/** Whether a JSON text that already parsed names a key twice at its top level (JSON.parse would keep the last). */
export function hasDuplicateTopLevelKey(text: string): boolean {
  const seen = new Set<string>();
  for (const { key } of topLevelMembers(text)) {
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** The keys of the top-level object of a JSON text that parsed, decoded, each with where its value starts. */
function* topLevelMembers(text: string): Generator<{ key: string; valueAt: number }> {
  let depth = 0;
  let i = 0;
  let expectKey = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 1 && expectKey) {
        let j = end;
        while (/\s/.test(text[j] ?? '')) j++;
        if (text[j] === ':') {
          j++;
          while (/\s/.test(text[j] ?? '')) j++;
          yield { key: JSON.parse(text.slice(i, end)) as string, valueAt: j };
        }
      }
      expectKey = false;
      i = end;
      continue;
    }
    if (c === '{') {
      depth++;
      expectKey = depth === 1;
    } else if (c === '[') {
      depth++;
      expectKey = false;
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',') expectKey = depth === 1;
    i++;
  }
}

/** The index just past the string that starts at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Whether a parsed webhook carries a `CUSTOMER_CHECKIN` event. */
export function isCheckin(body: unknown): boolean {
  const payload = body && typeof body === 'object' ? (body as { payload?: unknown }).payload : undefined;
  return (
    Array.isArray(payload) &&
    payload.some(
      (event) => event && typeof event === 'object' && (event as { type?: unknown }).type === 'CUSTOMER_CHECKIN',
    )
  );
}
