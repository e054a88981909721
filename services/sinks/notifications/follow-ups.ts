import type { ClickHouse } from '../../clients/clickhouse.ts';
import { chTime, chTimeMs } from '../../transforms/normalize/rows.ts';
import { isSilenced, notificationId, type Intent } from '../../transforms/alerting/intents.ts';
import type { Routes } from '../../transforms/routing/index.ts';
import { acknowledgedWarnings, listSilences, toSilence } from './feedback.ts';
import { eventOf, recordIntents, type OutboxRow } from './outbox.ts';

// Reminders while a warning stays open (every repeat interval of its route) and escalation to the
// bureau above when a level I–II warning is not acknowledged in time. Both are derived from what was
// sent, with ids that encode the reminder number or the escalation target, so each happens once.
//
// Only the notifications about a warning's latest state change count: an earlier one would remind
// or escalate at a level the warning no longer has (a warning de-escalated to III was still
// escalated as level II). Resolved warnings drop out because their latest change is the resolution.
// Escalations are followed up in turn, so an escalation nobody acknowledges climbs the recipients'
// escalateTo chain (county → prefecture → province), as the routes file describes. Acknowledged
// warnings get neither: a reminder says the warning is still unacknowledged. While a silence covers
// a warning, its follow-ups wait; they are not recorded as silenced, so the escalation still
// happens if the warning is open and unacknowledged when the silence ends.

export async function scheduleFollowUps(ch: ClickHouse, routes: Routes, partitions: number[], now = Date.now()): Promise<number> {
  if (partitions.length === 0) return 0;
  const rs = await ch.client.query({
    query: `SELECT * FROM ${ch.database}.notifications
            WHERE status = 'sent' AND channel = 'email' AND kind IN ('immediate', 'escalation') AND event IN ('opened', 'escalated', 'deescalated')
              AND source_partition IN {partitions:Array(UInt32)} AND (repeat_interval_minutes > 0 OR escalate_after_minutes > 0)
              AND (warning_id, evaluated_at) IN (
                SELECT warning_id, max(evaluated_at) FROM ${ch.database}.warnings
                WHERE event IN ('opened', 'escalated', 'deescalated', 'resolved') AND evaluated_at <= {now:DateTime64(3, 'UTC')}
                GROUP BY warning_id)`,
    query_params: { partitions, now: chTime(now) },
    format: 'JSONEachRow',
  });
  const sent = (await rs.json()) as OutboxRow[];
  if (sent.length === 0) return 0;
  const acked = await acknowledgedWarnings(ch, [...new Set(sent.map((r) => r.warning_id))]);
  const silences = (await listSilences(ch, { activeAt: now })).map(toSilence);
  const intents: Intent[] = [];
  for (const r of sent) {
    if (acked.has(r.warning_id) || !r.sent_at) continue;
    const event = eventOf(r);
    if (isSilenced({ ...event, evaluatedAt: new Date(now).toISOString() }, silences)) continue;
    const age = now - chTimeMs(r.sent_at);
    const base = { event, status: 'pending' as const, dueAt: now, repeatIntervalMinutes: 0, escalateAfterMinutes: 0, escalateTo: '', sourcePartition: r.source_partition };
    if (r.repeat_interval_minutes > 0) {
      const reminder = Math.floor(age / (r.repeat_interval_minutes * 60_000));
      if (reminder >= 1) {
        intents.push({ ...base, notificationId: notificationId([r.notification_id, 'repeat', reminder]), recipientId: r.recipient_id, channel: 'email', kind: 'repeat' });
      }
    }
    if (r.escalate_after_minutes > 0 && r.escalate_to && age >= r.escalate_after_minutes * 60_000) {
      const target = routes.recipients[r.escalate_to];
      for (const channel of ['email', 'sms'] as const) {
        if (channel === 'sms' && !target?.sms.length) continue;
        // The email carries the chain on: if the target does not acknowledge either, its own escalateTo is next.
        const next = channel === 'email' && target?.escalateTo ? { escalateAfterMinutes: r.escalate_after_minutes, escalateTo: target.escalateTo } : {};
        intents.push({ ...base, ...next, notificationId: notificationId([r.notification_id, 'escalation', r.escalate_to, channel]), recipientId: r.escalate_to, channel, kind: 'escalation' });
      }
    }
  }
  return recordIntents(ch, intents, now);
}
