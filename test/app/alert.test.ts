import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectionRequestV1 } from '../../schemas/outputs/inspection-request.ts';
import { warningMessage } from '../../services/app/score.ts';
import type { ClickHouse } from '../../services/clients/clickhouse.ts';
import type { Config } from '../../services/config/index.ts';
import { storeWarningEvents } from '../../services/sinks/warnings/store.ts';
import { exampleRoutesFile, parseRoutes } from '../../services/transforms/routing/index.ts';
import type { WarningEvent } from '../../services/transforms/warnings/state.ts';
import { buildApp, count, openClickHouse, testConfig } from '../support/app.ts';
import { consumeAll, produce, testKafka, uniqueTopics, waitFor } from '../support/kafka.ts';
import { startSmtp } from '../support/mail.ts';
import { startSmsGateway } from '../support/sms-gateway.ts';

// The alert service end to end with real local servers: warning events on Kafka, two replicas in one
// consumer group, the example routing file, an SMTP server and an HTTP SMS gateway. Each state change
// reaches each recipient once per channel, also across an SMTP outage.

const SECRET = 'gateway-secret-0123456789';
const topics = uniqueTopics('alert');
const kafka = testKafka();
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let gateway: Awaited<ReturnType<typeof startSmsGateway>>;
let config: Config;
let ch: ClickHouse;

// The example routes, with group waits shortened for the test.
const routes = parseRoutes(readFileSync(exampleRoutesFile, 'utf8').replace(/groupWaitSeconds: \d+/g, 'groupWaitSeconds: 1'), 'routes.example.yaml');

function event(i: number, o: Partial<WarningEvent> = {}): WarningEvent {
  const at = new Date(Date.now() - 60_000).toISOString();
  return {
    warningId: `W-C-waterproof_membrane-130184-T${i}`,
    event: 'opened',
    evaluatedAt: at,
    productCode: 'waterproof_membrane',
    regionCode: '130184',
    regionLevel: 'county',
    level: 'II',
    previousLevel: null,
    score: 78,
    openedAt: at,
    evidence: {
      formula: 'score = …',
      thresholds: { I: 85, II: 70, III: 50, IV: 30 },
      counties: 1,
      signals: [{ source: 'complaints', z: 7.8, contribution: 78, observed: { weightedVoices: 60 }, expected: { weightedVoices: 6 }, findings: ['surge'] }],
      samples: { complaints: ['12365-1'] },
    },
    ...o,
  };
}

beforeAll(async () => {
  smtp = await startSmtp();
  gateway = await startSmsGateway(SECRET);
  config = testConfig({
    ...topics.env,
    QRM_TOPIC_WARNINGS: `${topics.id}.warnings`,
    QRM_TOPIC_INSPECTIONS: `${topics.id}.inspections`,
    QRM_ALERT_GROUP: `${topics.id}-alert`,
    SMTP_URL: smtp.url,
    SMS_GATEWAY_URL: gateway.url,
    SMS_GATEWAY_SECRET: SECRET,
    QRM_DISPATCH_INTERVAL_MS: '200',
  });
  ch = await openClickHouse(config);
});

afterAll(async () => {
  await ch?.close();
  await smtp?.down();
  await gateway?.close();
});

const sentCount = () => count(ch, "SELECT count() FROM notifications WHERE status = 'sent'");

describe('alert service', () => {
  it('two replicas: one notification per state change, recipient and channel; one inspection request', async () => {
    const a = buildApp(config, ch, ['alert'], { routes });
    const b = buildApp(config, ch, ['alert'], { routes });
    await Promise.all([a.app.start(), b.app.start()]);
    try {
      const events = [event(1), event(2, { productCode: 'coating', regionCode: '130637', warningId: 'W-C-coating-130637-T2', level: 'III', score: 55 })];
      await storeWarningEvents(ch, events);
      await produce(kafka, config.kafka.topics.warnings, events.map(warningMessage));
      // Delivered twice (a redelivery or a replay): must change nothing.
      await produce(kafka, config.kafka.topics.warnings, events.map(warningMessage));
      // Xinle II: bureau email + SMS, centre email + SMS. Boye III: bureau email, centre email.
      await waitFor(sentCount, (n) => n >= 6, 40_000, 'six notifications sent');
      await new Promise((r) => setTimeout(r, 2_000));
      expect(await sentCount()).toBe(6);
      expect(await count(ch, 'SELECT count() FROM notifications')).toBe(6);
    } finally {
      await Promise.all([a.app.stop(), b.app.stop()]);
    }
    const toXinle = smtp.received.filter((m) => m.to.includes('xinle@amr.example.gov.cn'));
    expect(toXinle).toHaveLength(1);
    const ids = smtp.received.flatMap((m) => /X-QRM-Notifications: (.*)/i.exec(m.raw)?.[1]?.trim().split(' ') ?? []);
    expect(new Set(ids).size).toBe(ids.length);
    expect(gateway.accepted.size).toBeGreaterThanOrEqual(2);
    for (const sms of gateway.accepted.values()) expect(sms.text.length).toBeLessThanOrEqual(70);
    const requests = await consumeAll(kafka, config.kafka.topics.inspections, 2);
    expect(requests).toHaveLength(2);
    for (const r of requests) inspectionRequestV1.parse(JSON.parse(r.value!.toString()));
  });

  it('an SMTP outage delays notifications and loses none; each is sent once after recovery', async () => {
    const { app } = buildApp(config, ch, ['alert'], { routes });
    await app.start();
    try {
      await smtp.down();
      const before = smtp.received.length;
      const e = event(3, { warningId: 'W-C-waterproof_membrane-130184-T3' });
      await storeWarningEvents(ch, [e]);
      await produce(kafka, config.kafka.topics.warnings, [warningMessage(e)]);
      await waitFor(() => count(ch, "SELECT count() FROM notifications WHERE status = 'failed' AND channel = 'email' AND warning_id = 'W-C-waterproof_membrane-130184-T3'"), (n) => n >= 1, 30_000, 'failed email attempts');
      await smtp.up();
      // Retries back off from 15 s; make the failed ones due now, as time passing would.
      await ch.client.command({ query: "ALTER TABLE notifications UPDATE due_at = now64(3) WHERE status = 'failed'", clickhouse_settings: { mutations_sync: '2' } });
      await waitFor(() => count(ch, "SELECT count() FROM notifications WHERE status = 'sent' AND warning_id = 'W-C-waterproof_membrane-130184-T3' AND channel = 'email'"), (n) => n === 2, 40_000, 'emails sent after recovery');
      expect(smtp.received.length - before).toBe(2);
    } finally {
      await app.stop();
    }
  });
});
