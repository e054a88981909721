import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Feed } from '../../../schemas/feeds/v1/index.ts';
import type { ClickHouse } from '../../clients/clickhouse.ts';
import type { IngestConfig } from '../../config/ingest.ts';
import { failpoint } from '../../lib/failpoints.ts';
import type { DeadLetter } from '../../sinks/dlq/dead-letter.ts';
import type { IngestMetrics } from '../../telemetry/metrics.ts';
import { decoder } from '../../transforms/normalize/decode.ts';
import type { PhoneHasher } from '../../transforms/normalize/pii.ts';
import { hotlineRow, mediaRow, spotcheckRow, tables, type Built, type SourcePosition } from '../../transforms/normalize/rows.ts';
import { Batcher } from './batcher.ts';
import { storeBatch, type Accepted } from './store.ts';
import { feedTelemetry } from './telemetry.ts';

// One feed: a consumer group reading its topic, decoding each message, and storing batches. Offsets are
// committed only after the batch holding them is stored, so a crash at any point re-reads, never
// skips; re-reading is harmless because every table collapses records by identity.

export type FeedConsumerDeps = {
  kafka: Kafka;
  producer: Producer;
  ch: ClickHouse;
  log: Logger;
  metrics: IngestMetrics;
  hashPhone: PhoneHasher;
};

export type FeedConsumerOptions = IngestConfig & { feed: Feed; topic: string; dlqTopic: string };

type Piece = { accepted: Accepted[]; rejected: DeadLetter[] };

export function buildFeedConsumer(opts: FeedConsumerOptions, deps: FeedConsumerDeps) {
  const { feed, topic } = opts;
  const log = deps.log.child({ component: 'ingest', feed });
  const telemetry = feedTelemetry(feed, log, deps.metrics);
  const decode = decoder(feed, { maxBytes: opts.maxMessageBytes, maxDepth: opts.maxJsonDepth, now: Date.now });
  const toRow = rowBuilder(feed, deps.hashPhone);
  const stopping = new AbortController();
  const consumer: Consumer = deps.kafka.consumer({
    groupId: `${opts.groupPrefix}-${feed}`,
    // Fetch sizes bound memory as much as the batcher does: 2 MB per partition keeps batches large
    // without holding tens of megabytes of raw messages per feed.
    maxBytesPerPartition: 2 * 1_048_576,
    maxBytes: 8 * 1_048_576,
    // A short long-poll keeps shutdown prompt: stop() waits for the fetch in flight.
    maxWaitTimeInMs: 1_000,
    sessionTimeout: opts.sessionTimeoutMs,
    heartbeatInterval: Math.min(3_000, Math.floor(opts.sessionTimeoutMs / 3)),
  });

  let heartbeats = new Set<() => Promise<void>>();
  const batcher = new Batcher<Piece>({
    maxRows: opts.batchMaxRows,
    maxWaitMs: opts.batchMaxWaitMs,
    concurrency: 2,
    flush: async (parts) => {
      const accepted = parts.flatMap((p) => p.items.flatMap((i) => i.accepted));
      const rejected = parts.flatMap((p) => p.items.flatMap((i) => i.rejected));
      const started = performance.now();
      const beats = heartbeats;
      heartbeats = new Set();
      await storeBatch(
        { ch: deps.ch, producer: deps.producer, dlqTopic: opts.dlqTopic, table: tables[feed], telemetry, retryMaxMs: opts.retryMaxMs, signal: stopping.signal },
        accepted,
        rejected,
        async () => {
          await Promise.all([...beats].map((b) => b()));
        },
      );
      telemetry.stored(accepted.length, rejected.length, (performance.now() - started) / 1000);
      failpoint('ingest.after-store');
    },
  });

  function decodeBatch({ batch }: EachBatchPayload): Piece {
    const ingestedAt = Date.now();
    const piece: Piece = { accepted: [], rejected: [] };
    for (const message of batch.messages) {
      const position: SourcePosition = { topic, partition: batch.partition, offset: message.offset, ingestedAt };
      const result = decode(message.value);
      if (result.ok) {
        const built = toRow(result.record, position);
        for (const defect of built.defects) telemetry.defect(defect);
        piece.accepted.push({ row: built.row, original: { feed, key: message.key, value: message.value, position } });
      } else {
        const dl: DeadLetter = { feed, key: message.key, value: message.value, position, rejection: result.rejection };
        telemetry.rejected(dl);
        piece.rejected.push(dl);
      }
    }
    return piece;
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty()) return;
    const piece = decodeBatch(payload);
    heartbeats.add(payload.heartbeat);
    await batcher.add({ items: [piece], size: batch.messages.length });
    // A rebalance while we were storing gave this partition to another member, which re-reads from the
    // last commit; committing now would be harmless but racy, so leave it to the new owner.
    if (payload.isStale()) return;
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    await consumer.commitOffsets([{ topic, partition: batch.partition, offset: next }]);
    payload.resolveOffset(batch.lastOffset());
    telemetry.lag(topic, batch.partition, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(next))));
  }

  let started = false;
  let stopped: Promise<void> | undefined;
  return {
    feed,
    consumer,
    async start(): Promise<void> {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // Several partitions decode in parallel and share one ClickHouse insert.
        partitionsConsumedConcurrently: 8,
        eachBatch,
      });
      started = true;
      log.info({ topic, group: `${opts.groupPrefix}-${feed}` }, 'consuming');
    },
    /** Stops fetching, stores and commits what is in flight, leaves the group. Safe to call twice. */
    stop(): Promise<void> {
      stopped ??= (async () => {
        if (!started) return void (await consumer.disconnect().catch(() => undefined));
        // Flush now rather than wait for the timer; kafkajs's stop waits for running batches.
        const stopping_ = consumer.stop();
        void batcher.flushNow();
        await stopping_;
        stopping.abort();
        await consumer.disconnect();
        log.info('stopped');
      })();
      return stopped;
    },
    /** For shutdown deadlines: abandon storage retries so stop() can finish without committing. */
    abort(): void {
      stopping.abort();
    },
  };
}

export type FeedConsumer = ReturnType<typeof buildFeedConsumer>;

function rowBuilder(feed: Feed, hashPhone: PhoneHasher): (record: unknown, pos: SourcePosition) => Built {
  switch (feed) {
    case 'hotline':
      return (r, pos) => hotlineRow(r as Parameters<typeof hotlineRow>[0], pos, hashPhone);
    case 'media':
      return (r, pos) => mediaRow(r as Parameters<typeof mediaRow>[0], pos);
    case 'spotcheck':
      return (r, pos) => spotcheckRow(r as Parameters<typeof spotcheckRow>[0], pos);
  }
}
