import * as z from 'zod/mini';

/** A string of at least one character: z.custom, which the check-in schema needs anyway (docs/performance.md#zod). */
export const filledString = z.custom<string>((value) => typeof value === 'string' && value !== '');

/**
 * `GET /v1/customers/{customerId}/access-code` as the Open API documents it, but for the optional,
 * nullable `expiresAt`, which parseAccessCode checks itself in fewer bytes (docs/performance.md#zod).
 */
const accessCodeSchema = z.object({
  format: z.custom<'QR_CODE'>((value) => value === 'QR_CODE'),
  content: filledString,
});

export interface AccessCode {
  format: 'QR_CODE';
  /** The secret that goes into the QR and nowhere else. */
  content: string;
  /** As sent, for events; `null` when absent. */
  expiresAt: string | null;
  /** `expiresAt` parsed, or `null` when absent. */
  expiresAtMs: number | null;
}

export type ParsedAccessCode = { ok: true; code: AccessCode } | { ok: false; message: string };

/**
 * Validates a decoded JSON body. Messages name fields, never values: the
 * content is a secret.
 */
export function parseAccessCode(body: unknown): ParsedAccessCode {
  const result = accessCodeSchema.safeParse(body);
  const sent = (body as { expiresAt?: unknown } | null)?.expiresAt ?? null;
  const expiresAt = typeof sent === 'string' ? sent : null;
  const fields = result.success ? [] : [...new Set(result.error.issues.map((issue) => issue.path.join('.') || 'body'))];
  if (sent !== expiresAt) fields.push('expiresAt');
  if (!result.success || fields.length) {
    return { ok: false, message: `access code response has an invalid ${fields.join(', ')}` };
  }
  const { format, content } = result.data;
  let expiresAtMs: number | null = null;
  if (expiresAt !== null) {
    expiresAtMs = Date.parse(expiresAt);
    if (Number.isNaN(expiresAtMs))
      return { ok: false, message: 'access code response has an expiresAt that is not a date' };
  }
  return { ok: true, code: { format, content, expiresAt, expiresAtMs } };
}
