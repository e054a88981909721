import type { ClickHouse } from '../clients/clickhouse.ts';
import { formatAlarmZ, type AlarmZ } from '../transforms/score/alarm.ts';
import { foldPass, SCAN_ALARM_Z, suggest, warningWeeks, type WeekMaxima } from '../transforms/score/calibrate.ts';
import { activeCountyCells } from '../transforms/score/calibrate-cells.ts';
import { scorePass } from '../transforms/score/pass.ts';

// `qrm calibrate`: scoring passes over whole weeks of stored data, each seeing only what was known at
// its time (as a backtest does), then the county complaint thresholds at which a target share of
// county cell-weeks would warn. Reads and seals history as any pass does; writes no scores or warnings.

const WEEK_MS = 7 * 86_400_000;

type Rates = { alarmZ: string; warningWeeks: number; weeklyRate: number };

export type CalibrationReport = {
  from: string;
  to: string;
  weeks: number;
  passes: number;
  /** County cells with a complaint in the 28 days before each week's end, summed over the weeks. */
  cellWeeks: number;
  targetRate: number;
  current: Rates & { byWindow: Record<'1d' | '7d' | '28d', number> };
  /** The current thresholds scaled to the target; null when no valid thresholds reach it. */
  suggested: Rates | null;
};

export async function calibrate(
  ch: ClickHouse,
  o: { from: Date; to: Date; stepMs: number; alarmZ: AlarmZ; rate: number; onProgress?: (done: number, total: number) => void },
): Promise<CalibrationReport> {
  const weeks = Math.floor((o.to.getTime() - o.from.getTime()) / WEEK_MS);
  if (weeks < 1) throw new Error(`calibrating needs at least one whole week from --from to --to`);
  const end = o.from.getTime() + weeks * WEEK_MS;
  const maxima = new Map<string, WeekMaxima>();
  const total = Math.ceil((end - o.from.getTime()) / o.stepMs);
  for (let i = 0; i < total; i++) {
    const t = o.from.getTime() + i * o.stepMs;
    const cells = await scorePass(ch, new Date(t), { alarmZ: SCAN_ALARM_Z });
    foldPass(
      maxima,
      Math.floor((t - o.from.getTime()) / WEEK_MS),
      cells.flatMap((c) => {
        const s = c.regionLevel === 'county' ? c.evidence.signals.find((x) => x.source === 'complaints') : undefined;
        return s ? [{ cell: `${c.productCode}|${c.regionCode}`, z: { 1: Number(s.observed.windowZ1d), 7: Number(s.observed.windowZ7d), 28: Number(s.observed.windowZ28d) } }] : [];
      }),
    );
    o.onProgress?.(i + 1, total);
  }
  let cellWeeks = 0;
  for (let k = 1; k <= weeks; k++) cellWeeks += await activeCountyCells(ch, new Date(o.from.getTime() + k * WEEK_MS));
  const all = [...maxima.values()];
  const rates = (alarmZ: AlarmZ) => {
    const w = warningWeeks(all, alarmZ);
    return { alarmZ: formatAlarmZ(alarmZ), warningWeeks: w.any, weeklyRate: w.any / Math.max(cellWeeks, 1), byWindow: w.byWindow };
  };
  const current = rates(o.alarmZ);
  const proposal = suggest(all, cellWeeks, o.alarmZ, o.rate);
  const share = (n: number) => n / Math.max(cellWeeks, 1);
  return {
    from: o.from.toISOString(),
    to: new Date(end).toISOString(),
    weeks,
    passes: total,
    cellWeeks,
    targetRate: o.rate,
    current: { alarmZ: current.alarmZ, warningWeeks: current.warningWeeks, weeklyRate: current.weeklyRate, byWindow: { '1d': share(current.byWindow[1]), '7d': share(current.byWindow[7]), '28d': share(current.byWindow[28]) } },
    suggested: proposal ? (({ alarmZ, warningWeeks, weeklyRate }) => ({ alarmZ, warningWeeks, weeklyRate }))(rates(proposal)) : null,
  };
}
