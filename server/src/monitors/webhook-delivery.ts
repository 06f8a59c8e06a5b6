import { createHmac, randomUUID } from 'node:crypto';

/** `sha256=<hex>`: the HMAC-SHA256 of the body under the secret, as GitHub signs its webhooks. */
export function signatureOf(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookDelivery {
  ok: boolean;
  /** The last answer's HTTP status, when there was one. */
  status?: number;
  /** Why it failed, after its last try. */
  message?: string;
  attempts: number;
  deliveryId: string;
}

export interface WebhookDeliveryOptions {
  /** Tries before giving up; a 4xx answer other than 408 and 429 is not tried again. @default 3 */
  attempts?: number;
  /** Per try. @default 10_000 */
  timeoutMs?: number;
  /** Before the second try, doubled after each. @default 500 */
  backoffMs?: number;
}

/**
 * POSTs `payload` as JSON to `url`, signed with `X-Loom-Signature: sha256=…` (the HMAC-SHA256 of the
 * exact body bytes), with `X-Loom-Event` and a `X-Loom-Delivery` id that stays the same across retries
 * so a receiver can drop duplicates. Never throws: the result says what happened.
 */
export async function deliverWebhook(
  url: string,
  secret: string,
  event: string,
  payload: unknown,
  options: WebhookDeliveryOptions = {},
): Promise<WebhookDelivery> {
  const body = JSON.stringify(payload);
  const deliveryId = randomUUID();
  const attempts = options.attempts ?? 3;
  let backoff = options.backoffMs ?? 500;
  let last: WebhookDelivery = { ok: false, attempts: 0, deliveryId, message: 'not tried' };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Loom-Webhook',
          'x-loom-event': event,
          'x-loom-delivery': deliveryId,
          'x-loom-signature': signatureOf(secret, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.body?.cancel();
      if (response.ok) return { ok: true, status: response.status, attempts: attempt, deliveryId };
      last = {
        ok: false,
        status: response.status,
        attempts: attempt,
        deliveryId,
        message: `answered ${response.status}`,
      };
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      if (!retryable) return last;
    } catch (cause) {
      const error = cause as Error & { cause?: { code?: string } };
      const reason = error.name === 'TimeoutError' ? 'timed out' : (error.cause?.code ?? error.message);
      last = { ok: false, attempts: attempt, deliveryId, message: `could not reach ${url}: ${reason}` };
    }
    if (attempt < attempts) {
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff *= 2;
    }
  }
  return last;
}
