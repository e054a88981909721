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
import { columns, lineBuilder, tables, type SourcePosition } from '../../transforms/normalize/rows.ts';
import { RowBuffer } from '../../transforms/normalize/row-buffer.ts';
import { Batcher } from './batcher.ts';
import { Committer } from './commit.ts';
import { OffsetTracker } from './offsets.ts';
import { storeBatch, type Accepted } from './store.ts';
import { feedTelemetry } from './telemetry.ts';

// One feed: a consumer group reading its topic, decoding each message, and storing batches. eachBatch
// hands its rows to the batcher and returns without waiting for the insert, so fetching, decoding and
// inserting overlap; offsets are committed only once the batch holding them, and every earlier batch
// of its partition, is stored (offsets.ts). A crash at any point re-reads, never skips; re-reading is
// harmless because every table collapses records by identity.

export type FeedConsumerDeps = {
  kafka: Kafka;
  producer: Producer;
  ch: ClickHouse;
  log: Logger;
  metrics: IngestMetrics;
  hashPhone: PhoneHasher;
};

export type FeedConsumerOptions = IngestConfig & { feed: Feed; topic: string; dlqTopic: string };

type Piece = { accepted: Accepted; rejected: DeadLetter[] };

export function buildFeedConsumer(opts: FeedConsumerOptions, deps: FeedConsumerDeps) {
  const { feed, topic } = opts;
  const log = deps.log.child({ component: 'ingest', feed });
  const telemetry = feedTelemetry(feed, log, deps.metrics);
  const decode = decoder(feed, { maxBytes: opts.maxMessageBytes, maxDepth: opts.maxJsonDepth, now: Date.now });
  const toRow = lineBuilder(feed, deps.hashPhone);
  // Scratch space for one Kafka batch's rows; take() copies them out, so it is reused.
  const encoded = new RowBuffer();
  const stopping = new AbortController();
  const consumer: Consumer = deps.kafka.consumer({
    groupId: `${opts.groupPrefix}-${feed}`,
    // Fetch sizes bound memory as much as the batcher does: 2 MB per partition keeps batches large
    // without holding tens of megabytes of raw messages per feed.
    maxBytesPerPartition: 2 * 1_048_576,
    maxBytes: 8 * 1_048_576,
    // How long a fetch waits for data; short keeps shutdown prompt (stop() waits for the fetch in
    // flight) and, on brokers that answer an empty fetch only at the deadline, latency low.
    maxWaitTimeInMs: opts.fetchMaxWaitMs,
    sessionTimeout: opts.sessionTimeoutMs,
    heartbeatInterval: Math.min(3_000, Math.floor(opts.sessionTimeoutMs / 3)),
  });

  let heartbeats = new Set<() => Promise<void>>();
  const batcher = new Batcher<Piece>({
    maxRows: opts.batchMaxRows,
    maxWaitMs: opts.batchMaxWaitMs,
    flush: async (parts) => {
      const accepted = parts.flatMap((p) => p.items.map((i) => i.accepted));
      const rows = accepted.reduce((n, a) => n + a.ends.length, 0);
      const rejected = parts.flatMap((p) => p.items.flatMap((i) => i.rejected));
      const started = performance.now();
      const beats = heartbeats;
      heartbeats = new Set();
      await storeBatch(
        { ch: deps.ch, producer: deps.producer, dlqTopic: opts.dlqTopic, table: tables[feed], columns: columns[feed], telemetry, retryMaxMs: opts.retryMaxMs, signal: stopping.signal },
        accepted,
        rejected,
        async () => {
          await Promise.all([...beats].map((b) => b()));
        },
      );
      telemetry.stored(rows, rejected.length, (performance.now() - started) / 1000);
      failpoint('ingest.after-store');
    },
  });

  const tracker = new OffsetTracker();
  const committer = new Committer({
    tracker,
    commit: (offsets) => consumer.commitOffsets(offsets.map((o) => ({ topic, partition: o.partition, offset: o.offset }))),
    onCommitted: (offsets) => {
      for (const o of offsets) telemetry.lag(topic, o.partition, o.lag);
    },
    onError: (err) => telemetry.commitFailed(err as Error),
  });

  /**
   * Storage failed for good (not a retryable outage: those are retried inside storeBatch). Later
   * batches may already be read, so read every partition again from its oldest uncommitted batch.
   */
  function rewind(err: unknown): void {
    const points = tracker.rewindPoints();
    tracker.reset();
    committer.reset();
    telemetry.storeFailed(err as Error, points.length);
    for (const p of points) {
      try {
        consumer.seek({ topic, partition: p.partition, offset: p.offset });
      } catch {
        // The consumer has stopped (shutdown): the next start reads from the last commit anyway.
      }
    }
  }

  let active = 0;

  function decodeBatch({ batch }: EachBatchPayload): Piece {
    const ingestedAt = Date.now();
    const { partition } = batch;
    const keys: (Buffer | null)[] = [];
    const values: (Buffer | null)[] = [];
    const offsets: string[] = [];
    const rejected: DeadLetter[] = [];
    for (const message of batch.messages) {
      const position: SourcePosition = { topic, partition, offset: message.offset, ingestedAt };
      const result = decode(message.value);
      if (result.ok) {
        const built = toRow(result.record, position);
        for (const defect of built.defects) telemetry.defect(defect);
        encoded.push(built.line);
        keys.push(message.key);
        values.push(message.value);
        offsets.push(message.offset);
      } else {
        const dl: DeadLetter = { feed, key: message.key, value: message.value, position, rejection: result.rejection };
        telemetry.rejected(dl);
        rejected.push(dl);
      }
    }
    return { accepted: { ...encoded.take(), feed, topic, partition, ingestedAt, keys, values, offsets }, rejected };
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    // A seek (rewind) is pending for this partition: kafkajs fetches again from there.
    if (batch.isEmpty() || payload.isStale()) return;
    active++;
    try {
      const piece = decodeBatch(payload);
      heartbeats.add(payload.heartbeat);
      const outcome = tracker.track(batch.partition, batch.firstOffset()!, batch.lastOffset(), batch.highWatermark);
      const stored = batcher.add({ items: [piece], size: batch.messages.length });
      stored.then(
        () => {
          outcome.stored();
          void committer.poke();
        },
        (err: unknown) => {
          if (outcome.failed()) rewind(err);
        },
      );
      // Moves only kafkajs's read position (autoCommit is off): the commit follows storage.
      payload.resolveOffset(batch.lastOffset());
      // Backpressure: past two batches' worth of rows waiting for storage, stop fetching until
      // this batch is stored, so a slow ClickHouse holds the consumer instead of filling memory.
      if (batcher.bufferedRows > 2 * opts.batchMaxRows) await stored.catch(() => undefined);
    } finally {
      active--;
    }
  }

  /** Stores what was read and commits it, before kafkajs stops (it ignores commits after that). */
  async function drain(): Promise<void> {
    for (;;) {
      await batcher.flushNow();
      await committer.poke();
      if (active === 0 && batcher.bufferedRows === 0 && tracker.pendingBatches === 0 && committer.uncommitted === 0) return;
      if (tracker.failed || stopping.signal.aborted) return;
      // A batch still being decoded, or one failed commit to try again.
      await new Promise((r) => setTimeout(r, 10));
    }
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
        // No new fetches, then store and commit everything read, then leave the group.
        consumer.pause([{ topic }]);
        try {
          await drain();
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'could not store and commit everything before stopping');
        }
        await consumer.stop();
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
