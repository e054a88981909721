import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClickHouse, type ClickHouse } from '../../../services/clients/clickhouse.ts';
import type { Config } from '../../../services/config/index.ts';
import { buildApp, count, openClickHouse, tempDir, testConfig } from '../../support/app.ts';
import { startBridge, type Bridge } from '../../support/clickhouse-http-bridge.ts';
import { hotlineRecord, json } from '../../support/fixtures.ts';
import { produce, testKafka, uniqueTopics, waitFor, waitForCommitted } from '../../support/kafka.ts';

// ClickHouse goes away while messages keep arriving: ingest pauses and retries with backoff,
// commits nothing it has not stored, and once ClickHouse is back stores everything exactly once.
// Runs qrm in server mode (CLICKHOUSE_URL) against a real HTTP endpoint that the test takes down.

const topics = uniqueTopics('outage');
const kafka = testKafka();
let bridge: Bridge;
let config: Config;
let ch: ClickHouse;

beforeAll(async () => {
  bridge = await startBridge(tempDir());
  config = testConfig({ ...topics.env, CLICKHOUSE_URL: bridge.url, QRM_INGEST_RETRY_MAX_MS: '500' });
  ch = await openClickHouse(config);
});

afterAll(async () => {
  await ch?.close();
  await bridge?.close();
});

describe('ClickHouse outage during ingest', () => {
  it('pauses, retries, and after recovery stores every record exactly once', async () => {
    const { app, registry } = buildApp(config, ch);
    await app.start();
    try {
      await produce(kafka, config.kafka.topics.hotline, Array.from({ length: 100 }, (_, i) => ({ value: json(hotlineRecord(i)) })));
      await waitFor(() => count(ch, 'SELECT count() FROM complaints'), (n) => n === 100, 30_000, 'first records');

      await bridge.down();
      await produce(kafka, config.kafka.topics.hotline, Array.from({ length: 100 }, (_, i) => ({ value: json(hotlineRecord(100 + i)) })));
      const retries = async () => (await registry.getSingleMetric('qrm_ingest_insert_retries_total')!.get()).values.reduce((s, v) => s + v.value, 0);
      await waitFor(retries, (n) => n >= 3, 30_000, 'insert retries');
      const paused = (await registry.getSingleMetric('qrm_ingest_paused')!.get()).values.find((v) => v.labels.feed === 'hotline');
      expect(paused?.value).toBe(1);

      // Nothing stored, so nothing of the second hundred may be committed.
      const admin = kafka.admin();
      await admin.connect();
      const committed = await admin.fetchOffsets({ groupId: `${config.ingest.groupPrefix}-hotline`, topics: [config.kafka.topics.hotline] });
      const high = await admin.fetchTopicOffsets(config.kafka.topics.hotline);
      await admin.disconnect();
      const sum = (xs: string[]) => xs.reduce((s, x) => s + Math.max(0, Number(x)), 0);
      expect(sum(committed[0]!.partitions.map((p) => p.offset))).toBe(100);
      expect(sum(high.map((p) => p.high))).toBe(200);

      await bridge.up();
      await waitForCommitted(kafka, `${config.ingest.groupPrefix}-hotline`, config.kafka.topics.hotline);
      expect(await count(ch, 'SELECT count() FROM complaints')).toBe(200);
      expect(await count(ch, 'SELECT uniqExact(id) FROM complaints')).toBe(200);
      const after = (await registry.getSingleMetric('qrm_ingest_paused')!.get()).values.find((v) => v.labels.feed === 'hotline');
      expect(after?.value).toBe(0);
    } finally {
      await app.stop();
    }
  });

  it('the server-mode client reaches the same tables', async () => {
    const direct = await connectClickHouse(config.clickhouse, { createDatabase: false });
    expect(await count(direct, 'SELECT count() FROM qrm.schema_migrations')).toBeGreaterThan(0);
    await direct.close();
  });
});
