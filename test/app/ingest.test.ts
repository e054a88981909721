import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../services/clients/clickhouse.ts';
import type { Config } from '../../services/config/index.ts';
import { buildApp, count, openClickHouse, tempDir, testConfig } from '../support/app.ts';
import { NAME, PHONE, hotlineRecord, json, mediaRecord, spotcheckRecord } from '../support/fixtures.ts';
import { consumeAll, produce, testKafka, uniqueTopics, waitForCommitted } from '../support/kafka.ts';

// End to end in one process: real mock Kafka cluster, real chDB. Valid records land once, invalid
// ones land on the dead-letter topic and table with reasons, redelivery and replay change nothing.

const N = 300;
const topics = uniqueTopics('ingest');
let config: Config;
let ch: ClickHouse;
const kafka = testKafka();

const invalid = [
  { feed: 'hotline', value: Buffer.from('not json at all'), reason: 'not_json' },
  { feed: 'hotline', value: Buffer.from([0xc3, 0x28, 0x7b]), reason: 'not_utf8' },
  { feed: 'hotline', value: json(hotlineRecord(9001, { productCode: 'flux_capacitor' })), reason: 'unknown_product' },
  { feed: 'hotline', value: json(hotlineRecord(9002, { regionCode: '999999' })), reason: 'unknown_region' },
  { feed: 'media', value: json(mediaRecord(9003, { sentiment: 3 })), reason: 'invalid_field' },
  { feed: 'spotcheck', value: json(spotcheckRecord(9004, { failedItems: [] })), reason: 'inconsistent' },
  { feed: 'spotcheck', value: json({ a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: { l: { m: { n: { o: { p: { q: 1 } } } } } } } } } } } } } } } } }), reason: 'too_deep' },
] as const;

async function produceAll() {
  const t = config.kafka.topics;
  await produce(kafka, t.hotline, Array.from({ length: N }, (_, i) => ({ key: `12365-T-${i}`, value: json(hotlineRecord(i)) })));
  await produce(kafka, t.media, Array.from({ length: N }, (_, i) => ({ key: null, value: json(mediaRecord(i)) })));
  await produce(kafka, t.spotcheck, Array.from({ length: N }, (_, i) => ({ key: `SC-T-${i}`, value: json(spotcheckRecord(i)) })));
  for (const bad of invalid) await produce(kafka, t[bad.feed], [{ key: 'bad-key', value: bad.value }]);
}

const counts = async () => ({
  complaints: await count(ch, 'SELECT count() FROM complaints'),
  media: await count(ch, 'SELECT count() FROM media_items'),
  spotchecks: await count(ch, 'SELECT count() FROM spot_checks'),
  deadLetters: await count(ch, 'SELECT count() FROM dead_letters'),
});
let expected: Record<string, number> = { complaints: N, media: N, spotchecks: N, deadLetters: invalid.length };

async function ingestUntilSettled(groupSuffix = '') {
  const c = groupSuffix ? testConfig({ ...topics.env, QRM_DATA_DIR: config.clickhouse.dataDir, QRM_INGEST_GROUP_PREFIX: `${topics.id}-${groupSuffix}` }) : config;
  const { app, registry } = buildApp(c, ch);
  await app.start();
  try {
    // Judge only once every message has been stored and committed, duplicates included.
    const t = c.kafka.topics;
    for (const feed of ['hotline', 'media', 'spotcheck'] as const) {
      await waitForCommitted(kafka, `${c.ingest.groupPrefix}-${feed}`, t[feed]);
    }
  } finally {
    await app.stop();
  }
  return registry;
}

beforeAll(async () => {
  config = testConfig({ ...topics.env, QRM_DATA_DIR: tempDir() });
  ch = await openClickHouse(config);
  await produceAll();
});

afterAll(async () => {
  await ch?.close();
});

describe('ingest', () => {
  it('stores every valid record once and counts what it did', async () => {
    const registry = await ingestUntilSettled();
    expect(await counts()).toEqual(expected);
    const metrics = await registry.getSingleMetricAsString('qrm_ingest_records_total');
    expect(metrics).toContain(`qrm_ingest_records_total{feed="hotline",outcome="stored"} ${N}`);
    expect(metrics).toContain(`qrm_ingest_records_total{feed="hotline",outcome="rejected"} 4`);
    const defects = await registry.getSingleMetricAsString('qrm_ingest_field_defects_total');
    expect(defects).not.toContain('invalid_credit_code"} ');
  });

  it('normalises as the contract says', async () => {
    const r = await ch.client.query({ query: "SELECT * FROM complaints WHERE id = '12365-T-3'", format: 'JSONEachRow' });
    const [row] = (await r.json()) as Record<string, unknown>[];
    expect(row).toMatchObject({
      kind: 'complaint',
      region_code: '130184',
      prefecture_code: '1301',
      province_code: '13',
      received_at: '2026-11-20 00:31:00.000',
      enterprise_credit_code: '91130184MA07L8XQ45',
      channel: 'phone',
      source_topic: config.kafka.topics.hotline,
    });
    expect(String(row!.complainant_phone_hash)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('never stores the complainant phone or name in clear', async () => {
    const leaks = await count(
      ch,
      `SELECT count() FROM (
         SELECT concat(description, product_name, complainant_phone_hash, enterprise_name) AS t FROM complaints
         UNION ALL SELECT excerpt FROM dead_letters)
       WHERE position(t, {phone:String}) > 0 OR position(t, {name:String}) > 0`,
      { phone: PHONE, name: NAME },
    );
    expect(leaks).toBe(0);
    // One caller, one hash: repeated calls from the same person are recognisable.
    expect(await count(ch, 'SELECT uniqExact(complainant_phone_hash) FROM complaints')).toBe(1);
  });

  it('dead-letters every invalid message with its original bytes, key and reason headers', async () => {
    const dlq = await consumeAll(kafka, config.kafka.topics.dlq, invalid.length);
    expect(dlq).toHaveLength(invalid.length);
    for (const bad of invalid) {
      const found = dlq.find((m) => m.value?.equals(bad.value));
      expect(found, bad.reason).toBeDefined();
      expect(found!.key).toBe('bad-key');
      expect(found!.headers['qrm-reason-code']).toBe(bad.reason);
      expect(found!.headers['qrm-source-topic']).toBe(config.kafka.topics[bad.feed]);
      expect(found!.headers['qrm-source-offset']).toMatch(/^\d+$/);
      expect(found!.headers['qrm-reason']?.length).toBeGreaterThan(5);
      expect(Date.parse(found!.headers['qrm-rejected-at']!)).toBeGreaterThan(0);
    }
    const reasons = await ch.client.query({ query: 'SELECT reason_code, feed, field FROM dead_letters ORDER BY reason_code', format: 'JSONEachRow' });
    expect(((await reasons.json()) as { reason_code: string }[]).map((r) => r.reason_code)).toEqual([...invalid.map((i) => i.reason)].sort());
  });

  it('does not double-count a batch delivered twice', async () => {
    // The producer sends everything again: valid records collapse by id. The invalid messages are
    // new Kafka messages at new offsets, so each is a rejection of its own and is recorded.
    await produceAll();
    expected = { ...expected, deadLetters: 2 * invalid.length };
    await ingestUntilSettled();
    expect(await counts()).toEqual(expected);
  });

  it('does not double-count a replay of whole topics by a new consumer group', async () => {
    // Every message is read again at the same offsets, the rejected ones included.
    await ingestUntilSettled('replay');
    expect(await counts()).toEqual(expected);
  });
});
