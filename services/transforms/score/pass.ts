import { readFileSync } from 'node:fs';
import type { ClickHouse } from '../../clients/clickhouse.ts';
import { chTime } from '../normalize/rows.ts';
import { buildEvidence, type Evidence, type ScoreRow } from './evidence.ts';
import { levelFor, type Level } from './levels.ts';

// One scoring pass: score.sql at each region level, then sample record ids for the cells that reach
// a warning level. The result depends only on the stored data and `t`.

export const regionLevels = {
  county: { cell: 'region_code', minCounties: 1 },
  // Rollups matter when a problem is spread over several counties; a prefecture with one active
  // county would only repeat that county's score.
  prefecture: { cell: 'substring(region_code, 1, 4)', minCounties: 2 },
  province: { cell: 'substring(region_code, 1, 2)', minCounties: 2 },
} as const;

export type RegionLevel = keyof typeof regionLevels;

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

const sql = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
const scoreSql = sql('score.sql');
const samplesSql = sql('samples.sql');

function render(text: string, db: string, level: RegionLevel): string {
  // Both substitutions come from this module's fixed table above and validated configuration.
  return text.replaceAll('{{db}}', db).replaceAll('{{cell}}', regionLevels[level].cell);
}

export async function scorePass(ch: ClickHouse, t: Date): Promise<ScoredCell[]> {
  const out: ScoredCell[] = [];
  for (const level of Object.keys(regionLevels) as RegionLevel[]) {
    const rs = await ch.client.query({
      query: render(scoreSql, ch.database, level),
      query_params: { t: chTime(t.getTime()), min_counties: regionLevels[level].minCounties },
      format: 'JSONEachRow',
    });
    const rows = (await rs.json()) as ScoreRow[];
    const samples = await sampleIds(ch, t, level, rows.filter((r) => levelFor(r.score) !== undefined));
    for (const r of rows) {
      out.push({
        productCode: r.product_code,
        regionCode: r.region_code,
        regionLevel: level,
        score: r.score,
        level: levelFor(r.score),
        complaintZ: round(r.complaint_z),
        spotcheckZ: round(r.spotcheck_z),
        mediaZ: round(r.media_z),
        evidence: buildEvidence(r, samples.get(`${r.product_code}|${r.region_code}`) ?? {}),
      });
    }
  }
  return out;
}

async function sampleIds(ch: ClickHouse, t: Date, level: RegionLevel, rows: ScoreRow[]): Promise<Map<string, Record<string, string[]>>> {
  const byCell = new Map<string, Record<string, string[]>>();
  if (rows.length === 0) return byCell;
  const rs = await ch.client.query({
    query: render(samplesSql, ch.database, level),
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
