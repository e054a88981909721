import type { Logger } from 'pino';
import type { IngestMetrics } from '../../telemetry/metrics.ts';
import type { DeadLetter } from '../../sinks/dlq/dead-letter.ts';

// One helper per thing that happens in a feed consumer: each logs and counts together, so a log line
// and a metric can never disagree about what happened. Logs carry positions, never message content.

export function feedTelemetry(feed: string, log: Logger, m: IngestMetrics) {
  return {
    stored(rows: number, rejected: number, seconds: number) {
      m.records.inc({ feed, outcome: 'stored' }, rows);
      if (rejected) m.records.inc({ feed, outcome: 'rejected' }, rejected);
      m.batchSize.observe({ feed }, rows + rejected);
      log.debug({ rows, rejected, seconds }, 'batch stored');
    },
    rejected(d: DeadLetter) {
      m.deadLetters.inc({ feed, reason: d.rejection.reasonCode });
      log.info(
        { topic: d.position.topic, partition: d.position.partition, offset: d.position.offset, reason: d.rejection.reasonCode, field: d.rejection.field },
        `dead-lettered: ${d.rejection.reason.slice(0, 300)}`,
      );
    },
    defect(defect: string, n = 1) {
      m.defects.inc({ feed, defect }, n);
    },
    insertTimed(table: string, seconds: number) {
      m.insertDuration.observe({ table }, seconds);
    },
    storageRetry(attempt: number, delayMs: number, err: Error) {
      m.insertRetries.inc({ feed });
      m.paused.set({ feed }, 1);
      log.warn({ attempt, delayMs, err: err.message }, 'storage unavailable; consumption paused, retrying');
    },
    storageRecovered(attempts: number) {
      m.paused.set({ feed }, 0);
      log.info({ attempts }, 'storage back; consumption resumed');
    },
    storageRejectedRows(table: string, n: number, cause: Error) {
      log.error({ table, rows: n, err: cause.message }, 'ClickHouse refused rows that passed validation; dead-lettered them');
    },
    commitFailed(err: Error) {
      m.commitFailures.inc({ feed, stage: 'commit' });
      log.warn({ err: err.message }, 'offset commit failed; the next commit carries these offsets too');
    },
    storeFailed(err: Error, partitions: number) {
      m.commitFailures.inc({ feed, stage: 'insert' });
      log.error({ err: err.message, partitions }, 'storing a batch failed; reading again from the last stored offsets');
    },
    lag(topic: string, partition: number, lag: number) {
      m.lag.set({ topic, partition: String(partition) }, lag);
    },
  };
}

export type FeedTelemetry = ReturnType<typeof feedTelemetry>;
