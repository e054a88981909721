import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../services/clients/clickhouse.ts';
import type { Config } from '../../services/config/index.ts';
import { buildApp, count, openClickHouse, tempDir, testConfig } from '../support/app.ts';
import { qrmOnce } from '../support/cli.ts';
import { brokers, uniqueTopics, waitForCommitted } from '../support/kafka.ts';
import { testKafka } from '../support/kafka.ts';

// simulate → Kafka → ingest → ClickHouse: what the simulator says it produced is what is stored, and
// what it made invalid is exactly what is dead-lettered.

type Summary = { messages: Record<string, { valid: number; invalid: number }> };

const topics = uniqueTopics('sim');
let config: Config;
let ch: ClickHouse;

beforeAll(async () => {
  config = testConfig({ ...topics.env, QRM_DATA_DIR: tempDir() });
  ch = await openClickHouse(config);
});
afterAll(async () => ch?.close());

describe('qrm simulate', () => {
  it('feeds ingest: stored and dead-lettered counts equal what was produced', async () => {
    // A fixed --start: without it the simulated days end at the wall clock, and at some times of day
    // another cell outnumbered the surge (seen on the base commit too, 2026-12-06 00:44 UTC).
    const args = ['simulate', '--duration', '2d', '--rate', '0.05', '--seed', '7', '--invalid-rate', '0.05', '--start', '2026-11-16T00:00:00+08:00', '--incident', 'complaint_surge:waterproof_membrane:130184'];
    const r = await qrmOnce(args, { KAFKA_BROKERS: brokers(), LOG_LEVEL: 'warn', ...topics.env });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Summary;
    const m = summary.messages;
    const total = (k: 'valid' | 'invalid') => Object.values(m).reduce((s, v) => s + v[k], 0);
    expect(total('valid')).toBeGreaterThan(5_000);
    expect(total('invalid')).toBeGreaterThan(100);

    const { app } = buildApp(config, ch);
    await app.start();
    try {
      for (const feed of ['hotline', 'media', 'spotcheck'] as const) {
        await waitForCommitted(testKafka(), `${config.ingest.groupPrefix}-${feed}`, config.kafka.topics[feed], 90_000);
      }
    } finally {
      await app.stop();
    }
    expect(await count(ch, 'SELECT count() FROM complaints')).toBe(m.hotline!.valid);
    expect(await count(ch, 'SELECT count() FROM media_items')).toBe(m.media!.valid);
    expect(await count(ch, 'SELECT count() FROM spot_checks')).toBe(m.spotcheck!.valid);
    expect(await count(ch, 'SELECT count() FROM dead_letters')).toBe(total('invalid'));
    // The injected surge is there: its cell has more complaints than any other.
    const top = await ch.client.query({ query: 'SELECT product_code, region_code FROM complaints GROUP BY ALL ORDER BY count() DESC LIMIT 1', format: 'JSONEachRow' });
    expect(await top.json()).toEqual([{ product_code: 'waterproof_membrane', region_code: '130184' }]);
  });

  it('writes NDJSON deterministically for a seed', async () => {
    const dir = tempDir();
    const args = (out: string) => ['simulate', '--duration', '2d', '--rate', '0.05', '--seed', '3', '--start', '2026-11-01T00:00:00+08:00', '--out', out];
    await qrmOnce(args(join(dir, 'a.ndjson')), { LOG_LEVEL: 'warn' });
    await qrmOnce(args(join(dir, 'b.ndjson')), { LOG_LEVEL: 'warn' });
    const a = readFileSync(join(dir, 'a.ndjson'), 'utf8');
    expect(a).toBe(readFileSync(join(dir, 'b.ndjson'), 'utf8'));
    const lines = a.trim().split('\n').map((l) => JSON.parse(l) as { topic: string; value?: unknown; valueBase64?: string });
    expect(lines.length).toBeGreaterThan(3_000);
    expect(new Set(lines.map((l) => l.topic))).toEqual(new Set(['qrm.hotline.complaints', 'qrm.media.sentiment', 'qrm.spotcheck.results']));
    expect(lines.every((l) => l.value !== undefined || typeof l.valueBase64 === 'string')).toBe(true);
  });
});
