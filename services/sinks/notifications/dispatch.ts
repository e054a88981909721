import type { Logger } from 'pino';
import type { ClickHouse } from '../../clients/clickhouse.ts';
import { isRetryable } from '../../errors.ts';
import { backoffDelay } from '../../lib/backoff.ts';
import type { AlertMetrics } from '../../telemetry/metrics.ts';
import type { Kind } from '../../transforms/alerting/intents.ts';
import type { Routes } from '../../transforms/routing/index.ts';
import { renderEmail } from '../email/render.ts';
import type { EmailSender } from '../email/sender.ts';
import type { SmsProvider } from '../sms/provider.ts';
import { renderSms } from '../sms/render.ts';
import { dueNotifications, eventOf, markResult, type OutboxRow } from './outbox.ts';

// Sends what is due in the outbox: one email per recipient and kind for everything that arrived
// within the group wait, one SMS per warning and phone. Retryable failures are retried with backoff
// (an outage delays, loses nothing); permanent ones are marked rejected and counted.

export type DispatchDeps = {
  ch: ClickHouse;
  routes: Routes;
  email?: EmailSender;
  sms?: SmsProvider;
  log: Logger;
  metrics: AlertMetrics;
  dashboardUrl: string;
  ackInstructions: string;
};

const RETRY_BASE_MS = 15_000;
const RETRY_MAX_MS = 15 * 60_000;

export function dashboardLink(base: string, e: { productCode: string; regionCode: string; regionLevel: string }): string {
  const q = new URLSearchParams({ 'var-product': e.productCode, 'var-region': e.regionCode, 'var-level': e.regionLevel });
  return `${base}/d/qrm-cell/qrm-cell?${q}`;
}

/** A short code a bureau can quote when acknowledging by phone or SMS reply. */
export const ackCode = (notificationId: string) => notificationId.slice(0, 6).toUpperCase();

export async function dispatchDue(deps: DispatchDeps, partitions: number[], now = Date.now()): Promise<number> {
  const rows = await dueNotifications(deps.ch, { now, partitions, channels: ['email', 'sms'] });
  let messages = 0;
  const groups = new Map<string, OutboxRow[]>();
  for (const r of rows) {
    const key = r.channel === 'email' ? `email|${r.recipient_id}|${r.kind}` : `sms|${r.notification_id}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const group of groups.values()) {
    messages += await (group[0]!.channel === 'email' ? sendEmail(deps, group, now) : sendSms(deps, group[0]!, now));
  }
  return messages;
}

/** Digest: every pending digest item per recipient, of every partition, in one email. */
export async function dispatchDigests(deps: DispatchDeps, now = Date.now()): Promise<number> {
  const rows = await dueNotifications(deps.ch, { now, partitions: 'all', channels: ['digest'] });
  const byRecipient = new Map<string, OutboxRow[]>();
  for (const r of rows) byRecipient.set(r.recipient_id, [...(byRecipient.get(r.recipient_id) ?? []), r]);
  let messages = 0;
  for (const group of byRecipient.values()) messages += await sendEmail(deps, group, now, 'digest');
  return messages;
}

async function sendEmail(deps: DispatchDeps, rows: OutboxRow[], now: number, kindOverride?: Kind): Promise<number> {
  const first = rows[0]!;
  const recipient = deps.routes.recipients[first.recipient_id];
  if (!deps.email || !recipient || recipient.email.length === 0) {
    return fail(deps, rows, now, { retryable: false, error: !deps.email ? 'no SMTP_URL configured' : `recipient ${first.recipient_id} has no email address` });
  }
  const kind = kindOverride ?? (first.kind as Kind);
  const content = renderEmail({
    kind: kind === 'digest' ? 'digest' : kind,
    recipientName: recipient.name,
    items: rows.map((r) => {
      const event = eventOf(r);
      return { event, dashboardUrl: dashboardLink(deps.dashboardUrl, event) };
    }),
    ackInstructions: deps.ackInstructions,
  });
  try {
    const { messageId } = await deps.email.send({
      to: recipient.email,
      ...content,
      headers: { 'X-QRM-Notifications': rows.map((r) => r.notification_id).join(' ') },
    });
    await markResult(deps.ch, rows, { status: 'sent', providerMessageId: messageId }, now);
    deps.metrics.notifications.inc({ channel: 'email', status: 'sent' }, rows.length);
    deps.metrics.messages.inc({ channel: 'email' });
    deps.log.info({ recipient: first.recipient_id, kind, notifications: rows.length, messageId }, 'email sent');
    return 1;
  } catch (err) {
    return fail(deps, rows, now, { retryable: isRetryable(err), error: (err as Error).message });
  }
}

async function sendSms(deps: DispatchDeps, row: OutboxRow, now: number): Promise<number> {
  const recipient = deps.routes.recipients[row.recipient_id];
  if (!deps.sms || !recipient || recipient.sms.length === 0) {
    return fail(deps, [row], now, { retryable: false, error: !deps.sms ? 'no SMS_GATEWAY_URL configured' : `recipient ${row.recipient_id} has no SMS number` });
  }
  const text = renderSms(eventOf(row), ackCode(row.notification_id));
  try {
    const ids: string[] = [];
    // The idempotency key lets the gateway drop a resend of a message it already accepted.
    for (const [i, to] of recipient.sms.entries()) ids.push((await deps.sms.send({ to, text, idempotencyKey: `${row.notification_id}-${i}` })).providerMessageId);
    await markResult(deps.ch, [row], { status: 'sent', providerMessageId: ids.join(' ') }, now);
    deps.metrics.notifications.inc({ channel: 'sms', status: 'sent' });
    deps.metrics.messages.inc({ channel: 'sms' }, ids.length);
    deps.log.info({ recipient: row.recipient_id, warningId: row.warning_id, messages: ids.length }, 'sms sent');
    return ids.length;
  } catch (err) {
    return fail(deps, [row], now, { retryable: isRetryable(err), error: (err as Error).message });
  }
}

async function fail(deps: DispatchDeps, rows: OutboxRow[], now: number, o: { retryable: boolean; error: string }): Promise<number> {
  const first = rows[0]!;
  if (o.retryable) {
    const retryAt = now + backoffDelay(first.attempt, RETRY_BASE_MS, RETRY_MAX_MS);
    await markResult(deps.ch, rows, { status: 'failed', error: o.error, retryAt }, now);
    deps.metrics.notifications.inc({ channel: first.channel, status: 'failed' }, rows.length);
    deps.log.warn({ recipient: first.recipient_id, channel: first.channel, attempt: first.attempt + 1, retryAt: new Date(retryAt).toISOString(), err: o.error }, 'delivery failed; will retry');
  } else {
    await markResult(deps.ch, rows, { status: 'rejected', error: o.error }, now);
    deps.metrics.notifications.inc({ channel: first.channel, status: 'rejected' }, rows.length);
    deps.log.error({ recipient: first.recipient_id, channel: first.channel, err: o.error }, 'delivery rejected; not retried');
  }
  return 0;
}
