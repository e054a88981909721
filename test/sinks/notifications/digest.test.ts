import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import { buildEmailSender } from '../../../services/sinks/email/sender.ts';
import { dispatchDigests, dispatchDue, type DispatchDeps } from '../../../services/sinks/notifications/dispatch.ts';
import { recordIntents } from '../../../services/sinks/notifications/outbox.ts';
import { alertMetrics, createRegistry } from '../../../services/telemetry/metrics.ts';
import { intentsFor } from '../../../services/transforms/alerting/intents.ts';
import { exampleRoutesFile, parseRoutes, route } from '../../../services/transforms/routing/index.ts';
import { parseMessage } from '../email/mime.ts';
import { warningEvent } from '../email/events.ts';
import { count, openClickHouse, testConfig } from '../../support/app.ts';
import { startSmtp } from '../../support/mail.ts';

// The daily digest with the example routes: level IV warnings wait in the outbox past their group
// wait (the dispatcher does not send them), then one digest email per recipient lists them all,
// whatever partition recorded them, and a second run finds nothing left to send.

const routes = parseRoutes(readFileSync(exampleRoutesFile, 'utf8').replace(/groupWaitSeconds: \d+/g, 'groupWaitSeconds: 1'), 'routes.example.yaml');
const t0 = Date.UTC(2026, 10, 21, 0, 0);
let ch: ClickHouse;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let deps: DispatchDeps;

beforeAll(async () => {
  ch = await openClickHouse(testConfig({}));
  smtp = await startSmtp();
  const log = pino({ level: 'silent' });
  deps = {
    ch,
    routes,
    email: buildEmailSender({ smtpUrl: smtp.url, from: 'qrm <qrm@localhost>' }, { log }),
    log,
    metrics: alertMetrics(createRegistry(false)),
    dashboardUrl: 'http://dashboard.example',
    ackInstructions: 'qrm warnings ack',
  };
});

afterAll(async () => {
  await deps?.email?.close();
  await smtp?.down();
  await ch?.close();
});

const subjects = (address: string) => smtp.received.filter((m) => m.to.includes(address)).map((m) => parseMessage(m.raw).headers.subject!);

describe('digest', () => {
  it('holds level IV back from the dispatcher, then sends one digest per recipient listing every item, once', async () => {
    const events = [
      warningEvent({ warningId: 'W-D-1', level: 'IV', score: 35 }),
      warningEvent({ warningId: 'W-D-2', productCode: 'coating', level: 'IV', score: 32 }),
      // Level III in the same pass goes out at once, not in the digest.
      warningEvent({ warningId: 'W-D-3', productCode: 'coating', regionCode: '130637', level: 'III', score: 55 }),
    ];
    // Different partitions: the digest job covers them all.
    for (const [i, e] of events.entries()) await recordIntents(ch, intentsFor(e, route(routes, e), [], t0, i), t0);
    expect(await count(ch, "SELECT count() FROM notifications WHERE channel = 'digest' AND status = 'pending'")).toBe(4);

    expect(await dispatchDue(deps, [0, 1, 2], t0 + 120_000)).toBe(2);
    expect(smtp.received.flatMap((m) => m.to).sort()).toEqual(['boye@amr.example.gov.cn', 'risk-centre@example.gov.cn']);
    expect(await count(ch, "SELECT count() FROM notifications WHERE channel = 'digest' AND status = 'pending'")).toBe(4);

    smtp.received.length = 0;
    expect(await dispatchDigests(deps, t0 + 120_000)).toBe(2);
    expect(smtp.received).toHaveLength(2);
    for (const address of ['xinle@amr.example.gov.cn', 'risk-centre@example.gov.cn']) {
      expect(subjects(address)).toEqual([expect.stringMatching(/^【每日汇总】2 条预警：/)]);
      const mail = smtp.received.find((m) => m.to.includes(address))!;
      const text = parseMessage(mail.raw).parts.find((p) => /text\/plain/.test(p.headers['content-type'] ?? ''))!.body;
      expect(text).toContain('W-D-1');
      expect(text).toContain('W-D-2');
      expect(text).not.toContain('W-D-3');
    }
    expect(await count(ch, "SELECT count() FROM notifications WHERE channel = 'digest' AND status = 'sent'")).toBe(4);

    expect(await dispatchDigests(deps, t0 + 240_000)).toBe(0);
    expect(smtp.received).toHaveLength(2);
  });
});
