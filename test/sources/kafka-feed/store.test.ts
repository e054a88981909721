import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import type { Config } from '../../../services/config/index.ts';
import { createKafka } from '../../../services/clients/kafka.ts';
import { storeBatch, type Accepted } from '../../../services/sources/kafka-feed/store.ts';
import { feedTelemetry } from '../../../services/sources/kafka-feed/telemetry.ts';
import { ingestMetrics, createRegistry } from '../../../services/telemetry/metrics.ts';
import { RowBuffer } from '../../../services/transforms/normalize/row-buffer.ts';
import { columns, spotcheckLine, tables } from '../../../services/transforms/normalize/rows.ts';
import { count, openClickHouse, testConfig } from '../../support/app.ts';
import { consumeAll, uniqueTopics } from '../../support/kafka.ts';

// A row that passed validation but that ClickHouse refuses is dead-lettered with its original
// bytes; the rest of its batch is stored.

const topics = uniqueTopics('store');
let config: Config;
let ch: ClickHouse;

beforeAll(async () => {
  config = testConfig(topics.env);
  ch = await openClickHouse(config);
});
afterAll(async () => ch?.close());

describe('storeBatch', () => {
  it('isolates a refused row and stores the others', async () => {
    const log = pino({ level: 'silent' });
    const kafka = createKafka(config.kafka, log);
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    try {
      const buffer = new RowBuffer(64);
      const pos = (offset: string) => ({ topic: config.kafka.topics.spotcheck, partition: 0, offset, ingestedAt: Date.now() });
      const record = (id: string) => ({
        id, sampledAt: Date.UTC(2026, 10, 2), publishedAt: undefined, level: 'county' as const, regionCode: '130184', productCode: 'toy',
        enterprise: { creditCode: undefined, name: 'x' }, batch: undefined, result: 'pass' as const, failedItems: [], lab: undefined,
      });
      buffer.push(spotcheckLine(record('ok-1'), pos('0')).line);
      // Valid JSON that the table cannot take: a failed item whose hazard is an array.
      buffer.push(spotcheckLine(record('bad'), pos('1')).line.replace('[],[]', '[],[[1]]'));
      buffer.push(spotcheckLine(record('ok-2'), pos('2')).line);
      const accepted: Accepted = {
        ...buffer.take(), feed: 'spotcheck', topic: config.kafka.topics.spotcheck, partition: 0, ingestedAt: Date.now(),
        keys: [null, Buffer.from('bad-key'), null], values: [Buffer.from('a'), Buffer.from('original bytes'), Buffer.from('c')], offsets: ['0', '1', '2'],
      };
      const telemetry = feedTelemetry('spotcheck', log, ingestMetrics(createRegistry(false)));
      await storeBatch(
        { ch, producer, dlqTopic: config.kafka.topics.dlq, table: tables.spotcheck, columns: columns.spotcheck, telemetry, retryMaxMs: 200, signal: new AbortController().signal },
        [accepted],
        [],
        async () => undefined,
      );
      expect(await count(ch, 'SELECT count() FROM spot_checks')).toBe(2);
      expect(await count(ch, "SELECT count() FROM dead_letters WHERE reason_code = 'storage_rejected' AND source_offset = 1")).toBe(1);
      const [dl] = await consumeAll(kafka, config.kafka.topics.dlq, 1);
      expect(dl!.value?.toString()).toBe('original bytes');
      expect(dl!.key).toBe('bad-key');
      expect(dl!.headers['qrm-reason-code']).toBe('storage_rejected');
    } finally {
      await producer.disconnect();
    }
  });
});
