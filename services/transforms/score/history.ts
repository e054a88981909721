import { readFileSync } from 'node:fs';
import { TupleParam } from '@clickhouse/client';
import type { ClickHouse } from '../../clients/clickhouse.ts';
import { chTime } from '../normalize/rows.ts';

// Complaint history for the baselines, sealed. Merging the exact voice states of 462 days for every
// cell was most of a pass's time, yet a finished day's counts never change unless late data arrives.
// So each Beijing day is sealed once into plain numbers (complaints_voices_daily) together with the
// day's `inserts` total, which grows with every complaint written into the day; a pass reads a day's
// numbers only while that total is unchanged, and merges the day's states otherwise. Late data thus
// counts at the next pass, re-sealed or not, and a pass stays a pure function of the stored data.

/** Days of complaint history a pass reads: 66 weeks, enough for a year back plus the seasonal weeks. */
export const historyDays = 462;

/**
 * Days sealed per statement, all of one month: complaints_daily is partitioned by month and ordered by
 * cell first, so a statement reads its month's partition whole; 16 days bound the states it merges
 * (about 1 M cell-days at 100 k active cells).
 */
const sealBatchDays = 16;

/** Stale days in batches of at most `sealBatchDays`, never across a month. */
function sealBatches(days: string[]): string[][] {
  const batches: string[][] = [];
  for (const day of days) {
    const last = batches.at(-1);
    if (last && last.length < sealBatchDays && last[0]!.slice(0, 7) === day.slice(0, 7)) last.push(day);
    else batches.push([day]);
  }
  return batches;
}

const sql = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
const staleDaysSql = sql('stale-days.sql');
const sealSql = sql('seal.sql');
const sealedDaysSql = sql('sealed-days.sql');

/** The history days of a pass at `t`: sealed ones with the total they were sealed at, and the rest. */
export type HistoryDays = { sealed: { day: string; inserts: number }[]; stale: string[] };

const render = (text: string, db: string) => text.replaceAll('{{db}}', db);

export async function historyDaysAt(ch: ClickHouse, t: Date): Promise<HistoryDays> {
  const rs = await ch.client.query({
    query: render(staleDaysSql, ch.database),
    query_params: { t: chTime(t.getTime()), history_days: historyDays },
    format: 'JSONEachRow',
  });
  const rows = (await rs.json()) as { day: string; inserts: number; sealed: number | boolean }[];
  return {
    sealed: rows.filter((r) => r.sealed).map((r) => ({ day: r.day, inserts: Number(r.inserts) })),
    stale: rows.filter((r) => !r.sealed).map((r) => r.day),
  };
}

/**
 * Seals every history day of a pass at `t` whose data changed since it was last sealed (at first,
 * all of them; afterwards, typically the last day or two), and returns the days as the pass should
 * read them. Passes never run concurrently (the score service skips an overrunning slot), so a day's
 * rows are complete before sealed-days.sql marks it.
 */
export async function sealHistory(ch: ClickHouse, t: Date): Promise<HistoryDays> {
  const before = await historyDaysAt(ch, t);
  if (before.stale.length === 0) return before;
  for (const days of sealBatches(before.stale)) {
    await ch.client.command({ query: render(sealSql, ch.database), query_params: { days } });
    await ch.client.command({ query: render(sealedDaysSql, ch.database), query_params: { days } });
  }
  return historyDaysAt(ch, t);
}

/** Query parameters for score.sql. */
export function historyParams(days: HistoryDays): Record<string, unknown> {
  return { history_days: historyDays, sealed: days.sealed.map((d) => new TupleParam([d.day, d.inserts])), stale: days.stale };
}
