import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledge } from '../../../services/app/actions.ts';
import { warningMessage } from '../../../services/app/score.ts';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import type { Config } from '../../../services/config/index.ts';
import { addSilence, expireSilence, listSilences } from '../../../services/sinks/notifications/feedback.ts';
import { storeWarningEvents } from '../../../services/sinks/warnings/store.ts';
import { exampleRoutesFile, parseRoutes } from '../../../services/transforms/routing/index.ts';
import type { WarningEvent } from '../../../services/transforms/warnings/state.ts';
import { buildApp, count, openClickHouse, testConfig } from '../../support/app.ts';
import { produce, testKafka, uniqueTopics, waitFor, waitForCommitted } from '../../support/kafka.ts';
import { startSmtp } from '../../support/mail.ts';
import { startSmsGateway } from '../../support/sms-gateway.ts';

// Silences and acknowledgements in the alert service, end to end: warning events on Kafka, the
// example routes, a real SMTP server and SMS gateway. A silenced warning is recorded in the outbox
// as silenced and reaches no one; a silence that was expired silences nothing; an acknowledgement
// consumed from the warnings topic asks for no notification.

const SECRET = 'gateway-secret-0123456789';
const HOUR = 3_600_000;
const topics = uniqueTopics('silence');
const kafka = testKafka();
const routes = parseRoutes(readFileSync(exampleRoutesFile, 'utf8').replace(/groupWaitSeconds: \d+/g, 'groupWaitSeconds: 1'), 'routes.example.yaml');
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let gateway: Awaited<ReturnType<typeof startSmsGateway>>;
let config: Config;
let ch: ClickHouse;

function event(warningId: string, o: Partial<WarningEvent>): WarningEvent {
  const at = new Date().toISOString();
  return {
    warningId,
    event: 'opened',
    evaluatedAt: at,
    productCode: 'waterproof_membrane',
    regionCode: '130184',
    regionLevel: 'county',
    level: 'II',
    previousLevel: null,
    score: 78,
    openedAt: at,
    evidence: null,
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

const statuses = (warningId: string) =>
  ch.client
    .query({ query: 'SELECT recipient_id, channel, status FROM notifications WHERE warning_id = {id:String} ORDER BY recipient_id, channel', query_params: { id: warningId }, format: 'JSONEachRow' })
    .then((r) => r.json<{ recipient_id: string; channel: string; status: string }>());

describe('silences and acknowledgements in the alert service', () => {
  it('records a silenced warning as silenced and sends it to no one; an expired silence silences nothing', async () => {
    const now = Date.now();
    await addSilence(ch, { productCode: 'coating', regionPrefix: '130637', startsAt: now - HOUR, endsAt: now + HOUR, author: 'boye-bureau', reason: '已在处置' });
    const expired = await addSilence(ch, { regionPrefix: '440515', startsAt: now - HOUR, endsAt: now + HOUR, author: 'chenghai-bureau', reason: '专项检查' });
    expect(await expireSilence(ch, expired)).toBe(true);
    expect((await listSilences(ch, { activeAt: Date.now() + 1 })).map((s) => s.region_prefix)).toEqual(['130637']);
    // Evaluated after the expiry.
    await new Promise((r) => setTimeout(r, 5));
    const silenced = event('W-C-coating-130637-S1', { productCode: 'coating', regionCode: '130637' });
    const loud = event('W-C-toy-440515-S2', { productCode: 'toy', regionCode: '440515', level: 'III', score: 55 });
    await storeWarningEvents(ch, [silenced, loud]);

    const { app, registry } = buildApp(config, ch, ['alert'], { routes });
    await app.start();
    try {
      await produce(kafka, config.kafka.topics.warnings, [silenced, loud].map(warningMessage));
      await waitFor(() => count(ch, "SELECT count() FROM notifications WHERE status = 'sent'"), (n) => n >= 2, 40_000, 'the unsilenced warning sent');
      expect(await statuses(silenced.warningId)).toEqual([
        { recipient_id: 'boye-bureau', channel: 'email', status: 'silenced' },
        { recipient_id: 'boye-bureau', channel: 'sms', status: 'silenced' },
        { recipient_id: 'risk-centre', channel: 'email', status: 'silenced' },
        { recipient_id: 'risk-centre', channel: 'sms', status: 'silenced' },
      ]);
      expect(await statuses(loud.warningId)).toEqual([
        { recipient_id: 'chenghai-bureau', channel: 'email', status: 'sent' },
        { recipient_id: 'risk-centre', channel: 'email', status: 'sent' },
      ]);
      expect(await registry.getSingleMetricAsString('qrm_alert_notifications_total')).toMatch(/channel="sms",status="silenced"} 2/);

      // An acknowledgement published on the warnings topic, as the API and CLI publish it.
      const producer = kafka.producer({ allowAutoTopicCreation: true });
      await producer.connect();
      try {
        await acknowledge(ch, producer, config.kafka.topics.warnings, loud.warningId, 'chenghai-bureau', '已派员核查');
      } finally {
        await producer.disconnect();
      }
      await waitForCommitted(kafka, config.alert.group, config.kafka.topics.warnings, 30_000);
      expect(await registry.getSingleMetricAsString('qrm_alert_warning_events_total')).toMatch(/event="acknowledged"} 1/);
      // A dispatch round or two more: nothing new is recorded or sent.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await count(ch, 'SELECT count() FROM notifications')).toBe(6);
    } finally {
      await app.stop();
    }
    expect(smtp.received.flatMap((m) => m.to).sort()).toEqual(['chenghai@amr.example.gov.cn', 'risk-centre@example.gov.cn']);
    const sentIds = smtp.received.flatMap((m) => /X-QRM-Notifications: (.*)/i.exec(m.raw)?.[1]?.trim().split(' ') ?? []);
    const silencedIds = await ch.client
      .query({ query: 'SELECT notification_id FROM notifications WHERE warning_id = {id:String}', query_params: { id: silenced.warningId }, format: 'JSONEachRow' })
      .then((r) => r.json<{ notification_id: string }>());
    expect(sentIds).toHaveLength(2);
    expect(silencedIds.filter((r) => sentIds.includes(r.notification_id))).toEqual([]);
    expect(gateway.requests()).toBe(0);
  });
});
