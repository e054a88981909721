import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { build } from '../app/index.ts';
import { connectClickHouse } from '../clients/clickhouse.ts';
import { createKafka, ensureTopics } from '../clients/kafka.ts';
import { loadConfig } from '../config/index.ts';
import { county } from '../domain/regions.ts';
import { productByCode } from '../domain/catalog.ts';
import { kcatAvailable, installHint, startMockCluster, stopMockCluster } from '../lib/kafka-mock.ts';
import { migrate } from '../sinks/clickhouse/migrate.ts';
import { parseIncident, simulate } from '../simulate/index.ts';
import { createRegistry } from '../telemetry/metrics.ts';
import { renderReport, reportData } from '../transforms/reports/index.ts';
import { exampleRoutesFile, parseRoutes } from '../transforms/routing/index.ts';
import { startMailCatcher, startSmsStub } from './catchers.ts';

// `qrm demo`: the whole system on one machine, in one process. Embedded ClickHouse, the Kafka mock
// (or KAFKA_BROKERS), every service, a local SMTP catcher and SMS gateway stub; the simulator writes
// two months of feeds with incidents in the last day, and scoring runs every few seconds at the
// current time. Prints what happens: ingest counts, warnings as they open, each email and SMS.

export type DemoOptions = { days: number; rate: number; seed: number; timeoutSeconds: number; untilWarning: boolean; out?: string };

const INCIDENTS = [
  'complaint_surge:waterproof_membrane:130184', // 新乐市 防水卷材 (Xinle, Hebei)
  'media_expose:toy:440515', // 澄海区 玩具 (Chenghai, Shantou)
  'spotcheck_failures:wood_panel:371721', // 曹县 人造板 (Cao county, Heze)
];

export async function runDemo(o: DemoOptions, print: (line: string) => void): Promise<{ warnings: number; emails: number; sms: number }> {
  const dir = o.out ?? mkdtempSync(join(tmpdir(), 'qrm-demo-'));
  let brokers = process.env.KAFKA_BROKERS;
  let mockPid: number | undefined;
  if (!brokers) {
    if (!kcatAvailable()) throw new Error(installHint);
    const cluster = await startMockCluster(join(dir, 'kafka-mock.log'));
    brokers = cluster.brokers;
    mockPid = cluster.pid;
  }
  const counts = { warnings: 0, emails: 0, sms: 0 };
  const mail = await startMailCatcher(join(dir, 'emails'), (m) => {
    counts.emails++;
    print(`  ✉  email to ${m.to.join(', ')}: ${m.subject}   (${m.file})`);
  });
  const sms = await startSmsStub((m) => {
    counts.sms++;
    print(`  ✆  SMS to ${m.to}: ${m.text}`);
  });
  const config = loadConfig({
    ...process.env,
    KAFKA_BROKERS: brokers,
    CLICKHOUSE_URL: '',
    QRM_DATA_DIR: join(dir, 'data'),
    QRM_HTTP_PORT: '0',
    QRM_SCORE_SCHEDULE: '*/5 * * * * *',
    QRM_DISPATCH_INTERVAL_MS: '500',
    QRM_KAFKA_SESSION_TIMEOUT_MS: '6000',
    QRM_INGEST_GROUP_PREFIX: `demo-${o.seed}-${Date.now()}`,
    QRM_ALERT_GROUP: `demo-alert-${Date.now()}`,
    SMTP_URL: mail.url,
    SMS_GATEWAY_URL: sms.url,
    SMS_GATEWAY_SECRET: 'demo-secret',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const log = pino({ level: config.app.logLevel }, pino.destination({ dest: join(dir, 'qrm.log'), sync: false }));
  const ch = await connectClickHouse(config.clickhouse);
  await migrate(ch, log);
  const registry = createRegistry(false);
  const kafka = createKafka(config.kafka, log);
  // The example routing, with group waits cut to seconds so the demo fits in two minutes.
  const routes = parseRoutes(readFileSync(exampleRoutesFile, 'utf8').replace(/groupWaitSeconds: \d+/g, 'groupWaitSeconds: 2'), exampleRoutesFile);
  // Scoring starts once the backfill is stored: scored half-way through, two months of history would
  // look like a sudden rise. (Live, the history is there long before.)
  const app = build(config, { log, registry, ch, kafka, alert: { routes } }, ['ingest', 'alert', 'api']);
  const scoring = build(config, { log, registry, ch, kafka }, ['score']);
  const { port } = await app.start();
  print(`qrm demo — embedded ClickHouse in ${join(dir, 'data')}, Kafka ${mockPid ? 'mock cluster (kcat)' : ''} ${brokers}`);
  print(`  metrics http://127.0.0.1:${port}/metrics   health http://127.0.0.1:${port}/readyz   logs ${join(dir, 'qrm.log')}`);

  const now = new Date();
  const start = new Date(now.getTime() - o.days * 86_400_000);
  const incidents = INCIDENTS.map((s) => parseIncident(`${s}:start=${new Date(now.getTime() - 20 * 3_600_000).toISOString()}:hours=18:intensity=12`, now));
  print(`  simulating ${o.days} days of hotline, media and spot-check feeds (seed ${o.seed}) with incidents in the last day:`);
  for (const i of incidents) print(`    ${i.kind} · ${productByCode(i.productCode)?.nameZh ?? i.productCode} · ${county(i.regionCode)?.name ?? i.regionCode} ${i.regionCode}`);
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [config.kafka.topics.hotline, config.kafka.topics.media, config.kafka.topics.spotcheck], log);
  await admin.disconnect();
  const stored = async () => {
    const metric = await registry.getSingleMetric('qrm_ingest_records_total')?.get();
    const by = (outcome: string) => metric?.values.filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0) ?? 0;
    return { stored: by('stored'), rejected: by('rejected') };
  };
  let produced = 0;
  let batch: { topic: string; messages: { key: string | null; value: Buffer }[] }[] = [];
  const flush = async () => {
    if (batch.length) await producer.sendBatch({ topicMessages: batch, acks: -1 });
    batch = [];
  };
  for (const m of simulate({ seed: o.seed, start, durationSeconds: o.days * 86_400, ratePerSecond: o.rate, invalidRate: 0.01, incidents, now })) {
    batch.push({ topic: config.kafka.topics[m.topic], messages: [{ key: m.key || null, value: m.value }] });
    if (++produced % 2_000 === 0) await flush();
    // The mock cluster keeps only about 5 MB per partition: stay at most 10,000 messages ahead of
    // ingest so nothing is dropped before it is read.
    if (produced % 10_000 === 0) {
      while (true) {
        const s = await stored();
        if (s.stored + s.rejected >= produced - 10_000) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  await flush();
  await producer.disconnect();
  print(`  produced ${produced.toLocaleString('en')} messages`);
  let scoringStarted = false;

  const seen = new Set<string>();
  const deadline = Date.now() + o.timeoutSeconds * 1000;
  let lastIngest = '';
  let levelTwoAt = 0;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1_000));
    const s = await stored();
    const line = `  ingest: ${s.stored.toLocaleString('en')} stored, ${s.rejected.toLocaleString('en')} dead-lettered`;
    if (line !== lastIngest) print((lastIngest = line));
    if (!scoringStarted && s.stored + s.rejected >= produced) {
      scoringStarted = true;
      await scoring.start();
      print('  scoring every 5 seconds at the current time …');
    }
    const rs = await ch.client.query({
      query: `SELECT warning_id, event, level, score, product_code, region_code, region_level, evidence FROM ${ch.database}.warnings WHERE event IN ('opened', 'escalated') ORDER BY evaluated_at, warning_id`,
      format: 'JSONEachRow',
    });
    for (const w of (await rs.json()) as { warning_id: string; event: string; level: string; score: number; product_code: string; region_code: string; region_level: string; evidence: string }[]) {
      const key = `${w.warning_id}|${w.event}|${w.level}`;
      if (seen.has(key)) continue;
      seen.add(key);
      counts.warnings++;
      // Rollups and low levels are counted, not printed, to keep the story readable.
      if (w.region_level !== 'county' && w.level !== 'I' && w.level !== 'II') continue;
      const place = county(w.region_code);
      const where = place ? `${place.name}（${place.province.name}${place.prefecture.name}）` : w.region_code;
      print(`  ⚠  warning ${w.event} · level ${w.level} · ${productByCode(w.product_code)?.nameZh ?? ''} ${w.product_code} · ${where} ${w.region_code} (${w.region_level}) · score ${w.score}`);
      for (const s of (JSON.parse(w.evidence || '{}') as { signals?: { source: string; z: number; findings: string[] }[] }).signals ?? []) {
        print(`       ${s.source}: z ${s.z} — ${s.findings.join('; ')}`);
      }
      if (w.region_level === 'county' && (w.level === 'I' || w.level === 'II')) levelTwoAt ||= Date.now();
    }
    // A few seconds more after the first county warning of level I–II: its emails and SMS wait out the
    // group wait, then go.
    if (o.untilWarning && levelTwoAt && Date.now() - levelTwoAt > 8_000 && counts.emails > 0 && counts.sms > 0) break;
  }
  const report = renderReport(await reportData(ch, { kind: 'weekly', at: new Date() }), { kind: 'weekly', dashboardUrl: config.alert.dashboardUrl });
  const reportFile = join(dir, 'weekly-report.html');
  writeFileSync(reportFile, report.html);
  await scoring.stop(10_000);
  await app.stop(10_000);
  await ch.close();
  await mail.close();
  await sms.close();
  if (mockPid) stopMockCluster(mockPid);
  print('');
  print(`done: ${counts.warnings} warning events, ${counts.emails} emails, ${counts.sms} SMS. Look at:`);
  print(`  emails          ${join(dir, 'emails')}/*.eml`);
  print(`  weekly report   ${reportFile}`);
  print(`  logs            ${join(dir, 'qrm.log')}`);
  print(`  database        QRM_DATA_DIR=${join(dir, 'data')} npx qrm sql "SELECT * FROM warnings"`);
  return counts;
}
