import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { feeds } from '../../schemas/feeds/v1/index.ts';
import type { ClickHouse } from '../clients/clickhouse.ts';
import { ensureTopics } from '../clients/kafka.ts';
import type { Config } from '../config/index.ts';
import { buildFeedConsumer, type FeedConsumer } from '../sources/kafka-feed/index.ts';
import { ingestMetrics } from '../telemetry/metrics.ts';
import { phoneHasher } from '../transforms/normalize/pii.ts';
import type { Service } from './service.ts';

// The ingest service: one consumer group per feed, one shared producer for the dead-letter topic.

export type IngestDeps = { kafka: Kafka; ch: ClickHouse; log: Logger; registry: Registry; piiKey: string };

export function buildIngest(config: Config, deps: IngestDeps): Service & { consumers: FeedConsumer[] } {
  const metrics = ingestMetrics(deps.registry);
  const producer: Producer = deps.kafka.producer({ allowAutoTopicCreation: true });
  const hashPhone = phoneHasher(deps.piiKey);
  const consumers = feeds.map((feed) =>
    buildFeedConsumer(
      { ...config.ingest, feed, topic: config.kafka.topics[feed], dlqTopic: config.kafka.topics.dlq },
      { kafka: deps.kafka, producer, ch: deps.ch, log: deps.log, metrics, hashPhone },
    ),
  );
  let ready = false;
  return {
    name: 'ingest',
    consumers,
    async start() {
      const admin = deps.kafka.admin();
      await admin.connect();
      const t = config.kafka.topics;
      await ensureTopics(admin, [t.hotline, t.media, t.spotcheck, t.dlq], deps.log);
      await admin.disconnect();
      await producer.connect();
      await Promise.all(consumers.map((c) => c.start()));
      ready = true;
    },
    async stop() {
      ready = false;
      await Promise.all(consumers.map((c) => c.stop()));
      await producer.disconnect();
    },
    abort() {
      for (const c of consumers) c.abort();
    },
    ready: () => ready,
  };
}
