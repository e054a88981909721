import { hourOfWeek } from './clock.ts';
import type { Topic } from './types.ts';

// When each feed is busy. The hotline follows office hours and drops at weekends (fewer calls,
// fewer staffed lines); media peaks at lunch and in the evening, and barely dips at weekends;
// spot-check results are published by government offices, on weekdays in working hours.

/** Share of the total message rate per feed. */
export const TOPIC_SHARE: Readonly<Record<Topic, number>> = { hotline: 0.7, media: 0.25, spotcheck: 0.05 };

/**
 * Relative activity by hour of the week, normalised to a mean of 1 so that a base rate keeps its
 * meaning as an average. Sampled by thinning against `max`.
 */
export class WeeklyProfile {
  private readonly factors: Float64Array;
  readonly max: number;

  /** `byWeekday`: 7 factors from Monday; `byHour`: 24 factors from 00:00 Beijing time. */
  constructor(byWeekday: readonly number[], byHour: readonly number[]) {
    if (byWeekday.length !== 7 || byHour.length !== 24) throw new RangeError('need 7 weekday and 24 hour factors');
    this.factors = new Float64Array(168);
    let sum = 0;
    for (let h = 0; h < 168; h++) {
      const f = byWeekday[Math.floor(h / 24)]! * byHour[h % 24]!;
      this.factors[h] = f;
      sum += f;
    }
    let max = 0;
    for (let h = 0; h < 168; h++) {
      this.factors[h] = (this.factors[h]! * 168) / sum;
      max = Math.max(max, this.factors[h]!);
    }
    this.max = max;
  }

  at(ms: number): number {
    return this.factors[hourOfWeek(ms)]!;
  }
}

export const PROFILES: Readonly<Record<Topic, WeeklyProfile>> = {
  hotline: new WeeklyProfile(
    [1, 1, 1, 1, 1, 0.55, 0.5],
    [0.08, 0.05, 0.04, 0.04, 0.05, 0.1, 0.25, 0.6, 1.3, 1.8, 1.9, 1.7, 1, 1.2, 1.7, 1.8, 1.6, 1.2, 0.8, 0.7, 0.6, 0.45, 0.3, 0.15],
  ),
  media: new WeeklyProfile(
    [1, 1, 1, 1, 1, 0.85, 0.85],
    [0.4, 0.25, 0.15, 0.1, 0.1, 0.15, 0.35, 0.7, 1, 1.1, 1.1, 1.2, 1.4, 1.1, 1, 1, 1, 1.1, 1.2, 1.4, 1.6, 1.6, 1.2, 0.8],
  ),
  spotcheck: new WeeklyProfile(
    [1, 1, 1, 1, 1, 0.05, 0.05],
    [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.2, 1, 1, 1, 0.2, 0.2, 1, 1, 1, 1, 0.2, 0.01, 0.01, 0.01, 0.01, 0.01],
  ),
};
