import type { Rng } from '../../services/simulate/rng.ts';
import { dailyCounts, dailyMean, outbreakTimes, type Baseline } from './model.ts';
import { DAY_MS, dayStart } from './time.ts';

// What any detector could at best achieve on the outbreak design, as a yardstick for qrm's POD. The
// oracle knows every series' exact expected daily count and dispersion, so it has no baseline to
// estimate, and each day it tests the 7-, 14-, 21- and 28-day windows ending that day. Its threshold
// is set by simulation, per baseline level and φ, so that exactly 1 % of outbreak-free weeks alarm.
// It is a yardstick, not a proven bound, but what it misses of the small outbreaks is too few cases
// against the series' own noise for a detector that has to estimate its baselines. Given qrm's
// windows and their relative thresholds instead, it shows what qrm's statistic would find if its
// baselines were exact: the rest of qrm's gap is estimation.

/** A window the detector tests, and the factor its z is multiplied by before the one threshold. */
export type Window = { days: number; weight: number };

export const ORACLE_WINDOWS: readonly Window[] = [7, 14, 21, 28].map((days) => ({ days, weight: 1 }));

const WEEKLY_FPR = 0.01;
const GRACE_DAYS = 3;

export type Design = {
  levels: readonly number[];
  ks: readonly number[];
  phis: readonly number[];
  /** Draws the rest of a baseline (trend, seasonality, weekday profile) for a level and φ. */
  baseline(rng: Rng, level: number, phi: number): Baseline;
};

export type Options = { calibrationWeeks?: number; outbreaksPerK?: number; windows?: readonly Window[] };

/** Probability of detection per k and overall (k weighted equally, as in the evaluation). */
export function oracle(rng: Rng, design: Design, options: Options = {}) {
  const { calibrationWeeks = 2000, outbreaksPerK = 300, windows = ORACLE_WINDOWS } = options;
  const found = new Map<number, { hits: number; total: number }>(design.ks.map((k) => [k, { hits: 0, total: 0 }]));
  for (const level of design.levels) {
    for (const phi of design.phis) {
      const threshold = calibrate(rng, design, windows, level, phi, calibrationWeeks);
      for (const k of design.ks) {
        const f = found.get(k)!;
        for (let i = 0; i < outbreaksPerK; i++) {
          const hit = detects(rng, design.baseline(rng, level, phi), windows, k, threshold);
          if (hit === undefined) continue;
          f.hits += hit ? 1 : 0;
          f.total++;
        }
      }
    }
  }
  const byK = Object.fromEntries([...found].map(([k, f]) => [k, f.hits / f.total]));
  const overall = design.ks.reduce((s, k) => s + byK[k]!, 0) / design.ks.length;
  return { byK, overall };
}

/** The daily statistic's 99th percentile over the maximum of a week's seven days, without outbreaks. */
function calibrate(rng: Rng, design: Design, windows: readonly Window[], level: number, phi: number, weeks: number): number {
  const maxima: number[] = [];
  for (let i = 0; i < weeks; i++) {
    const b = design.baseline(rng, level, phi);
    const first = b.centreDay + rng.int(-182, 182);
    const counts = dailyCounts(rng, b, first - longest(windows), first + 7);
    let max = -Infinity;
    for (let day = first; day < first + 7; day++) max = Math.max(max, statistic(b, windows, counts, day));
    maxima.push(max);
  }
  maxima.sort((a, c) => c - a);
  return maxima[Math.floor(weeks * WEEKLY_FPR)]!;
}

/** Whether an outbreak starting on a random day alarms from its first case to GRACE_DAYS after its last; undefined for an outbreak of 0 cases. */
function detects(rng: Rng, b: Baseline, windows: readonly Window[], k: number, threshold: number): boolean | undefined {
  const start = b.centreDay + rng.int(-182, 182);
  const cases = outbreakTimes(rng, b, start, k).map((t) => start + Math.floor((t - dayStart(start)) / DAY_MS));
  if (cases.length === 0) return undefined;
  const last = cases.at(-1)!;
  const counts = dailyCounts(rng, b, start - longest(windows), last + GRACE_DAYS + 1);
  for (const day of cases) counts.set(day, (counts.get(day) ?? 0) + 1);
  for (let day = cases[0]!; day <= last + GRACE_DAYS; day++) if (statistic(b, windows, counts, day) > threshold) return true;
  return false;
}

/** The largest weighted exceedance over the windows ending on `day`, with the same 2/3-power transform as score.sql but the true mean and φ. */
function statistic(b: Baseline, windows: readonly Window[], counts: ReadonlyMap<number, number>, day: number): number {
  let best = -Infinity;
  let observed = 0;
  let expected = 0;
  for (let d = 0; d < longest(windows); d++) {
    observed += counts.get(day - d) ?? 0;
    expected += dailyMean(b, day - d);
    const w = windows.find((x) => x.days === d + 1);
    if (!w) continue;
    const z = (observed ** (2 / 3) - expected ** (2 / 3)) / ((2 / 3) * Math.sqrt(b.phi) * expected ** (1 / 6));
    best = Math.max(best, z * w.weight);
  }
  return best;
}

const longest = (windows: readonly Window[]) => Math.max(...windows.map((w) => w.days));
