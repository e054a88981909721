import { ALARM_WINDOWS, ALARM_Z_RANGE, type AlarmZ } from './alarm.ts';

// Recalibrating the county complaint thresholds on stored data (`qrm calibrate`): a county warns in a
// week when any of its complaint windows reaches its threshold on any pass of that week. From every
// window's z at every pass, the share of county cell-weeks that would warn follows for any
// thresholds. Real data has no labels, so this is the weekly warning rate, genuine outbreaks
// included: thresholds set by it are, if anything, too high.

/**
 * The thresholds to score with while calibrating. score.sql returns a cell only from score 10, that is
 * from a window's z × 3.5 / threshold of 1.5; at the lowest valid threshold, 2, that is z 0.86, so
 * every z that any valid threshold could need is returned.
 */
export const SCAN_ALARM_Z: AlarmZ = { 1: ALARM_Z_RANGE.min, 7: ALARM_Z_RANGE.min, 28: ALARM_Z_RANGE.min };

/** The largest z of each window in one cell-week. */
export type WeekMaxima = Readonly<Record<(typeof ALARM_WINDOWS)[number], number>>;

/** Folds one pass's window z (evidence windowZ1d etc.) into the week's maxima per cell. */
export function foldPass(maxima: Map<string, WeekMaxima>, week: number, cells: Iterable<{ cell: string; z: Partial<WeekMaxima> }>): void {
  for (const { cell, z } of cells) {
    const key = `${week}|${cell}`;
    const had = maxima.get(key);
    maxima.set(key, { 1: Math.max(had?.[1] ?? -Infinity, z[1] ?? -Infinity), 7: Math.max(had?.[7] ?? -Infinity, z[7] ?? -Infinity), 28: Math.max(had?.[28] ?? -Infinity, z[28] ?? -Infinity) });
  }
}

/** Cell-weeks in which a window reached its threshold: all windows together and each on its own. */
export function warningWeeks(maxima: Iterable<WeekMaxima>, alarmZ: AlarmZ): { any: number; byWindow: Record<(typeof ALARM_WINDOWS)[number], number> } {
  const byWindow = { 1: 0, 7: 0, 28: 0 };
  let any = 0;
  for (const m of maxima) {
    let hit = false;
    for (const w of ALARM_WINDOWS) {
      if (m[w] >= alarmZ[w]) {
        byWindow[w]++;
        hit = true;
      }
    }
    if (hit) any++;
  }
  return { any, byWindow };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The thresholds `scale` times `alarmZ`, each rounded to 0.01 and kept within the valid range. */
export function scaled(alarmZ: AlarmZ, scale: number): AlarmZ {
  const one = (z: number) => Math.min(ALARM_Z_RANGE.max, Math.max(ALARM_Z_RANGE.min, round2(z * scale)));
  return { 1: one(alarmZ[1]), 7: one(alarmZ[7]), 28: one(alarmZ[28]) };
}

/**
 * The lowest thresholds in the proportions of `alarmZ` (scaled in steps of 1 %) at which at most
 * `rate` of the cell-weeks warn; undefined when even the highest valid thresholds warn more often.
 * Keeping the proportions keeps what the simulation taught about the windows' relative noise.
 */
export function suggest(maxima: readonly WeekMaxima[], cellWeeks: number, alarmZ: AlarmZ, rate: number): AlarmZ | undefined {
  const largest = Math.max(...ALARM_WINDOWS.map((w) => alarmZ[w]));
  const smallest = Math.min(...ALARM_WINDOWS.map((w) => alarmZ[w]));
  const budget = Math.floor(rate * cellWeeks);
  for (let step = Math.ceil((100 * ALARM_Z_RANGE.min) / largest); step <= Math.ceil((100 * ALARM_Z_RANGE.max) / smallest); step++) {
    const candidate = scaled(alarmZ, step / 100);
    if (warningWeeks(maxima, candidate).any <= budget) return candidate;
  }
  return undefined;
}
