import type { ClickHouse } from '../../clients/clickhouse.ts';
import { render, sqlFile } from '../../sinks/clickhouse/sql.ts';
import { chTime } from '../normalize/rows.ts';

// History for the baselines, sealed. Merging the exact voice states of 462 days (complaints) and the
// item sets of 98 days (media) for every cell was most of a pass's time, yet a finished day's counts
// never change unless late data arrives. So each day is sealed once into plain numbers together with
// the day's `inserts` total, which grows with every row written into the day; a pass reads a day's
// numbers only while that total is unchanged, and merges the day's states otherwise. Late data thus
// counts at the next pass, re-sealed or not, and a pass stays a pure function of the stored data.
//
// Sealing is not exclusive: two passes may seal the same day at once (a second score replica, a
// manual `qrm score --at`), and a process that dies half-way through a seal leaves rows that are never
// marked, which the next pass seals again. Either way a day can hold its numbers twice at the same
// total. Identical rows share their sort key and version, so score.sql reads the sealed tables with
// FINAL and counts each once; its cost is small once ClickHouse has merged a month into one part,
// which it does in the background. A sealed day is one whose current total has been marked, so
// FINAL (which keeps each cell's row of the highest total) keeps exactly the rows sealed at that
// total: no later total exists, totals only grow, and the marked seal stored every cell.
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

/** The days of one source a pass at `t` reads: sealed ones (their current total is marked) and the rest. */
export type HistoryDays = { sealed: string[]; stale: string[] };

export type History = { complaints: HistoryDays; media: HistoryDays };


async function daysAt(ch: ClickHouse, t: Date, source: Source): Promise<HistoryDays> {
  const rs = await ch.client.query({
    query: render(source.staleDays, ch.database),
    query_params: { t: chTime(t.getTime()), ...source.params },
    format: 'JSONEachRow',
  });
  const rows = (await rs.json()) as { day: string; sealed: number | boolean }[];
  return {
    sealed: rows.filter((r) => r.sealed).map((r) => r.day),
    stale: rows.filter((r) => !r.sealed).map((r) => r.day),
  };
}

export async function historyDaysAt(ch: ClickHouse, t: Date): Promise<History> {
  return { complaints: await daysAt(ch, t, sources.complaints), media: await daysAt(ch, t, sources.media) };
}

/**
 * Seals every history day of a pass at `t` whose data changed since it was last sealed (at first,
 * all of them; afterwards, typically the last day or two), and returns the days as the pass should
 * read them. A seal marks a day only after storing its rows. It marks the day's highest stored total,
 * so while another pass is still storing a newer total of the same day (late data arriving between
 * two concurrent seals), a pass may read that day's older rows for some cells: the late data then
 * counts one pass later, as late data does anyway; nothing counts twice.
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
  return {
    ...sources.complaints.params,
    ...sources.media.params,
    sealed: h.complaints.sealed,
    stale: h.complaints.stale,
    media_sealed: h.media.sealed,
    media_stale: h.media.stale,
  };
}
