import type { Level } from '../score/levels.ts';
import type { RegionLevel } from '../score/pass.ts';
import { channels as channelOrder, type Channel, type Match, type Routes } from './schema.ts';

// Who gets a warning, and how. Routes are tried in file order; a matching route stops the search
// unless it says `continue` (Alertmanager's rule). Pure and synchronous: the alert service calls it
// once per warning event.

export type WarningToRoute = { regionCode: string; productCode: string; level: Level };

export type Delivery = {
  recipientId: string;
  recipient: { name: string; email: string[]; sms: string[] };
  channels: Channel[];
  groupWaitSeconds: number;
  repeatIntervalMinutes: number;
  sendResolved: boolean;
  /** Both null when this level does not escalate or the recipient has no one above it. */
  escalateAfterMinutes: number | null;
  escalateTo: string | null;
  /** The first route that gave this recipient the warning. */
  routeIndex: number;
};

// The contract's region codes: 2 digits province, 4 prefecture, 6 county.
const levelByLength: Record<number, RegionLevel> = { 2: 'province', 4: 'prefecture', 6: 'county' };

export function matches(match: Match, w: WarningToRoute): boolean {
  const regionLevel = levelByLength[w.regionCode.length];
  return (
    (match.regions?.some((prefix) => w.regionCode.startsWith(prefix)) ?? true) &&
    (match.regionLevels === undefined || (regionLevel !== undefined && match.regionLevels.includes(regionLevel))) &&
    (match.products?.includes(w.productCode) ?? true) &&
    (match.levels?.includes(w.level) ?? true)
  );
}

/**
 * One delivery per recipient, in the order routes first reach them. When several routes reach the
 * same recipient, the most urgent settings win (union of channels, shortest waits, sendResolved if
 * any asks), because a second route is added to tell someone more, never less.
 */
export function route(routes: Routes, w: WarningToRoute): Delivery[] {
  const out = new Map<string, Delivery>();
  for (const [routeIndex, r] of routes.routes.entries()) {
    if (!matches(r.match, w)) continue;
    const chans = r.channels[w.level] ?? [];
    for (const recipientId of chans.length ? r.to : []) {
      const { name, email, sms, escalateTo } = routes.recipients[recipientId]!;
      const escalates = escalateTo !== null && r.escalateAfterMinutes !== null && r.escalateLevels.includes(w.level);
      const d: Delivery = {
        recipientId,
        recipient: { name, email: [...email], sms: [...sms] },
        channels: channelOrder.filter((c) => chans.includes(c)),
        groupWaitSeconds: r.groupWaitSeconds,
        repeatIntervalMinutes: r.repeatIntervalMinutes,
        sendResolved: r.sendResolved,
        escalateAfterMinutes: escalates ? r.escalateAfterMinutes : null,
        escalateTo: escalates ? escalateTo : null,
        routeIndex,
      };
      const seen = out.get(recipientId);
      out.set(recipientId, seen ? merge(seen, d) : d);
    }
    if (!r.continue) break;
  }
  return [...out.values()];
}

function merge(a: Delivery, b: Delivery): Delivery {
  const after = [a.escalateAfterMinutes, b.escalateAfterMinutes].filter((m): m is number => m !== null);
  return {
    ...a,
    channels: channelOrder.filter((c) => a.channels.includes(c) || b.channels.includes(c)),
    groupWaitSeconds: Math.min(a.groupWaitSeconds, b.groupWaitSeconds),
    repeatIntervalMinutes: Math.min(a.repeatIntervalMinutes, b.repeatIntervalMinutes),
    sendResolved: a.sendResolved || b.sendResolved,
    escalateAfterMinutes: after.length ? Math.min(...after) : null,
    escalateTo: a.escalateTo ?? b.escalateTo,
  };
}
