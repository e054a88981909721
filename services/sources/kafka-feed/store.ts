import type { Producer } from 'kafkajs';
import type { ClickHouse } from '../../clients/clickhouse.ts';
import { QrmError, isRetryable } from '../../errors.ts';
import { backoffDelay, sleep } from '../../lib/backoff.ts';
import { insertEncodedRows, insertRows } from '../../sinks/clickhouse/insert.ts';
import { deadLetterRow, dlqHeaders, type DeadLetter } from '../../sinks/dlq/dead-letter.ts';
import { lineAt, type EncodedRows } from '../../transforms/normalize/row-buffer.ts';
import type { FeedTelemetry } from './telemetry.ts';

// Stores one flushed batch: rejected messages to the dead-letter topic, valid rows and dead-letter
// records to ClickHouse. Retryable failures are retried with backoff until they succeed or the service
// stops (then nothing is committed and the messages are read again on restart). Each step runs once
// per batch even across retries, so a retry after a ClickHouse outage does not re-publish to qrm.dlq.

/**
 * The valid rows of one Kafka batch, encoded, with the messages they came from (row i is message
 * i), kept in case ClickHouse still refuses a row. Arrays rather than an object per message: they
 * wait for the insert, and fewer objects is less for the garbage collector to trace.
 */
export type Accepted = EncodedRows & {
  feed: string;
  topic: string;
  partition: number;
  ingestedAt: number;
  keys: (Buffer | null)[];
  values: (Buffer | null)[];
  offsets: string[];
};

export type StoreDeps = {
  ch: ClickHouse;
  producer: Producer;
  dlqTopic: string;
  table: string;
  columns: readonly string[];
  telemetry: FeedTelemetry;
  retryMaxMs: number;
  signal: AbortSignal;
};

export async function storeBatch(deps: StoreDeps, accepted: Accepted[], rejected: DeadLetter[], heartbeat: () => Promise<void>): Promise<void> {
  let toPublish = rejected;
  let toRecord = rejected;
  let rows = accepted.filter((a) => a.ends.length > 0);
  let attempt = 0;
  for (;;) {
    try {
      if (toPublish.length > 0) {
        await publish(deps, toPublish);
        toPublish = [];
      }
      if (rows.length > 0) {
        try {
          const body = rows.length === 1 ? rows[0]!.body : Buffer.concat(rows.map((a) => a.body));
          const n = rows.reduce((sum, a) => sum + a.ends.length, 0);
          await timedInsert(deps, deps.table, () => insertEncodedRows(deps.ch, deps.table, deps.columns, body, n));
        } catch (err) {
          if (!(err instanceof QrmError) || err.code !== 'CLICKHOUSE_REJECTED') throw err;
          // Not a transient fault: store the rows ClickHouse takes and dead-letter the ones it
          // refuses, rather than stall the whole feed on them.
          const refused = await isolateRefused(deps, rows, err);
          toPublish = refused;
          toRecord = [...toRecord, ...refused];
          for (const d of refused) deps.telemetry.rejected(d);
        }
        rows = [];
        if (toPublish.length > 0) continue;
      }
      if (toRecord.length > 0) {
        await timedInsert(deps, 'dead_letters', () => insertRows(deps.ch, 'dead_letters', toRecord.map(deadLetterRow)));
        toRecord = [];
      }
      if (attempt > 0) deps.telemetry.storageRecovered(attempt);
      return;
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (deps.signal.aborted) {
        throw new QrmError('SHUTDOWN', 'insert', 'stopping while storage is unavailable; offsets not committed', { cause: err });
      }
      const delay = backoffDelay(attempt++, 200, deps.retryMaxMs);
      deps.telemetry.storageRetry(attempt, delay, err as Error);
      await heartbeat().catch(() => undefined);
      await sleep(delay, deps.signal);
    }
  }
}

async function timedInsert(deps: StoreDeps, table: string, insert: () => Promise<void>) {
  const started = performance.now();
  await insert();
  deps.telemetry.insertTimed(table, (performance.now() - started) / 1000);
}

async function publish(deps: StoreDeps, deadLetters: DeadLetter[]): Promise<void> {
  try {
    await deps.producer.send({
      topic: deps.dlqTopic,
      acks: -1,
      messages: deadLetters.map((d) => ({ key: d.key, value: d.value, headers: dlqHeaders(d) })),
    });
  } catch (err) {
    throw new QrmError('DLQ_PUBLISH_FAILED', 'dlq', `publishing ${deadLetters.length} dead letters: ${(err as Error).message}`, { cause: err });
  }
}

/** Inserts rows one at a time; returns dead letters for the ones ClickHouse refuses. */
async function isolateRefused(deps: StoreDeps, rows: Accepted[], cause: QrmError): Promise<DeadLetter[]> {
  const refused: DeadLetter[] = [];
  for (const a of rows) {
    for (let i = 0; i < a.ends.length; i++) {
      try {
        await insertEncodedRows(deps.ch, deps.table, deps.columns, lineAt(a, i), 1);
      } catch (err) {
        if (isRetryable(err)) throw err;
        refused.push({
          feed: a.feed,
          key: a.keys[i]!,
          value: a.values[i]!,
          position: { topic: a.topic, partition: a.partition, offset: a.offsets[i]!, ingestedAt: a.ingestedAt },
          rejection: { reasonCode: 'storage_rejected', reason: `ClickHouse refused the row: ${(err as Error).message.slice(0, 300)}` },
        });
      }
    }
  }
  deps.telemetry.storageRejectedRows(deps.table, refused.length, cause);
  return refused;
}
