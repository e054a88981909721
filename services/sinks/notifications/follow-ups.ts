import type { ClickHouse } from '../../clients/clickhouse.ts';
import { notificationId, type Intent } from '../../transforms/alerting/intents.ts';
import type { Routes } from '../../transforms/routing/index.ts';
import { openWarningsBefore } from '../warnings/store.ts';
import { acknowledgedWarnings } from './feedback.ts';
import { eventOf, recordIntents, type OutboxRow } from './outbox.ts';

// Reminders while a warning stays open (every repeat interval of its route) and escalation to the
// bureau above when a level I–II warning is not acknowledged in time. Both are derived from what was
// sent, with ids that encode the reminder number or the escalation target, so each happens once.

export async function scheduleFollowUps(ch: ClickHouse, routes: Routes, partitions: number[], now = Date.now()): Promise<number> {
  if (partitions.length === 0) return 0;
  const rs = await ch.client.query({
    query: `SELECT * FROM ${ch.database}.notifications
            WHERE status = 'sent' AND channel = 'email' AND kind = 'immediate' AND event IN ('opened', 'escalated')
              AND source_partition IN {partitions:Array(UInt32)} AND (repeat_interval_minutes > 0 OR escalate_after_minutes > 0)`,
    query_params: { partitions },
    format: 'JSONEachRow',
  });
  const sent = (await rs.json()) as OutboxRow[];
  if (sent.length === 0) return 0;
  const open = new Set([...(await openWarningsBefore(ch, new Date(now + 1))).values()].map((w) => w.warningId));
  const acked = await acknowledgedWarnings(ch, [...new Set(sent.map((r) => r.warning_id))]);
  const intents: Intent[] = [];
  for (const r of sent) {
    if (!open.has(r.warning_id) || !r.sent_at) continue;
    const event = eventOf(r);
    const age = now - Date.parse(`${r.sent_at.replace(' ', 'T')}Z`);
    const base = { event, status: 'pending' as const, dueAt: now, repeatIntervalMinutes: 0, escalateAfterMinutes: 0, escalateTo: '', sourcePartition: r.source_partition };
    if (r.repeat_interval_minutes > 0) {
      const reminder = Math.floor(age / (r.repeat_interval_minutes * 60_000));
      if (reminder >= 1) {
        intents.push({ ...base, notificationId: notificationId([r.notification_id, 'repeat', reminder]), recipientId: r.recipient_id, channel: 'email', kind: 'repeat' });
      }
    }
    if (r.escalate_after_minutes > 0 && r.escalate_to && !acked.has(r.warning_id) && age >= r.escalate_after_minutes * 60_000) {
      const target = routes.recipients[r.escalate_to];
      for (const channel of ['email', 'sms'] as const) {
        if (channel === 'sms' && !target?.sms.length) continue;
        intents.push({ ...base, notificationId: notificationId([r.notification_id, 'escalation', r.escalate_to, channel]), recipientId: r.escalate_to, channel, kind: 'escalation' });
      }
    }
  }
  return recordIntents(ch, intents, now);
}

