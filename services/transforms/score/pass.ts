import type { ClickHouse } from '../../clients/clickhouse.ts';
import { render, sqlFile } from '../../sinks/clickhouse/sql.ts';
import { chTime } from '../normalize/rows.ts';
import { alarmParams, DEFAULT_ALARM_Z, type AlarmZ } from './alarm.ts';
import { daySignalsFor, stageDaySignals, type DaySignalsMode } from './day-signals.ts';
import { buildEvidence, type Evidence, type ScoreRow } from './evidence.ts';
import { historyParams, sealHistory, type History } from './history.ts';
import { levelFor, type Level } from './levels.ts';

// One scoring pass: seal the complaint and media history, score.sql for every region level at once
// (reading the day's spot-check and concentration signals from their stage if one is trusted,
// day-signals.ts), then sample record ids for the cells that reach a warning level. The result
// depends only on the stored data, `t` and the county complaint windows' alarm thresholds.

// Rollups (prefecture, province) are scored only when at least two of their counties have data;
// otherwise they would repeat their one county.
export type RegionLevel = 'county' | 'prefecture' | 'province';

export type ScoredCell = {
  productCode: string;
  regionCode: string;
  regionLevel: RegionLevel;
  score: number;
  level: Level | undefined;
  complaintZ: number;
  spotcheckZ: number;
  mediaZ: number;
  evidence: Evidence;
};

const sql = (name: string) => sqlFile(import.meta.url, name);
const scoreSql = sql('score.sql');
const samplesSql = sql('samples.sql');

/**
 * alarmZ: the county complaint thresholds (defaults to qrm's); samples: false skips the sample record
 * ids (calibrate reads none); daySignals: 'inline' computes the day's spot-check and concentration
 * signals within the pass even when a stage of them exists (day-signals.ts). Either gives the same
 * cells.
 */
export type PassOptions = { alarmZ?: AlarmZ; samples?: boolean; daySignals?: DaySignalsMode };

export async function scorePass(ch: ClickHouse, t: Date, options: PassOptions = {}): Promise<ScoredCell[]> {
  return scoreWithHistory(ch, t, await sealHistory(ch, t), options);
}

/**
 * A pass of a series `stepMs` apart (a backtest, `qrm calibrate`). Passes that share a UTC day stage
 * its spot-check and concentration signals after them, as the score service does; a daily pass would
 * only look for a stage that is never there, so it computes them inline.
 */
export async function seriesPass(ch: ClickHouse, t: Date, stepMs: number, options: Omit<PassOptions, 'daySignals'> = {}): Promise<ScoredCell[]> {
  const stages = stepMs < 86_400_000;
  const cells = await scorePass(ch, t, { ...options, daySignals: stages ? 'staged' : 'inline' });
  if (stages) await stageDaySignals(ch, t);
  return cells;
}

/** The pass with its history days as given: sealed ones read as numbers, stale ones merged from states. */
export async function scoreWithHistory(
  ch: ClickHouse,
  t: Date,
  history: History,
  { alarmZ = DEFAULT_ALARM_Z, samples: withSamples = true, daySignals = 'staged' }: PassOptions = {},
): Promise<ScoredCell[]> {
  const rs = await ch.client.query({ ...(await passQuery(ch, t, history, { alarmZ, daySignals })), format: 'JSONEachRow' });
  const rows = (await rs.json()) as (ScoreRow & { region_level: RegionLevel })[];
  const samples = withSamples ? await sampleIds(ch, t, rows.filter((r) => levelFor(r.score) !== undefined)) : new Map<string, Record<string, string[]>>();
  return rows.map((r) => ({
    productCode: r.product_code,
    regionCode: r.region_code,
    regionLevel: r.region_level,
    score: r.score,
    level: levelFor(r.score),
    complaintZ: round(r.complaint_z),
    spotcheckZ: round(r.spotcheck_z),
    mediaZ: round(r.media_z),
    evidence: buildEvidence(r, samples.get(`${r.product_code}|${r.region_code}`) ?? {}),
  }));
}

/** score.sql as a pass at `t` runs it: the statement and its query parameters. */
export async function passQuery(
  ch: ClickHouse,
  t: Date,
  history: History,
  { alarmZ = DEFAULT_ALARM_Z, daySignals = 'staged' }: Pick<PassOptions, 'alarmZ' | 'daySignals'> = {},
): Promise<{ query: string; query_params: Record<string, unknown> }> {
  const pass = await daySignalsFor(ch, t, scoreSql, daySignals);
  return {
    query: render(pass.sql, ch.database),
    query_params: { t: chTime(t.getTime()), ...historyParams(history), ...alarmParams(alarmZ), ...pass.params },
  };
}

async function sampleIds(ch: ClickHouse, t: Date, rows: ScoreRow[]): Promise<Map<string, Record<string, string[]>>> {
  const byCell = new Map<string, Record<string, string[]>>();
  if (rows.length === 0) return byCell;
  const rs = await ch.client.query({
    query: render(samplesSql, ch.database),
    query_params: { t: chTime(t.getTime()), cells: rows.map((r) => `${r.product_code}|${r.region_code}`) },
    format: 'JSONEachRow',
  });
  for (const r of (await rs.json()) as { product_code: string; cell: string; source: string; ids: string[] }[]) {
    const key = `${r.product_code}|${r.cell}`;
    byCell.set(key, { ...byCell.get(key), [r.source]: r.ids });
  }
  return byCell;
}

export function scoreRows(t: Date, cells: ScoredCell[]): Record<string, unknown>[] {
  return cells.map((c) => ({
    evaluated_at: chTime(t.getTime()),
    product_code: c.productCode,
    region_code: c.regionCode,
    region_level: c.regionLevel,
    score: c.score,
    level: c.level ?? '',
    complaint_z: c.complaintZ,
    spotcheck_z: c.spotcheckZ,
    media_z: c.mediaZ,
    evidence: JSON.stringify(c.evidence),
  }));
}

const round = (x: number) => Math.round(x * 100) / 100;
