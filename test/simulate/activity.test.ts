import { describe, expect, it } from 'vitest';
import { PROFILES, TOPIC_SHARE, WeeklyProfile } from '../../services/simulate/activity.ts';

const MONDAY = Date.parse('2026-11-16T00:00:00+08:00');
const HOUR = 3_600_000;

describe('WeeklyProfile', () => {
  it('averages 1 over a week, so a base rate stays an average rate', () => {
    for (const profile of Object.values(PROFILES)) {
      let sum = 0;
      for (let h = 0; h < 168; h++) sum += profile.at(MONDAY + h * HOUR);
      expect(sum / 168).toBeCloseTo(1, 10);
    }
  });

  it('combines weekday and hour factors, with max as the peak', () => {
    const p = new WeeklyProfile([1, 1, 1, 1, 1, 0.5, 0.5], Array.from({ length: 24 }, (_, h) => (h === 10 ? 2 : 1)));
    const saturday10 = MONDAY + (5 * 24 + 10) * HOUR;
    const monday10 = MONDAY + 10 * HOUR;
    expect(p.at(saturday10) / p.at(monday10)).toBeCloseTo(0.5, 10);
    expect(p.at(monday10) / p.at(monday10 + HOUR)).toBeCloseTo(2, 10);
    expect(p.max).toBe(p.at(monday10));
  });

  it('rejects factor lists of the wrong length', () => {
    expect(() => new WeeklyProfile([1], [1])).toThrow(RangeError);
  });
});

describe('feed activity', () => {
  it('splits the total rate 70/25/5', () => {
    expect(TOPIC_SHARE).toEqual({ hotline: 0.7, media: 0.25, spotcheck: 0.05 });
  });

  it('publishes spot checks in office hours on weekdays', () => {
    const spot = PROFILES.spotcheck;
    expect(spot.at(MONDAY + 10 * HOUR) / spot.at(MONDAY + 3 * HOUR)).toBeGreaterThan(50);
    expect(spot.at(MONDAY + 10 * HOUR) / spot.at(MONDAY + (6 * 24 + 10) * HOUR)).toBeGreaterThan(10);
  });
});
