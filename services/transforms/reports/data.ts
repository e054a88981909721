import type { ClickHouse } from '../../clients/clickhouse.ts';
import { QrmError } from '../../errors.ts';
import { classifyClickHouseError } from '../../sinks/clickhouse/insert.ts';
import { render, sqlFile } from '../../sinks/clickhouse/sql.ts';
import { chTime, chTimeMs } from '../normalize/rows.ts';
import { levels, type Level } from '../score/levels.ts';
import type { RegionLevel } from '../score/pass.ts';
import { beijingDate, periodsFor, trendDays, trendStart } from './period.ts';
import type {
  Cell,
  DeadLetterCount,
  FeedVolume,
  OpenWarningItem,
  PassRateRow,
  PipelineHealth,
  Rate,
  ReportData,
  ReportDataOptions,
  TopCell,
  TrendDay,
  WarningEventItem,
} from './types.ts';

// The numbers behind a report, read from ClickHouse for the period ending at `at`. Read-only and a
// pure function of the stored data and `at`: the same report can be rendered again later, and a
// report for a past week reads exactly what had happened by then (warnings, scores and results up
// to its cut-off; a record ingested late but dated inside the period does count).

/** The regional campaign's spot-check pass-rate target (domain brief: at least 85 %). */
export const passRateTarget = 0.85;

const sql = (name: string) => sqlFile(import.meta.url, `${name}.sql`);
const queries = {
  events: sql('warning-events'),
  open: sql('open-warnings'),
  top: sql('top-cells'),
  trend: sql('trend'),
  passRates: sql('pass-rates'),
  volumes: sql('volumes'),
  deadLetters: sql('dead-letters'),
  scoring: sql('scoring-passes'),
  names: sql('names'),
};

/** A region code prefix: the 2, 4 or 6 leading digits of a GB/T 2260 code. */
const prefixPattern = /^\d{2}(\d{2}(\d{2})?)?$/;

export async function reportData(ch: ClickHouse, opts: ReportDataOptions): Promise<ReportData> {
  const prefix = opts.regionPrefix ?? '';
  if (prefix !== '' && !prefixPattern.test(prefix)) {
    throw new RangeError(`region prefix ${JSON.stringify(prefix)} is not the first 2, 4 or 6 digits of a GB/T 2260 code`);
  }
  const { period, previous } = periodsFor(opts.kind, opts.at);
  const trendFrom = trendStart(period.end);
  const params = {
    start: chTime(period.start.getTime()),
    end: chTime(period.end.getTime()),
    prev_start: chTime(previous.start.getTime()),
    trend_start: chTime(trendFrom.getTime()),
    prefix,
    top: opts.top ?? 10,
  };
  const q = <T>(name: keyof typeof queries, extra: Record<string, unknown> = {}) => query<T>(ch, name, queries[name], { ...params, ...extra });

  const [events, open, top, trend, passRates, volumes, pipeline] = await Promise.all([
    q<EventRow>('events'),
    q<OpenRow>('open'),
    q<TopRow>('top'),
    q<{ day: string; level: string; n: number }>('trend'),
    q<{ product_code: string; samples: number; passed: number; prev_samples: number; prev_passed: number }>('passRates'),
    q<VolumeRow>('volumes'),
    prefix === '' ? readPipeline(q) : Promise.resolve(null),
  ]);

  const names = await lookupNames(ch, {
    products: [...events, ...open, ...top, ...passRates].map((r) => r.product_code),
    regions: [...events, ...open, ...top].map((r) => r.region_code).concat(prefix ? [prefix] : []),
  });
  const cell = (r: { product_code: string; region_code: string; region_level: string }): Cell => ({
    productCode: r.product_code,
    productName: names.product(r.product_code),
    regionCode: r.region_code,
    regionName: names.region(r.region_code),
    regionLevel: r.region_level as RegionLevel,
  });

  const eventItems = events.map(
    (r): WarningEventItem => ({
      ...cell(r),
      warningId: r.warning_id,
      event: r.event,
      evaluatedAt: fromCh(r.evaluated_at)!,
      level: r.level as Level,
      previousLevel: (r.previous_level || null) as Level | null,
      score: round1(r.score),
      openedAt: fromCh(r.opened_at)!,
    }),
  );

  const rate = (samples: number, passed: number): Rate => ({ samples, passed, rate: samples > 0 ? passed / samples : null });
  const products = passRates
    .map((r): PassRateRow => ({ productCode: r.product_code, productName: names.product(r.product_code), current: rate(r.samples, r.passed), previous: rate(r.prev_samples, r.prev_passed) }))
    // Worst first: the products furthest below the target are what a dispatch meeting discusses.
    .sort((a, b) => (a.current.rate ?? 2) - (b.current.rate ?? 2) || b.current.samples - a.current.samples || a.productCode.localeCompare(b.productCode));
  const sum = (pick: (r: PassRateRow) => Rate) => rate(products.reduce((s, r) => s + pick(r).samples, 0), products.reduce((s, r) => s + pick(r).passed, 0));

  return {
    kind: opts.kind,
    at: opts.at,
    timeZone: 'Asia/Shanghai',
    period,
    previousPeriod: previous,
    region: prefix ? { code: prefix, name: names.region(prefix) } : null,
    target: passRateTarget,
    warnings: {
      opened: eventItems.filter((e) => e.event === 'opened'),
      escalated: eventItems.filter((e) => e.event === 'escalated'),
      resolved: eventItems.filter((e) => e.event === 'resolved'),
      open: open.map(
        (r): OpenWarningItem => ({
          ...cell(r),
          warningId: r.warning_id,
          level: r.level as Level,
          score: round1(r.score),
          openedAt: fromCh(r.opened_at)!,
          lastChangeAt: fromCh(r.last_change_at)!,
          acknowledged: Boolean(r.acknowledged),
        }),
      ),
    },
    topCells: top.map(
      (r): TopCell => ({ ...cell(r), maxScore: round1(r.max_score), level: (r.max_level || null) as Level | null, maxAt: fromCh(r.max_at)!, warningPasses: r.warning_passes }),
    ),
    trend: fillTrend(trendFrom, trend),
    passRates: { overall: { current: sum((r) => r.current), previous: sum((r) => r.previous) }, products },
    volumes: (['hotline', 'media', 'spotcheck'] as const).map((feed): FeedVolume => {
      const r = volumes.find((v) => v.feed === feed);
      return { feed, records: r?.records ?? 0, flagged: r?.flagged ?? 0, previousRecords: r?.prev_records ?? 0, previousFlagged: r?.prev_flagged ?? 0 };
    }),
    pipeline: pipeline && {
      ...pipeline,
      lastRecordAt: {
        hotline: lastAt(volumes, 'hotline'),
        media: lastAt(volumes, 'media'),
        spotcheck: lastAt(volumes, 'spotcheck'),
      },
    },
  };
}

type EventRow = {
  warning_id: string;
  event: 'opened' | 'escalated' | 'resolved';
  evaluated_at: string;
  product_code: string;
  region_code: string;
  region_level: string;
  level: string;
  previous_level: string;
  score: number;
  opened_at: string;
};
type OpenRow = {
  warning_id: string;
  product_code: string;
  region_code: string;
  region_level: string;
  level: string;
  score: number;
  opened_at: string;
  last_change_at: string;
  acknowledged: number | boolean;
};
type TopRow = { product_code: string; region_code: string; region_level: string; max_score: number; max_level: string; max_at: string; warning_passes: number };
type VolumeRow = { feed: FeedVolume['feed']; records: number; flagged: number; prev_records: number; prev_flagged: number; last_at: string };

type Query = <T>(name: keyof typeof queries, extra?: Record<string, unknown>) => Promise<T[]>;

async function readPipeline(q: Query): Promise<Omit<PipelineHealth, 'lastRecordAt'>> {
  const [dead, scoring] = await Promise.all([q<{ feed: string; reason_code: string; n: number }>('deadLetters'), q<{ passes: number; last_at: string }>('scoring')]);
  const deadLetters = dead.map((r): DeadLetterCount => ({ feed: r.feed, reasonCode: r.reason_code, count: r.n }));
  const passes = scoring[0]?.passes ?? 0;
  return {
    deadLetters,
    deadLetterTotal: deadLetters.reduce((s, d) => s + d.count, 0),
    scoringPasses: passes,
    lastScoringAt: passes > 0 ? fromCh(scoring[0]!.last_at) : null,
  };
}

function lastAt(rows: VolumeRow[], feed: FeedVolume['feed']): Date | null {
  const r = rows.find((v) => v.feed === feed);
  // max() over no rows is the epoch in ClickHouse, not NULL.
  return r && r.records + r.prev_records > 0 ? fromCh(r.last_at) : null;
}

function fillTrend(from: Date, rows: { day: string; level: string; n: number }[]): TrendDay[] {
  const byDay = new Map<string, TrendDay>();
  const days: TrendDay[] = [];
  for (let i = 0; i < trendDays; i++) {
    const start = new Date(from.getTime() + i * 86_400_000);
    const d: TrendDay = { day: beijingDate(start), start, counts: { I: 0, II: 0, III: 0, IV: 0 } };
    days.push(d);
    byDay.set(d.day, d);
  }
  for (const r of rows) {
    const d = byDay.get(r.day);
    if (d && (levels as readonly string[]).includes(r.level)) d.counts[r.level as Level] += r.n;
  }
  return days;
}

async function lookupNames(ch: ClickHouse, codes: { products: string[]; regions: string[] }) {
  const rows = await query<{ kind: 'product' | 'region'; code: string; name: string; prefecture_name: string; province_name: string; level: string }>(ch, 'names', queries.names, {
    products: [...new Set(codes.products)],
    regions: [...new Set(codes.regions)],
  });
  const products = new Map<string, string>();
  const regions = new Map<string, string>();
  for (const r of rows) {
    if (r.kind === 'product') products.set(r.code, r.name);
    else regions.set(r.code, regionPath(r));
  }
  // A code without reference data still shows: as itself.
  return { product: (code: string) => products.get(code) || code, region: (code: string) => regions.get(code) || code };
}

/** 河北省石家庄市新乐市: the full path, with repeats dropped (a municipality is its own province). */
function regionPath(r: { level: string; name: string; prefecture_name: string; province_name: string }): string {
  const parts = r.level === 'province' ? [r.name] : r.level === 'prefecture' ? [r.province_name, r.name] : [r.province_name, r.prefecture_name, r.name];
  return parts.filter((p, i) => p && p !== parts[i - 1]).join('');
}

async function query<T>(ch: ClickHouse, name: string, text: string, params: Record<string, unknown>): Promise<T[]> {
  try {
    const rs = await ch.client.query({ query: render(text, ch.database), query_params: params, format: 'JSONEachRow' });
    return (await rs.json()) as T[];
  } catch (err) {
    // Same retry rule as the sinks: a server that is down may come back, a statement it refuses won't.
    const { code } = classifyClickHouseError(err, name);
    throw new QrmError(code, 'query', `reading report data (${name}): ${(err as Error).message}`, { cause: err });
  }
}

/** ClickHouse DateTime64 text in UTC to a Date, or null when it is none. */
function fromCh(s: string): Date | null {
  const ms = chTimeMs(s);
  return Number.isNaN(ms) ? null : new Date(ms);
}

const round1 = (x: number) => Math.round(x * 10) / 10;
