import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The headers a delivery may carry its signature in: Loom's own, and GitHub's (same format). */
export const SIGNATURE_HEADERS = ['x-loom-signature', 'x-hub-signature-256'] as const;

/**
 * `sha256=<hex>`: the HMAC-SHA256 of the body under the hook's secret, as GitHub signs its deliveries
 * (`X-Hub-Signature-256`) and as a delivery to a Loom hook must be signed.
 *
 * @example
 * fetch(url, { method: 'POST', headers: { 'x-loom-signature': signBody(secret, body), 'content-type': 'application/json' }, body });
 */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether `header` is the body's signature under `secret`, compared in constant time. */
export function signatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  const match = header === undefined ? null : /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  const expected = createHmac('sha256', secret).update(body).digest();
  // A missing or malformed header is compared too (against zeros), so it takes as long as a wrong one.
  const given = match?.[1] === undefined ? Buffer.alloc(expected.length) : Buffer.from(match[1], 'hex');
  return timingSafeEqual(given, expected) && match !== null;
}

/** A new webhook secret: 32 random bytes, base64url (43 characters). */
export function newWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}
