import { createHash } from 'node:crypto';
import type { WarningEventV1 } from '../../../schemas/outputs/warning-event.ts';
import type { Delivery } from '../routing/index.ts';

// From one warning state change and its routing to the notifications it asks for. Pure. Each
// notification's id is a hash of what it is about (warning, state change, recipient, channel, kind),
// so the same event consumed twice, by a restarted or a second replica, maps onto the same outbox row.

export type Channel = 'email' | 'sms' | 'digest';
export type Kind = 'immediate' | 'resolved' | 'repeat' | 'escalation' | 'digest';

export type Silence = { silenceId: string; productCode: string; regionPrefix: string; startsAt: number; endsAt: number };

export type Intent = {
  notificationId: string;
  event: WarningEventV1;
  recipientId: string;
  channel: Channel;
  kind: Kind;
  status: 'pending' | 'silenced';
  dueAt: number;
  repeatIntervalMinutes: number;
  escalateAfterMinutes: number;
  escalateTo: string;
  sourcePartition: number;
};

export function notificationId(parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32);
}

export function isSilenced(e: Pick<WarningEventV1, 'productCode' | 'regionCode' | 'evaluatedAt'>, silences: readonly Silence[]): boolean {
  const t = Date.parse(e.evaluatedAt);
  return silences.some(
    (s) => s.startsAt <= t && t < s.endsAt && (s.productCode === '' || s.productCode === e.productCode) && (s.regionPrefix === '' || e.regionCode.startsWith(s.regionPrefix)),
  );
}

export function intentsFor(e: WarningEventV1, deliveries: readonly Delivery[], silences: readonly Silence[], now: number, sourcePartition: number): Intent[] {
  const silenced = isSilenced(e, silences);
  const out: Intent[] = [];
  for (const d of deliveries) {
    for (const [channel, kind] of channelsFor(e, d)) {
      out.push({
        notificationId: notificationId([e.warningId, e.event, e.evaluatedAt, d.recipientId, channel, kind]),
        event: e,
        recipientId: d.recipientId,
        channel,
        kind,
        status: silenced ? 'silenced' : 'pending',
        dueAt: now + d.groupWaitSeconds * 1000,
        repeatIntervalMinutes: kind === 'immediate' ? d.repeatIntervalMinutes : 0,
        escalateAfterMinutes: kind === 'immediate' && (e.level === 'I' || e.level === 'II') ? (d.escalateAfterMinutes ?? 0) : 0,
        escalateTo: d.escalateTo ?? '',
        sourcePartition,
      });
    }
  }
  return out;
}

/**
 * Openings and escalations go out on every channel the route gives the level. A de-escalation is
 * news worth an email but not an SMS at night; a resolution only where the route asks for it.
 */
function channelsFor(e: WarningEventV1, d: Delivery): [Channel, Kind][] {
  const has = (c: Channel) => d.channels.includes(c);
  switch (e.event) {
    case 'opened':
    case 'escalated':
      return d.channels.map((c): [Channel, Kind] => [c, c === 'digest' ? 'digest' : 'immediate']);
    case 'deescalated':
      return has('email') ? [['email', 'immediate']] : has('digest') ? [['digest', 'digest']] : [];
    case 'resolved':
      if (!d.sendResolved) return [];
      return has('email') ? [['email', 'resolved']] : has('digest') ? [['digest', 'digest']] : [];
    case 'acknowledged':
      return [];
  }
}
