import { DAY_MS } from '../../services/simulate/clock.ts';
import type { Rng } from '../../services/simulate/rng.ts';
import { dayStart } from './time.ts';

// The count model of Noufaily et al. 2013 (Stat Med 32:1206–1222), with days inside its weeks: the
// weekly mean is exp(θ + βt + Σ_j γ1_j cos(2πjt/52) + γ2_j sin(2πjt/52)) with t in weeks, weekly
// counts are negative binomial with variance φ·mean, and a weekday profile spreads them over days.

export type Baseline = {
  /** Mean complaints per day over the year around centreDay: the level the series is labelled with. */
  level: number;
  /** Trend per week (log scale). */
  beta: number;
  /** One (γ1, γ2) pair per yearly harmonic j = 1..m; empty for no seasonality. */
  harmonics: readonly (readonly [number, number])[];
  /** Variance / mean; 1 is Poisson. */
  phi: number;
  /** Relative mean by Beijing weekday, Monday first, averaging 1. */
  weekday: readonly number[];
  /** A Beijing day (time.ts); θ is solved so that the year around it averages `level`. */
  centreDay: number;
};

// The hotline is busiest early in the week and quiet at weekends.
export const WEEKDAY_PROFILE = normalise([1.2, 1.15, 1.1, 1.1, 1.05, 0.75, 0.65]);
export const FLAT_WEEK = normalise([1, 1, 1, 1, 1, 1, 1]);

function normalise(v: number[]): readonly number[] {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Object.freeze(v.map((x) => x / mean));
}

// Beijing day 0 (1970-01-01) was a Thursday: index 3 with Monday as 0.
const weekdayOf = (day: number) => (day + 3) % 7;

function logWeekly(b: Baseline, day: number): number {
  const t = day / 7;
  let s = b.beta * t;
  b.harmonics.forEach(([g1, g2], i) => {
    const w = (2 * Math.PI * (i + 1) * t) / 52;
    s += g1 * Math.cos(w) + g2 * Math.sin(w);
  });
  return s;
}

/** Expected complaints on a Beijing day (see time.ts). */
export function dailyMean(b: Baseline, day: number): number {
  // θ is chosen so the seasonal-and-trend curve, averaged over the year around centreDay, gives `level`.
  const theta = Math.log(7 * b.level) - meanLogCurve(b);
  return (Math.exp(theta + logWeekly(b, day)) / 7) * b.weekday[weekdayOf(day)]!;
}

const curveCache = new WeakMap<Baseline, number>();

function meanLogCurve(b: Baseline): number {
  let cached = curveCache.get(b);
  if (cached === undefined) {
    let sum = 0;
    for (let d = -182; d < 182; d++) sum += Math.exp(logWeekly(b, b.centreDay + d));
    cached = Math.log(sum / 364);
    curveCache.set(b, cached);
  }
  return cached;
}

/** A negative binomial count with mean `mean` and variance φ·mean (Poisson when φ = 1). */
function countOf(rng: Rng, mean: number, phi: number): number {
  return phi <= 1 ? rng.poisson(mean) : rng.negativeBinomial(mean, mean / (phi - 1));
}

/**
 * Daily counts for Beijing days [firstDay, endDay). As in the paper, each week's count (weeks start on
 * Monday) is one negative binomial draw; its cases then fall on the days of the week in proportion to
 * their means. Drawing each day on its own with variance φ·mean would give the same weekly variance
 * but far heavier daily tails (at 2 a day and φ = 3, a geometric distribution), which the paper's
 * weekly parameters do not describe.
 */
export function dailyCounts(rng: Rng, b: Baseline, firstDay: number, endDay: number, factor: (day: number) => number = () => 1): Map<number, number> {
  const counts = new Map<number, number>();
  const monday = firstDay - weekdayOf(firstDay);
  for (let w = monday; w < endDay; w += 7) {
    const means = Array.from({ length: 7 }, (_, d) => dailyMean(b, w + d) * factor(w + d));
    const total = means.reduce((a, c) => a + c, 0);
    for (let n = countOf(rng, total, b.phi); n > 0; n--) {
      let x = rng.next() * total;
      let d = 0;
      while (d < 6 && x >= means[d]!) x -= means[d++]!;
      const day = w + d;
      if (day >= firstDay && day < endDay) counts.set(day, (counts.get(day) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * The case times of one outbreak starting on `day`, as in the paper: Poisson(k · sd) cases, where sd
 * is the standard deviation of the baseline count of the week that starts then, spread over time by
 * a lognormal (0, 0.5) in weeks. Sorted; empty when the Poisson draw is 0.
 */
export function outbreakTimes(rng: Rng, b: Baseline, day: number, k: number): number[] {
  let week = 0;
  for (let d = 0; d < 7; d++) week += dailyMean(b, day + d);
  const n = rng.poisson(k * Math.sqrt(b.phi * week));
  return Array.from({ length: n }, () => dayStart(day) + 7 * DAY_MS * Math.exp(rng.normal(0, 0.5))).sort((a, c) => a - c);
}
