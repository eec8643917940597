import { createHmac } from 'node:crypto';
import { safeEqual } from '../auth/credentials.js';

/**
 * Haven signs every webhook body: header `Haven-Signature: t=<unix ms>,v1=<hex>` where
 * v1 = HMAC-SHA256(secret, `${t}.${rawBody}`). A platform recomputes it over the raw body, compares in constant
 * time, and rejects timestamps older than a few minutes to stop replays.
 */
export function signWebhook(secret: string, body: string, timestampMs: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
  return `t=${timestampMs},v1=${v1}`;
}

export function verifyWebhook(
  secret: string,
  body: string,
  header: string | undefined,
  opts: { now: number; toleranceMs?: number },
): { ok: true } | { ok: false; reason: string } {
  if (!header) return { ok: false, reason: 'missing Haven-Signature header' };
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || !parts.v1) return { ok: false, reason: 'malformed Haven-Signature header' };
  if (Math.abs(opts.now - t) > (opts.toleranceMs ?? 5 * 60_000)) return { ok: false, reason: 'signature timestamp outside tolerance' };
  const expected = signWebhook(secret, body, t).split('v1=')[1] ?? '';
  return safeEqual(expected, parts.v1) ? { ok: true } : { ok: false, reason: 'signature does not match' };
}
