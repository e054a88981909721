import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledge } from '../../../services/app/actions.ts';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import { buildEmailSender } from '../../../services/sinks/email/sender.ts';
import { dispatchDue, type DispatchDeps } from '../../../services/sinks/notifications/dispatch.ts';
import { addSilence } from '../../../services/sinks/notifications/feedback.ts';
import { scheduleFollowUps } from '../../../services/sinks/notifications/follow-ups.ts';
import { recordIntents } from '../../../services/sinks/notifications/outbox.ts';
import { buildHttpGateway } from '../../../services/sinks/sms/http-gateway.ts';
import { storeWarningEvents } from '../../../services/sinks/warnings/store.ts';
import { alertMetrics, createRegistry } from '../../../services/telemetry/metrics.ts';
import { intentsFor } from '../../../services/transforms/alerting/intents.ts';
import { parseRoutes, route } from '../../../services/transforms/routing/index.ts';
import type { WarningEvent } from '../../../services/transforms/warnings/state.ts';
import { parseMessage } from '../email/mime.ts';
import { count, openClickHouse, testConfig } from '../../support/app.ts';
import { startSmtp } from '../../support/mail.ts';
import { startSmsGateway } from '../../support/sms-gateway.ts';

// Reminders and escalations, with minutes-long timings and the clock passed in: each warning is
// sent for real (SMTP server, SMS gateway) at t0, then scheduleFollowUps runs at later times. Each
// test uses its own source partition, so the outbox rows of one test are invisible to the others.

const routes = parseRoutes(
  `
version: 1
defaults: { groupWaitSeconds: 0, repeatIntervalMinutes: 10, escalateAfterMinutes: 3, escalateLevels: [I, II] }
recipients:
  county: { name: 新乐市市场监督管理局, email: [county@amr.example.gov.cn], sms: ["+8613800130184"], escalateTo: prefecture }
  prefecture: { name: 石家庄市市场监督管理局, email: [prefecture@amr.example.gov.cn], sms: ["+8613800001301"], escalateTo: province }
  province: { name: 河北省市场监督管理局, email: [province@amr.example.gov.cn] }
routes:
  - match: { regions: ["13"] }
    to: [county]
    channels: { I: [email, sms], II: [email, sms], III: [email], IV: [digest] }
`,
  'follow-ups.yaml',
);

const SECRET = 'gateway-secret-0123456789';
const MIN = 60_000;
const t0 = Date.UTC(2026, 10, 21, 0, 0);
let ch: ClickHouse;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let gateway: Awaited<ReturnType<typeof startSmsGateway>>;
let deps: DispatchDeps;

beforeAll(async () => {
  ch = await openClickHouse(testConfig({}));
  smtp = await startSmtp();
  gateway = await startSmsGateway(SECRET);
  const log = pino({ level: 'silent' });
  deps = {
    ch,
    routes,
    email: buildEmailSender({ smtpUrl: smtp.url, from: 'qrm <qrm@localhost>' }, { log }),
    sms: buildHttpGateway({ url: gateway.url, secret: SECRET }, { log }),
    log,
    metrics: alertMetrics(createRegistry(false)),
    dashboardUrl: 'http://dashboard.example',
    ackInstructions: 'qrm warnings ack',
  };
});

afterAll(async () => {
  await deps?.email?.close();
  await smtp?.down();
  await gateway?.close();
  await ch?.close();
});

// One county per test: a cell has one open warning at a time, and the tests' warnings are all open.
const counties: Record<number, string> = { 1: '130102', 2: '130104', 3: '130105', 4: '130107', 5: '130108', 6: '130109', 7: '130110', 8: '130111', 9: '130121' };

function event(partition: number, o: Partial<WarningEvent> = {}): WarningEvent {
  const at = new Date(t0 - MIN).toISOString();
  return {
    warningId: `W-F-${partition}`,
    event: 'opened',
    evaluatedAt: at,
    productCode: 'waterproof_membrane',
    regionCode: counties[partition]!,
    regionLevel: 'county',
    level: 'II',
    previousLevel: null,
    score: 78,
    openedAt: at,
    evidence: null,
    ...o,
  };
}

/** A warning event as the alert service handles it: stored, routed into the outbox, sent at `at`. */
async function deliver(e: WarningEvent, partition: number, at: number): Promise<void> {
  await storeWarningEvents(ch, [e]);
  const v1 = { schema: 'qrm.risk.warnings/v1' as const, ...e };
  await recordIntents(ch, intentsFor(v1, route(routes, v1), [], at, partition), at);
  await dispatchDue(deps, [partition], at);
}

const followUps = (partition: number, at: number) => scheduleFollowUps(ch, routes, [partition], at);
const rows = (partition: number, kind: string) =>
  ch.client
    .query({
      query: 'SELECT recipient_id, channel, status, level FROM notifications WHERE source_partition = {p:UInt32} AND kind = {kind:String} ORDER BY recipient_id, channel, due_at',
      query_params: { p: partition, kind },
      format: 'JSONEachRow',
    })
    .then((r) => r.json<{ recipient_id: string; channel: string; status: string; level: string }>());
const mailTo = (address: string) => smtp.received.filter((m) => m.to.includes(address)).map((m) => parseMessage(m.raw).headers.subject!);

describe('escalation', () => {
  it('escalates an unacknowledged level II warning to the next bureau once, by email and SMS', async () => {
    await deliver(event(1), 1, t0);
    expect(await rows(1, 'immediate')).toEqual([
      { recipient_id: 'county', channel: 'email', status: 'sent', level: 'II' },
      { recipient_id: 'county', channel: 'sms', status: 'sent', level: 'II' },
    ]);
    expect(await followUps(1, t0 + 2 * MIN)).toBe(0);
    expect(await followUps(1, t0 + 3 * MIN)).toBe(2);
    expect(await followUps(1, t0 + 3 * MIN + 1)).toBe(0);
    expect(await followUps(1, t0 + 5 * MIN)).toBe(0);
    expect(await rows(1, 'escalation')).toEqual([
      { recipient_id: 'prefecture', channel: 'email', status: 'pending', level: 'II' },
      { recipient_id: 'prefecture', channel: 'sms', status: 'pending', level: 'II' },
    ]);
    const smsBefore = gateway.accepted.size;
    await dispatchDue(deps, [1], t0 + 5 * MIN);
    expect(mailTo('prefecture@amr.example.gov.cn')).toEqual([expect.stringMatching(/^【升级提醒】II级预警超时未确认：/)]);
    expect([...gateway.accepted.values()].slice(smsBefore).map((s) => s.to)).toEqual(['+8613800001301']);
    // Sent now; still once.
    expect(await followUps(1, t0 + 6 * MIN)).toBe(0);
    expect((await rows(1, 'escalation')).map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  // Regression: escalation stopped after one step, although recipients name their own escalateTo
  // (and the routes schema rejects cycles in those chains): a county warning nobody acknowledged
  // never reached the provincial bureau.
  it('goes on up the chain when the next bureau does not acknowledge either', async () => {
    await deliver(event(2), 2, t0);
    expect(await followUps(2, t0 + 3 * MIN)).toBe(2);
    await dispatchDue(deps, [2], t0 + 3 * MIN);
    expect(await followUps(2, t0 + 5 * MIN)).toBe(0);
    // The province has no SMS number: email only.
    expect(await followUps(2, t0 + 6 * MIN)).toBe(1);
    expect(await followUps(2, t0 + 7 * MIN)).toBe(0);
    expect((await rows(2, 'escalation')).map((r) => `${r.recipient_id} ${r.channel}`)).toEqual(['prefecture email', 'prefecture sms', 'province email']);
  });

  it('does not escalate an acknowledged warning', async () => {
    await deliver(event(3), 3, t0);
    expect(await acknowledge(ch, undefined, 'unused', 'W-F-3', 'county', '已派员核查')).toMatchObject({ event: 'acknowledged' });
    expect(await followUps(3, t0 + 5 * MIN)).toBe(0);
    expect(await rows(3, 'escalation')).toEqual([]);
  });

  // Regression: follow-ups came from every notification ever sent for a warning, so a warning
  // de-escalated to III was still escalated as "II级预警超时未确认", and one escalated to I got
  // reminders for both levels.
  it('follows the warning’s latest state: no escalation once it falls to III', async () => {
    await deliver(event(6), 6, t0);
    await deliver(event(6, { event: 'deescalated', level: 'III', previousLevel: 'II', score: 58, evaluatedAt: new Date(t0 + MIN / 2).toISOString() }), 6, t0 + MIN);
    expect(await followUps(6, t0 + 5 * MIN)).toBe(0);
    // Reminders continue, counted from the de-escalation notice, at its level.
    expect(await followUps(6, t0 + 11 * MIN)).toBe(1);
    expect(await rows(6, 'repeat')).toEqual([{ recipient_id: 'county', channel: 'email', status: 'pending', level: 'III' }]);
  });

  it('escalates a warning raised to level I once, for level I', async () => {
    await deliver(event(8), 8, t0);
    await deliver(event(8, { event: 'escalated', level: 'I', previousLevel: 'II', score: 90, evaluatedAt: new Date(t0 + MIN / 2).toISOString() }), 8, t0 + MIN);
    expect(await followUps(8, t0 + 3 * MIN)).toBe(0);
    expect(await followUps(8, t0 + 4 * MIN)).toBe(2);
    expect((await rows(8, 'escalation')).map((r) => `${r.recipient_id} ${r.channel} ${r.level}`)).toEqual(['prefecture email I', 'prefecture sms I']);
    expect(await followUps(8, t0 + 11 * MIN)).toBe(1);
    expect(await rows(8, 'repeat')).toEqual([{ recipient_id: 'county', channel: 'email', status: 'pending', level: 'I' }]);
  });
});

describe('reminders', () => {
  it('reminds once per repeat interval while the warning stays open and unacknowledged', async () => {
    await deliver(event(4, { level: 'III', score: 55 }), 4, t0);
    expect(await followUps(4, t0 + 9 * MIN)).toBe(0);
    expect(await followUps(4, t0 + 10 * MIN)).toBe(1);
    expect(await followUps(4, t0 + 11 * MIN)).toBe(0);
    await dispatchDue(deps, [4], t0 + 11 * MIN);
    expect(await followUps(4, t0 + 19 * MIN)).toBe(0);
    expect(await followUps(4, t0 + 20 * MIN)).toBe(1);
    await dispatchDue(deps, [4], t0 + 20 * MIN);
    expect((await rows(4, 'repeat')).map((r) => r.status)).toEqual(['sent', 'sent']);
    // Level III does not escalate.
    expect(await rows(4, 'escalation')).toEqual([]);
    expect(mailTo('county@amr.example.gov.cn').filter((s) => /^【再次提醒】III级预警未确认：.*井陉矿区 防水卷材 风险评分 55$/.test(s))).toHaveLength(2);
  });

  // Regression: reminders went on after an acknowledgement, each saying the warning was still
  // unacknowledged (【再次提醒】…预警未确认).
  it('stops reminding once the warning is acknowledged', async () => {
    await deliver(event(9, { level: 'III', score: 55 }), 9, t0);
    expect(await followUps(9, t0 + 10 * MIN)).toBe(1);
    await acknowledge(ch, undefined, 'unused', 'W-F-9', 'county', '');
    expect(await followUps(9, t0 + 20 * MIN)).toBe(0);
    expect(await followUps(9, t0 + 60 * MIN)).toBe(0);
  });

  it('sends no follow-ups for a resolved warning', async () => {
    await deliver(event(5), 5, t0);
    await deliver(event(5, { event: 'resolved', score: 10, evaluatedAt: new Date(t0 + MIN / 2).toISOString() }), 5, t0 + MIN);
    expect(await rows(5, 'resolved')).toEqual([{ recipient_id: 'county', channel: 'email', status: 'sent', level: 'II' }]);
    expect(await followUps(5, t0 + 30 * MIN)).toBe(0);
    expect(await rows(5, 'escalation')).toEqual([]);
    expect(await rows(5, 'repeat')).toEqual([]);
  });
});

describe('silences', () => {
  // Regression: silences were checked only when a warning event arrived, so a bureau that silenced
  // a product still got reminders, and its superior escalations, for the whole silence.
  it('hold follow-ups back while a silence covers the warning, and let them through after it', async () => {
    await deliver(event(7, { productCode: 'coating' }), 7, t0);
    await addSilence(ch, { productCode: 'coating', regionPrefix: '13', startsAt: t0 + MIN, endsAt: t0 + 20 * MIN, author: 'county', reason: '已在处置' }, t0 + MIN);
    expect(await followUps(7, t0 + 10 * MIN)).toBe(0);
    expect(await followUps(7, t0 + 19 * MIN)).toBe(0);
    // Once the silence ends: the escalation that was held back, and the reminder now due.
    expect(await followUps(7, t0 + 21 * MIN)).toBe(3);
    expect((await rows(7, 'escalation')).map((r) => `${r.recipient_id} ${r.channel}`)).toEqual(['prefecture email', 'prefecture sms']);
    expect(await rows(7, 'repeat')).toHaveLength(1);
  });
});

describe('partitions', () => {
  it('schedules only for the partitions it is given', async () => {
    expect(await followUps(99, t0 + 60 * MIN)).toBe(0);
    expect(await scheduleFollowUps(ch, routes, [], t0 + 60 * MIN)).toBe(0);
    expect(await count(ch, 'SELECT count() FROM notifications WHERE source_partition = 99')).toBe(0);
  });
});
