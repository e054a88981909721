import { randomUUID } from 'node:crypto';
import type { ClickHouse } from '../../clients/clickhouse.ts';
import { chTime, chTimeMs } from '../../transforms/normalize/rows.ts';
import type { Silence } from '../../transforms/alerting/intents.ts';
import { insertRows } from '../clickhouse/insert.ts';

// Silences, acknowledgements and inspection outcomes: what people tell qrm, recorded in ClickHouse
// so dashboards and later calibration can use them. The CLI and the HTTP API both go through here.

export type SilenceInput = { productCode?: string; regionPrefix?: string; startsAt?: number; endsAt: number; author: string; reason: string };

export async function addSilence(ch: ClickHouse, s: SilenceInput, now = Date.now()): Promise<string> {
  const silenceId = `S-${randomUUID().slice(0, 8)}`;
  await insertRows(ch, 'silences', [
    {
      silence_id: silenceId,
      product_code: s.productCode ?? '',
      region_prefix: s.regionPrefix ?? '',
      starts_at: chTime(s.startsAt ?? now),
      ends_at: chTime(s.endsAt),
      author: s.author,
      reason: s.reason,
      created_at: chTime(now),
      updated_at: chTime(now),
    },
  ]);
  return silenceId;
}

export type SilenceRow = { silence_id: string; product_code: string; region_prefix: string; starts_at: string; ends_at: string; author: string; reason: string; created_at: string };

export async function listSilences(ch: ClickHouse, o: { activeAt?: number } = {}): Promise<SilenceRow[]> {
  const rs = await ch.client.query({
    query: `SELECT silence_id, product_code, region_prefix, starts_at, ends_at, author, reason, created_at FROM ${ch.database}.silences
            WHERE {at:Nullable(DateTime64(3, 'UTC'))} IS NULL OR (starts_at <= {at:Nullable(DateTime64(3, 'UTC'))} AND ends_at > {at:Nullable(DateTime64(3, 'UTC'))})
            ORDER BY created_at`,
    query_params: { at: o.activeAt === undefined ? null : chTime(o.activeAt) },
    format: 'JSONEachRow',
  });
  return (await rs.json()) as SilenceRow[];
}

export async function expireSilence(ch: ClickHouse, silenceId: string, now = Date.now()): Promise<boolean> {
  const [row] = (await listSilences(ch)).filter((s) => s.silence_id === silenceId);
  if (!row) return false;
  await insertRows(ch, 'silences', [{ ...row, ends_at: chTime(now), updated_at: chTime(now) }]);
  return true;
}

export const toSilence = (r: SilenceRow): Silence => ({
  silenceId: r.silence_id,
  productCode: r.product_code,
  regionPrefix: r.region_prefix,
  startsAt: chTimeMs(r.starts_at),
  endsAt: chTimeMs(r.ends_at),
});

export type Feedback = { warningId: string; kind: 'ack' | 'outcome'; author: string; comment: string; enterprisesInspected?: number; violationsFound?: number };

export async function recordFeedback(ch: ClickHouse, f: Feedback, now = Date.now()): Promise<void> {
  await insertRows(ch, 'warning_feedback', [
    {
      warning_id: f.warningId,
      kind: f.kind,
      at: chTime(now),
      author: f.author,
      comment: f.comment,
      enterprises_inspected: f.enterprisesInspected ?? 0,
      violations_found: f.violationsFound ?? 0,
    },
  ]);
}

export async function acknowledgedWarnings(ch: ClickHouse, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rs = await ch.client.query({
    query: `SELECT DISTINCT warning_id FROM ${ch.database}.warning_feedback WHERE kind = 'ack' AND warning_id IN {ids:Array(String)}`,
    query_params: { ids },
    format: 'JSONEachRow',
  });
  return new Set(((await rs.json()) as { warning_id: string }[]).map((r) => r.warning_id));
}
