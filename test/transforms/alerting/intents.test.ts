import { describe, expect, it } from 'vitest';
import { intentsFor, isSilenced, type Silence } from '../../../services/transforms/alerting/intents.ts';
import { exampleRoutesFile, loadRoutes, route } from '../../../services/transforms/routing/index.ts';
import { warningEvent } from '../../sinks/email/events.ts';

// From a warning state change and its routing to outbox intents, with the example routes: which
// channels and kinds, silences, and ids that are the same however often the event is consumed.

const routes = loadRoutes(exampleRoutesFile);
const T = Date.parse('2026-11-21T08:00:00.000Z');
const HOUR = 3_600_000;

const silence = (s: Partial<Silence>): Silence => ({ silenceId: 'S-test', productCode: '', regionPrefix: '', startsAt: T - HOUR, endsAt: T + HOUR, ...s });
const intents = (patch: Parameters<typeof warningEvent>[0] = {}, silences: Silence[] = []) => {
  const e = warningEvent(patch);
  return intentsFor(e, route(routes, e), silences, T, 3);
};
const summary = (xs: ReturnType<typeof intents>) => xs.map((i) => `${i.recipientId} ${i.channel} ${i.kind} ${i.status}`);

describe('isSilenced', () => {
  const e = { productCode: 'waterproof_membrane', regionCode: '130184', evaluatedAt: new Date(T).toISOString() };

  it('matches by region prefix, by product, or both', () => {
    expect(isSilenced(e, [silence({ regionPrefix: '13' })])).toBe(true);
    expect(isSilenced(e, [silence({ regionPrefix: '130184' })])).toBe(true);
    expect(isSilenced(e, [silence({ productCode: 'waterproof_membrane' })])).toBe(true);
    expect(isSilenced(e, [silence({ productCode: 'waterproof_membrane', regionPrefix: '1301' })])).toBe(true);
    expect(isSilenced(e, [silence({ productCode: 'coating', regionPrefix: '1301' })])).toBe(false);
    expect(isSilenced(e, [silence({ regionPrefix: '44' })])).toBe(false);
  });

  it('holds from its start up to, not including, its end', () => {
    expect(isSilenced(e, [silence({ regionPrefix: '13', startsAt: T, endsAt: T + 1 })])).toBe(true);
    expect(isSilenced(e, [silence({ regionPrefix: '13', startsAt: T + 1, endsAt: T + HOUR })])).toBe(false);
    expect(isSilenced(e, [silence({ regionPrefix: '13', startsAt: T - HOUR, endsAt: T })])).toBe(false);
  });
});

describe('intentsFor', () => {
  it('opens a level II warning by email and SMS to the bureau and the centre, escalating only from the bureau', () => {
    const xs = intents();
    expect(summary(xs)).toEqual(['xinle-bureau email immediate pending', 'xinle-bureau sms immediate pending', 'risk-centre email immediate pending', 'risk-centre sms immediate pending']);
    const bureauEmail = xs[0]!;
    expect(bureauEmail).toMatchObject({ repeatIntervalMinutes: 1440, escalateAfterMinutes: 120, escalateTo: 'shijiazhuang-bureau', sourcePartition: 3, dueAt: T + 30_000 });
    expect(xs[2]).toMatchObject({ escalateAfterMinutes: 0, escalateTo: '', dueAt: T + 60_000 });
  });

  it('gives the same ids for the same event, and distinct ids per recipient, channel and state change', () => {
    const ids = intents().map((i) => i.notificationId);
    expect(intents().map((i) => i.notificationId)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const escalated = intents({ event: 'escalated', level: 'I', previousLevel: 'II', evaluatedAt: new Date(T + HOUR).toISOString() }).map((i) => i.notificationId);
    expect(escalated.filter((id) => ids.includes(id))).toEqual([]);
  });

  it('marks every intent silenced when a silence covers the warning, and none when it does not', () => {
    expect(intents({}, [silence({ regionPrefix: '130184' })]).every((i) => i.status === 'silenced')).toBe(true);
    expect(intents({}, [silence({ regionPrefix: '130637' })]).every((i) => i.status === 'pending')).toBe(true);
  });

  it('sends level IV to the digest only, with neither repeats nor escalation', () => {
    const xs = intents({ level: 'IV', score: 35 });
    expect(summary(xs)).toEqual(['xinle-bureau digest digest pending', 'risk-centre digest digest pending']);
    for (const i of xs) expect(i).toMatchObject({ repeatIntervalMinutes: 0, escalateAfterMinutes: 0 });
  });

  it('does not escalate level III', () => {
    for (const i of intents({ level: 'III', score: 55 })) expect(i.escalateAfterMinutes).toBe(0);
  });

  it('tells of a de-escalation by email only, and of a resolution as a resolved email', () => {
    expect(summary(intents({ event: 'deescalated', level: 'III', previousLevel: 'II' }))).toEqual(['xinle-bureau email immediate pending', 'risk-centre email immediate pending']);
    expect(summary(intents({ event: 'resolved', evidence: null }))).toEqual(['xinle-bureau email resolved pending', 'risk-centre email resolved pending']);
  });

  it('asks for nothing on an acknowledgement', () => {
    expect(intents({ event: 'acknowledged' })).toEqual([]);
  });
});
