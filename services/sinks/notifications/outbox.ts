import type { WarningEventV1 } from '../../../schemas/outputs/warning-event.ts';
import type { ClickHouse } from '../../clients/clickhouse.ts';
import { chTime } from '../../transforms/normalize/rows.ts';
import type { Channel, Intent, Kind } from '../../transforms/alerting/intents.ts';
import { insertRows } from '../clickhouse/insert.ts';

// The notifications outbox in ClickHouse. A notification is recorded (pending) before anything is
// sent and updated (sent / failed) after, so an SMTP or gateway outage delays notifications and
// loses none, and a restart resends nothing that was already sent.

export type OutboxRow = {
  notification_id: string;
  warning_id: string;
  event: string;
  evaluated_at: string;
  product_code: string;
  region_code: string;
  region_level: string;
  level: string;
  recipient_id: string;
  channel: Channel;
  kind: Kind;
  status: 'pending' | 'silenced' | 'sent' | 'failed' | 'rejected';
  attempt: number;
  due_at: string;
  sent_at: string | null;
  provider_message_id: string;
  error: string;
  source_partition: number;
  repeat_interval_minutes: number;
  escalate_after_minutes: number;
  escalate_to: string;
  payload: string;
  updated_at: string;
};

export function intentRow(i: Intent, now: number): OutboxRow {
  const e = i.event;
  return {
    notification_id: i.notificationId,
    warning_id: e.warningId,
    event: e.event,
    evaluated_at: chTime(Date.parse(e.evaluatedAt)),
    product_code: e.productCode,
    region_code: e.regionCode,
    region_level: e.regionLevel,
    level: e.level,
    recipient_id: i.recipientId,
    channel: i.channel,
    kind: i.kind,
    status: i.status,
    attempt: 0,
    due_at: chTime(i.dueAt),
    sent_at: null,
    provider_message_id: '',
    error: '',
    source_partition: i.sourcePartition,
    repeat_interval_minutes: i.repeatIntervalMinutes,
    escalate_after_minutes: i.escalateAfterMinutes,
    escalate_to: i.escalateTo,
    payload: JSON.stringify(e),
    updated_at: chTime(now),
  };
}

/** Records intents that are not in the outbox yet; an existing row (maybe already sent) wins. */
export async function recordIntents(ch: ClickHouse, intents: Intent[], now: number): Promise<number> {
  if (intents.length === 0) return 0;
  const rs = await ch.client.query({
    query: `SELECT notification_id FROM ${ch.database}.notifications WHERE notification_id IN {ids:Array(String)}`,
    query_params: { ids: intents.map((i) => i.notificationId) },
    format: 'JSONEachRow',
  });
  const existing = new Set(((await rs.json()) as { notification_id: string }[]).map((r) => r.notification_id));
  const fresh = [...new Map(intents.filter((i) => !existing.has(i.notificationId)).map((i) => [i.notificationId, i])).values()];
  await insertRows(ch, 'notifications', fresh.map((i) => intentRow(i, now)));
  return fresh.length;
}

/** Due notifications of the given warning partitions ('all' for jobs that cover every partition). */
export async function dueNotifications(ch: ClickHouse, o: { now: number; partitions: number[] | 'all'; channels: Channel[] }): Promise<OutboxRow[]> {
  if (o.partitions !== 'all' && o.partitions.length === 0) return [];
  const rs = await ch.client.query({
    query: `SELECT * FROM ${ch.database}.notifications
            WHERE status IN ('pending', 'failed') AND due_at <= {now:DateTime64(3, 'UTC')}
              AND ({all:Bool} OR source_partition IN {partitions:Array(UInt32)}) AND channel IN {channels:Array(String)}
            ORDER BY recipient_id, channel, due_at, notification_id`,
    query_params: { now: chTime(o.now), all: o.partitions === 'all', partitions: o.partitions === 'all' ? [] : o.partitions, channels: o.channels },
    format: 'JSONEachRow',
  });
  return (await rs.json()) as OutboxRow[];
}

export async function markResult(
  ch: ClickHouse,
  rows: OutboxRow[],
  result: { status: 'sent' | 'failed' | 'rejected'; providerMessageId?: string; error?: string; retryAt?: number },
  now: number,
): Promise<void> {
  const updated = rows.map((r) => ({
    ...r,
    status: result.status,
    attempt: r.attempt + 1,
    sent_at: result.status === 'sent' ? chTime(now) : r.sent_at,
    due_at: result.retryAt ? chTime(result.retryAt) : r.due_at,
    provider_message_id: result.providerMessageId ?? r.provider_message_id,
    error: (result.error ?? '').slice(0, 500),
    updated_at: chTime(now),
  }));
  await insertRows(ch, 'notifications', updated);
  await insertRows(
    ch,
    'notification_attempts',
    updated.map((r) => ({
      notification_id: r.notification_id,
      recipient_id: r.recipient_id,
      channel: r.channel,
      attempt: r.attempt,
      status: r.status,
      provider_message_id: r.provider_message_id,
      error: r.error,
      at: chTime(now),
    })),
  );
}

export const eventOf = (r: OutboxRow): WarningEventV1 => JSON.parse(r.payload) as WarningEventV1;
