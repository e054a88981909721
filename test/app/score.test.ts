import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warningEventV1 } from '../../schemas/outputs/warning-event.ts';
import type { ClickHouse } from '../../services/clients/clickhouse.ts';
import type { Config } from '../../services/config/index.ts';
import { insertRows } from '../../services/sinks/clickhouse/insert.ts';
import { buildApp, count, openClickHouse, tempDir, testConfig } from '../support/app.ts';
import { consumeAll, testKafka, uniqueTopics, waitFor } from '../support/kafka.ts';
import { background, complaint, hours } from '../support/rows.ts';

// The score service inside `qrm run`: scheduled passes (every second here), never overlapping, that
// store scores and warnings and publish each warning state change on qrm.risk.warnings, keyed by
// warning id, in the documented format.

const topics = uniqueTopics('score');
const kafka = testKafka();
let config: Config;
let ch: ClickHouse;

beforeAll(async () => {
  config = testConfig({ ...topics.env, QRM_TOPIC_WARNINGS: `${topics.id}.warnings`, QRM_SCORE_SCHEDULE: '* * * * * *' });
  ch = await openClickHouse(config);
  const now = Date.now();
  await insertRows(ch, 'complaints', [
    ...background(100, now, (i, t) => complaint(`bg-${i}`, t)),
    ...Array.from({ length: 40 }, (_, i) => complaint(`surge-${i}`, now - hours(20) + i * 60_000)),
  ]);
});
afterAll(async () => ch?.close());

describe('score service', () => {
  it('runs on its schedule and publishes warning events', async () => {
    const { app, registry } = buildApp(config, ch, ['score']);
    await app.start();
    try {
      const passes = async () => (await registry.getSingleMetric('qrm_score_passes_total')!.get()).values.find((v) => v.labels.outcome === 'ok')?.value ?? 0;
      await waitFor(passes, (n) => n >= 2, 30_000, 'two scoring passes');
    } finally {
      await app.stop();
    }
    // Only the county opens: prefecture and province rollups need two or more active counties.
    const messages = await consumeAll(kafka, config.kafka.topics.warnings, 1);
    expect(messages).toHaveLength(1);
    for (const m of messages) {
      const event = warningEventV1.parse(JSON.parse(m.value!.toString()));
      expect(m.key).toBe(event.warningId);
    }
    const opened = messages.map((m) => JSON.parse(m.value!.toString()) as { event: string; regionLevel: string; productCode: string }).filter((e) => e.event === 'opened');
    // One opening per cell and level, however many passes ran.
    expect(opened.filter((e) => e.regionLevel === 'county' && e.productCode === 'waterproof_membrane')).toHaveLength(1);
    expect(await count(ch, "SELECT count() FROM warnings WHERE event = 'opened' AND region_level = 'county'")).toBe(1);
    // After its pass the service staged the day's spot-check and concentration signals for the next
    // passes; not once per pass: passes of one day with the same data share one stage.
    const marks = await count(ch, 'SELECT count() FROM day_signals_marks SETTINGS final = 0');
    expect(marks).toBeGreaterThanOrEqual(1);
    expect(marks).toBeLessThanOrEqual(2);
  });
});
