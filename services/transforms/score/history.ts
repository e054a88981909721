import { TupleParam } from '@clickhouse/client';
import type { ClickHouse } from '../../clients/clickhouse.ts';
import { render, sqlFile } from '../../sinks/clickhouse/sql.ts';
import { chTime } from '../normalize/rows.ts';

// History for the baselines, sealed. Merging the exact voice states of 462 days (complaints) and the
// item sets of 98 days (media) for every cell was most of a pass's time, yet a finished day's counts
// never change unless late data arrives. So each day is sealed once into plain numbers together with
// the day's `inserts` total, which grows with every row written into the day; a pass reads a day's
// numbers only while that total is unchanged, and merges the day's states otherwise. Late data thus
// counts at the next pass, re-sealed or not, and a pass stays a pure function of the stored data.
// Complaint days are Beijing days (complaints_voices_daily, per cell and day); media days are UTC days
// (media_negativity_hourly, per cell and hour, since its windows are 24-hour spans ending at t's hour).

/** Days of complaint history a pass reads: 66 weeks, enough for a year back plus the seasonal weeks. */
export const historyDays = 462;

/** Days of media history a pass reads: fourteen weeks of 24-hour spans back from t's hour. */
export const mediaHistoryDays = 98;

const sql = (name: string) => sqlFile(import.meta.url, name);

type Source = { staleDays: string; seal: string; sealedDays: string; params: Record<string, number>; batchDays: number };

const sources: Record<'complaints' | 'media', Source> = {
  complaints: {
    staleDays: sql('complaints-stale-days.sql'),
    seal: sql('complaints-seal.sql'),
    sealedDays: sql('complaints-sealed-days.sql'),
    params: { history_days: historyDays },
    // complaints_daily is partitioned by month and ordered by cell first, so a statement reads its
    // month's partition whole; 16 days bound the states it merges (about 1 M cell-days at 100 k
    // active cells).
    batchDays: 16,
  },
  media: {
    staleDays: sql('media-stale-days.sql'),
    seal: sql('media-seal.sql'),
    sealedDays: sql('media-sealed-days.sql'),
    params: { media_history_days: mediaHistoryDays },
    // A month of media is about a tenth of a month of complaints: one statement per month.
    batchDays: 31,
  },
};

/** Stale days in batches of at most `size`, never across a month. */
function sealBatches(days: string[], size: number): string[][] {
  const batches: string[][] = [];
  for (const day of days) {
    const last = batches.at(-1);
    if (last && last.length < size && last[0]!.slice(0, 7) === day.slice(0, 7)) last.push(day);
    else batches.push([day]);
  }
  return batches;
}

/** The days of one source a pass at `t` reads: sealed ones with the total they were sealed at, and the rest. */
export type HistoryDays = { sealed: { day: string; inserts: number }[]; stale: string[] };

export type History = { complaints: HistoryDays; media: HistoryDays };


async function daysAt(ch: ClickHouse, t: Date, source: Source): Promise<HistoryDays> {
  const rs = await ch.client.query({
    query: render(source.staleDays, ch.database),
    query_params: { t: chTime(t.getTime()), ...source.params },
    format: 'JSONEachRow',
  });
  const rows = (await rs.json()) as { day: string; inserts: number; sealed: number | boolean }[];
  return {
    sealed: rows.filter((r) => r.sealed).map((r) => ({ day: r.day, inserts: Number(r.inserts) })),
    stale: rows.filter((r) => !r.sealed).map((r) => r.day),
  };
}

export async function historyDaysAt(ch: ClickHouse, t: Date): Promise<History> {
  return { complaints: await daysAt(ch, t, sources.complaints), media: await daysAt(ch, t, sources.media) };
}

/**
 * Seals every history day of a pass at `t` whose data changed since it was last sealed (at first,
 * all of them; afterwards, typically the last day or two), and returns the days as the pass should
 * read them. Passes never run concurrently (the score service skips an overrunning slot), so a day's
 * rows are complete before the sealed-days statement marks it.
 */
export async function sealHistory(ch: ClickHouse, t: Date): Promise<History> {
  return { complaints: await sealSource(ch, t, sources.complaints), media: await sealSource(ch, t, sources.media) };
}

async function sealSource(ch: ClickHouse, t: Date, source: Source): Promise<HistoryDays> {
  const before = await daysAt(ch, t, source);
  if (before.stale.length === 0) return before;
  for (const days of sealBatches(before.stale, source.batchDays)) {
    await ch.client.command({ query: render(source.seal, ch.database), query_params: { days } });
    await ch.client.command({ query: render(source.sealedDays, ch.database), query_params: { days } });
  }
  return daysAt(ch, t, source);
}

/** Query parameters for score.sql. */
export function historyParams(h: History): Record<string, unknown> {
  const sealed = (days: HistoryDays) => days.sealed.map((d) => new TupleParam([d.day, d.inserts]));
  return {
    ...sources.complaints.params,
    ...sources.media.params,
    sealed: sealed(h.complaints),
    stale: h.complaints.stale,
    media_sealed: sealed(h.media),
    media_stale: h.media.stale,
  };
}
