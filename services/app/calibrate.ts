import type { ClickHouse } from '../clients/clickhouse.ts';
import { formatAlarmZ, type AlarmZ } from '../transforms/score/alarm.ts';
import { confirmedWeeks, count, SCAN_ALARM_Z, suggest, Tracks, WEEK_MS } from '../transforms/score/calibrate.ts';
import { activeCountyCells, confirmedWarnings } from '../transforms/score/calibrate-queries.ts';
import { seriesPass } from '../transforms/score/pass.ts';

// `qrm calibrate`: scoring passes over whole weeks of stored data, each seeing only what was known at
// its time (as a backtest does), then how often county cells would warn at the current thresholds
// and the thresholds at which a target share of county cell-weeks would. Cell-weeks of warnings that
// inspections confirmed are left out: they were outbreaks, not false warnings. Reads and seals
// history as any pass does; writes no scores or warnings.

/** What the rate counts: cell-weeks in which a warning opens (each one an inspection), or in which one is open. */
export type Measure = 'openings' | 'alarm-weeks';

type Rates = { alarmZ: string; openings: number; openingRate: number; alarmWeeks: number; alarmWeekRate: number };

export type CalibrationReport = {
  from: string;
  to: string;
  weeks: number;
  passes: number;
  /** County cells with a complaint in the 28 days before each week's end, summed over the weeks. */
  cellWeeks: number;
  /** County warnings confirmed by an inspection outcome, and the cell-weeks left out for them. */
  confirmed: { warnings: number; cellWeeksLeftOut: number };
  target: { measure: Measure; rate: number };
  /** byWindow: the share of cell-weeks in which each window on its own reaches its threshold. */
  current: Rates & { byWindow: Record<'1d' | '7d' | '28d', number> };
  /** The current thresholds scaled in proportion to the lowest that keep to the target; null when none do. */
  suggested: Rates | null;
};

export async function calibrate(
  ch: ClickHouse,
  o: { from: Date; to: Date; stepMs: number; alarmZ: AlarmZ; measure: Measure; rate: number; onProgress?: (done: number, total: number) => void },
): Promise<CalibrationReport> {
  const from = o.from.getTime();
  const weeks = Math.floor((o.to.getTime() - from) / WEEK_MS);
  if (weeks < 1) throw new Error(`calibrating needs at least one whole week from --from to --to`);
  const end = from + weeks * WEEK_MS;
  const confirmed = await confirmedWarnings(ch, new Date(end));
  const leftOut = confirmedWeeks(confirmed, from, weeks);
  const passes = Math.ceil((end - from) / o.stepMs);
  const weekOf = (pass: number) => Math.floor((pass * o.stepMs) / WEEK_MS);
  const tracks = new Tracks(passes);
  for (let p = 0; p < passes; p++) {
    const week = weekOf(p);
    for (const c of await seriesPass(ch, new Date(from + p * o.stepMs), o.stepMs, { alarmZ: SCAN_ALARM_Z, samples: false })) {
      const cell = `${c.productCode}|${c.regionCode}`;
      // A left-out week stays blank in the cell's track: no warning opens or stays open in it.
      const s = c.regionLevel === 'county' && !leftOut[week]!.has(cell) ? c.evidence.signals.find((x) => x.source === 'complaints') : undefined;
      if (s) tracks.add(cell, p, { 1: Number(s.observed.windowZ1d), 7: Number(s.observed.windowZ7d), 28: Number(s.observed.windowZ28d) }, Number(s.observed.concentration));
    }
    o.onProgress?.(p + 1, passes);
  }
  let cellWeeks = 0;
  for (let k = 0; k < weeks; k++) cellWeeks += await activeCountyCells(ch, new Date(from + k * WEEK_MS), new Date(from + (k + 1) * WEEK_MS), [...leftOut[k]!]);
  const share = (n: number) => n / Math.max(cellWeeks, 1);
  const counted = (a: AlarmZ) => count(tracks, weekOf, a);
  const ratesOf = (a: AlarmZ, c = counted(a)): Rates => ({ alarmZ: formatAlarmZ(a), openings: c.openings, openingRate: share(c.openings), alarmWeeks: c.alarmWeeks, alarmWeekRate: share(c.alarmWeeks) });
  const now = counted(o.alarmZ);
  // The epsilon keeps 0.29 × 100 from flooring to 28.
  const proposal = suggest((a) => (o.measure === 'openings' ? counted(a).openings : counted(a).alarmWeeks), Math.floor(o.rate * cellWeeks + 1e-9), o.alarmZ);
  return {
    from: o.from.toISOString(),
    to: new Date(end).toISOString(),
    weeks,
    passes,
    cellWeeks,
    confirmed: { warnings: confirmed.length, cellWeeksLeftOut: leftOut.reduce((n, s) => n + s.size, 0) },
    target: { measure: o.measure, rate: o.rate },
    current: { ...ratesOf(o.alarmZ, now), byWindow: { '1d': share(now.byWindow[1]), '7d': share(now.byWindow[7]), '28d': share(now.byWindow[28]) } },
    suggested: proposal ? ratesOf(proposal) : null,
  };
}
