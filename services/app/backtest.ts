import type { Logger } from 'pino';
import type { ClickHouse } from '../clients/clickhouse.ts';
import type { Config } from '../config/index.ts';
import { insertEncodedRows } from '../sinks/clickhouse/insert.ts';
import { readEvents } from '../sources/ndjson/events-file.ts';
import { decoder } from '../transforms/normalize/decode.ts';
import { phoneHasher } from '../transforms/normalize/pii.ts';
import { RowBuffer } from '../transforms/normalize/row-buffer.ts';
import { chTimeMs, columns, lineBuilder, tables } from '../transforms/normalize/rows.ts';
import type { AlarmZ } from '../transforms/score/alarm.ts';
import { seriesPass } from '../transforms/score/pass.ts';
import { step, type OpenWarning, type WarningEvent } from '../transforms/warnings/state.ts';
import type { Feed } from '../../schemas/feeds/v1/index.ts';

// Backtesting: load an events file through the same decoding and normalisation as the consumers,
// then evaluate the same scoring SQL and warning state machine at every step. Each pass sees only
// what was known at its time, because the SQL bounds every read by `t`.

export type LoadReport = { accepted: number; rejected: number; reasons: Record<string, number> };

export async function loadEvents(ch: ClickHouse, config: Config, path: string, piiKey: string): Promise<LoadReport> {
  const decoders = {
    hotline: decoder('hotline', { maxBytes: config.ingest.maxMessageBytes, maxDepth: config.ingest.maxJsonDepth, now: Date.now }),
    media: decoder('media', { maxBytes: config.ingest.maxMessageBytes, maxDepth: config.ingest.maxJsonDepth, now: Date.now }),
    spotcheck: decoder('spotcheck', { maxBytes: config.ingest.maxMessageBytes, maxDepth: config.ingest.maxJsonDepth, now: Date.now }),
  };
  const hash = phoneHasher(piiKey);
  const encoders = { hotline: lineBuilder('hotline', hash), media: lineBuilder('media', hash), spotcheck: lineBuilder('spotcheck', hash) };
  const report: LoadReport = { accepted: 0, rejected: 0, reasons: {} };
  const pending: Record<Feed, RowBuffer> = { hotline: new RowBuffer(), media: new RowBuffer(), spotcheck: new RowBuffer() };
  const flush = async (feed: Feed) => {
    if (pending[feed].rows === 0) return;
    const rows = pending[feed].take();
    await insertEncodedRows(ch, tables[feed], columns[feed], rows.body, rows.ends.length);
  };
  const ingestedAt = Date.now();
  for await (const m of readEvents(path, config.kafka.topics)) {
    if (!('feed' in m)) {
      report.rejected++;
      report.reasons.bad_line = (report.reasons.bad_line ?? 0) + 1;
      continue;
    }
    const d = decoders[m.feed](m.value);
    if (!d.ok) {
      report.rejected++;
      report.reasons[d.rejection.reasonCode] = (report.reasons[d.rejection.reasonCode] ?? 0) + 1;
      continue;
    }
    const pos = { topic: config.kafka.topics[m.feed], partition: 0, offset: String(m.line), ingestedAt };
    const built = encoders[m.feed](d.record, pos);
    pending[m.feed].push(built.line);
    report.accepted++;
    if (pending[m.feed].rows >= 50_000) await flush(m.feed);
  }
  for (const feed of Object.keys(pending) as Feed[]) await flush(feed);
  return report;
}

/** The span of event times in the loaded data, for default --from/--to. */
export async function eventSpan(ch: ClickHouse): Promise<{ first: Date; last: Date } | undefined> {
  const rs = await ch.client.query({
    query: `SELECT min(t) AS first, max(t) AS last FROM (
      SELECT received_at AS t FROM ${ch.database}.complaints UNION ALL
      SELECT published_at FROM ${ch.database}.media_items UNION ALL
      SELECT coalesce(published_at, sampled_at) FROM ${ch.database}.spot_checks)`,
    format: 'JSONEachRow',
  });
  const [row] = (await rs.json()) as { first: string; last: string }[];
  if (!row || row.first.startsWith('1970')) return undefined;
  return { first: new Date(chTimeMs(row.first)), last: new Date(chTimeMs(row.last)) };
}

export async function evaluate(
  ch: ClickHouse,
  o: { from: Date; to: Date; stepMs: number; alarmZ: AlarmZ; onEvents: (events: WarningEvent[]) => void; onProgress?: (done: number, total: number) => void; log: Logger },
): Promise<{ passes: number; events: number }> {
  let open = new Map<string, OpenWarning>();
  const total = Math.floor((o.to.getTime() - o.from.getTime()) / o.stepMs) + 1;
  let events = 0;
  for (let i = 0; i < total; i++) {
    const t = new Date(o.from.getTime() + i * o.stepMs);
    const cells = await seriesPass(ch, t, o.stepMs, { alarmZ: o.alarmZ });
    const result = step(open, cells, t);
    open = result.open;
    events += result.events.length;
    o.onEvents(result.events);
    o.onProgress?.(i + 1, total);
  }
  return { passes: total, events };
}
