import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { QrmError } from '../../errors.ts';
import { backoffDelay, sleep } from '../../lib/backoff.ts';
import type { Logger } from '../../telemetry/logger.ts';
import { maskPhones } from '../../transforms/normalize/pii.ts';
import { maskPhone } from './mask.ts';
import type { SmsProvider } from './provider.ts';

// SMS through an HTTP gateway (the bureau's SMS platform, or a small adapter in front of a carrier
// API). The wire contract:
//
//   POST <url>   content-type: application/json
//   x-qrm-timestamp: <unix seconds>
//   x-qrm-signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//   body: {"to": "...", "text": "...", "id": "<idempotency key>", "sentAt": "<ISO time>"}
//
// and a 2xx answer {"messageId": "..."} once the gateway has accepted the message. The timestamp is
// signed with the body so a gateway can refuse a replayed request; `id` is the same on every retry so
// it can drop a duplicate.

export type HttpGatewayConfig = {
  url: string;
  secret: string;
  /** Per attempt, covering the response body too. */
  timeoutMs?: number;
  /** Further attempts after the first, for failures a retry can cure. */
  retries?: number;
  /** Base of the exponential backoff between attempts. */
  backoffMs?: number;
};

// Small on purpose: the dispatcher sends one message after another and retries a failed one later
// with its own, longer backoff, so a gateway outage must not hold it for minutes here.
const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_BACKOFF_MS = 500;
const BACKOFF_MAX_MS = 10_000;

const acceptedBody = z.object({ messageId: z.string().min(1) });

type Outcome = { ok: true; providerMessageId: string | undefined } | { ok: false; retryable: boolean; reason: string; cause?: unknown };

function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For the receiving side: whether `header` is the signature of this timestamp and body. */
export function verifySignature(secret: string, timestamp: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signature(secret, timestamp, body));
  const given = Buffer.from(header);
  // timingSafeEqual throws on different lengths; the length of a hex SHA-256 is no secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function buildHttpGateway(config: HttpGatewayConfig, deps: { log: Logger }): SmsProvider {
  if (!/^https?:\/\//i.test(config.url)) throw new QrmError('CONFIG_INVALID', 'config', 'SMS_GATEWAY_URL: expected http://… or https://…');
  if (!config.secret) throw new QrmError('CONFIG_INVALID', 'config', 'SMS_GATEWAY_SECRET: required');
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = config.retries ?? DEFAULT_RETRIES;
  const backoffMs = config.backoffMs ?? DEFAULT_BACKOFF_MS;
  const log = deps.log.child({ component: 'sms' });

  async function attempt(body: string): Promise<Outcome> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    let status: number;
    let answer: string;
    try {
      const res = await fetch(config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-qrm-timestamp': timestamp, 'x-qrm-signature': signature(config.secret, timestamp, body) },
        body,
        // A redirect would turn the POST into a GET elsewhere; it is reported as a rejection instead.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      answer = await res.text();
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `network error: ${cause?.code ?? cause?.message ?? (err as Error).message}`;
      return { ok: false, retryable: true, reason, cause: err };
    }
    if (status >= 200 && status < 300) return { ok: true, providerMessageId: messageIdOf(answer) };
    // 5xx is the gateway's own failure; 408 and 429 ask the client to come back later. Any other 4xx
    // says this request is wrong (bad signature, bad number, text refused) and would be refused again.
    const retryable = status >= 500 || status === 408 || status === 429;
    // Gateways echo the request in error bodies; the number must not reach logs or the outbox.
    return { ok: false, retryable, reason: `HTTP ${status}: ${maskPhones(answer.slice(0, 200))}` };
  }

  return {
    async send(msg) {
      const to = maskPhone(msg.to);
      const body = JSON.stringify({ to: msg.to, text: msg.text, id: msg.idempotencyKey, sentAt: new Date().toISOString() });
      for (let n = 0; ; n++) {
        const outcome = await attempt(body);
        if (outcome.ok) {
          if (!outcome.providerMessageId) log.warn({ to, id: msg.idempotencyKey }, 'SMS gateway accepted the message without a messageId; using the idempotency key');
          return { providerMessageId: outcome.providerMessageId ?? msg.idempotencyKey };
        }
        if (!outcome.retryable) throw new QrmError('SMS_REJECTED', 'notify', `sending SMS to ${to}: ${outcome.reason}`);
        if (n >= retries) throw new QrmError('SMS_UNAVAILABLE', 'notify', `sending SMS to ${to}, ${n + 1} attempts: ${outcome.reason}`, { cause: outcome.cause });
        const delayMs = backoffDelay(n, backoffMs, BACKOFF_MAX_MS);
        log.warn({ to, attempt: n + 1, delayMs, reason: outcome.reason }, 'SMS gateway failed; retrying');
        await sleep(delayMs);
      }
    },
  };
}

function messageIdOf(answer: string): string | undefined {
  try {
    const parsed = acceptedBody.safeParse(JSON.parse(answer));
    return parsed.success ? parsed.data.messageId : undefined;
  } catch {
    return undefined;
  }
}
