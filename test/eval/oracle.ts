import type { Rng } from '../../services/simulate/rng.ts';
import { hysteresis, thresholds } from '../../services/transforms/score/levels.ts';
import { dailyCounts, dailyMean, outbreakTimes, type Baseline } from './model.ts';
import { DAY_MS, dayStart } from './time.ts';

// What any detector could at best achieve on the outbreak design, as a yardstick for qrm's POD. The
// oracle knows every series' exact expected daily count and dispersion, so it has no baseline to
// estimate, and each day it tests the 7-, 14-, 21- and 28-day windows ending that day. Its threshold
// is set by simulation, per baseline level and φ, so that at most 1 % of outbreak-free weeks alarm,
// counted as the evaluation counts qrm's false warnings (openings) or as Noufaily et al. count
// alarms (alarm weeks).
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

/**
 * What 1 % of outbreak-free weeks counts: weeks in which the statistic is above the threshold on any
 * day (Noufaily et al.'s alarm weeks), or weeks in which a warning opens, as the evaluation counts
 * qrm's: it opens at the threshold and holds while the statistic stays above 2.5/3.5 of it, as qrm's
 * levels open at z 3.5 and hold down to 2.5.
 */
export type Count = 'alarm-weeks' | 'openings';

export type Options = { calibrationWeeks?: number; outbreaksPerK?: number; windows?: readonly Window[]; count?: Count };

/** Probability of detection per k and overall (k weighted equally, as in the evaluation), and the threshold per `level/φ`. */
export function oracle(rng: Rng, design: Design, options: Options = {}) {
  const { calibrationWeeks = 2000, outbreaksPerK = 300, windows = ORACLE_WINDOWS, count = 'alarm-weeks' } = options;
  const thresholds: Record<string, number> = {};
  const found = new Map<number, { hits: number; total: number }>(design.ks.map((k) => [k, { hits: 0, total: 0 }]));
  for (const level of design.levels) {
    for (const phi of design.phis) {
      const threshold: number = count === 'alarm-weeks' ? calibrate(rng, design, windows, level, phi, calibrationWeeks) : calibrateOpenings(rng, design, windows, level, phi, calibrationWeeks);
      thresholds[`${level}/${phi}`] = threshold;
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
  return { byK, overall, thresholds };
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

const SERIES_WEEKS = 26;
// qrm's hold as a share of its opening threshold, on the z scale: score = 10 × (z − 0.5), level IV
// opens at its threshold (z 3.5) and holds down to `hysteresis` points lower (z 2.5).
const zOfScore = (score: number) => score / 10 + 0.5;
const HOLD = zOfScore(thresholds.IV - hysteresis) / zOfScore(thresholds.IV);

/** The lowest threshold at which warnings open in at most 1 % of outbreak-free weeks, on series half a year long. */
function calibrateOpenings(rng: Rng, design: Design, windows: readonly Window[], level: number, phi: number, weeks: number): number {
  const series: Float64Array[] = [];
  for (let n = 0; n < Math.ceil(weeks / SERIES_WEEKS); n++) {
    const b = design.baseline(rng, level, phi);
    const first = b.centreDay + rng.int(-182, 0);
    const counts = dailyCounts(rng, b, first - longest(windows), first + 7 * SERIES_WEEKS);
    series.push(Float64Array.from({ length: 7 * SERIES_WEEKS }, (_, d) => statistic(b, windows, counts, first + d)));
  }
  const total = series.length * SERIES_WEEKS;
  const openingWeeks = (threshold: number) => {
    let n = 0;
    for (const s of series) {
      let open = false;
      let last = -1;
      for (let d = 0; d < s.length; d++) {
        const opens: boolean = !open && s[d]! >= threshold;
        open = open ? s[d]! >= HOLD * threshold : opens;
        if (opens && Math.floor(d / 7) !== last) {
          last = Math.floor(d / 7);
          n++;
        }
      }
    }
    return n;
  };
  // Bisection. The count is not monotone in the threshold (with hysteresis a higher one can split one
  // warning into two openings), so this finds a threshold at the 1 % boundary, not the lowest.
  let lo = 0;
  let hi = 50;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (openingWeeks(mid) <= Math.floor(total * WEEKLY_FPR)) hi = mid;
    else lo = mid;
  }
  return hi;
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
