import { describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_Z } from '../../../services/transforms/score/alarm.ts';
import { foldPass, scaled, suggest, warningWeeks, type WeekMaxima } from '../../../services/transforms/score/calibrate.ts';

const m = (d1: number, d7: number, d28: number): WeekMaxima => ({ 1: d1, 7: d7, 28: d28 });

describe('foldPass', () => {
  it("keeps each window's largest z per cell and week, a window a pass did not report staying as it was", () => {
    const maxima = new Map<string, WeekMaxima>();
    foldPass(maxima, 0, [{ cell: 'a', z: { 1: 1, 7: 3, 28: 2 } }, { cell: 'b', z: { 1: 2, 7: 0, 28: 0 } }]);
    foldPass(maxima, 0, [{ cell: 'a', z: { 1: 4, 7: 1, 28: 2.5 } }]);
    foldPass(maxima, 1, [{ cell: 'a', z: { 7: 0.5 } }]);
    expect(maxima.get('0|a')).toEqual(m(4, 3, 2.5));
    expect(maxima.get('0|b')).toEqual(m(2, 0, 0));
    expect(maxima.get('1|a')).toEqual(m(-Infinity, 0.5, -Infinity));
  });
});

describe('warningWeeks', () => {
  it('counts a cell-week once however many windows reach their thresholds, and each window on its own', () => {
    const weeks = [m(3.6, 3.1, 4.3), m(3.4, 3.05, 1), m(1, 1, 4.24), m(0, 0, 4.25)];
    expect(warningWeeks(weeks, DEFAULT_ALARM_Z)).toEqual({ any: 3, byWindow: { 1: 1, 7: 2, 28: 2 } });
  });
});

describe('suggest', () => {
  // 200 quiet cell-weeks at z 1 and a tail of six, the largest a window in the 28-day window.
  const weeks = [...Array.from({ length: 200 }, () => m(1, 1, 1)), m(2, 4.6, 1), m(2, 4.0, 1), m(2, 3.2, 1), m(3.9, 1, 1), m(1, 1, 5.5), m(1, 1, 4.5)];

  it('scales the thresholds in proportion to the lowest that keep to the rate', () => {
    // 1 % of 206 is 2 cell-weeks. Scaled by 1.30 the 7-day threshold is 3.97: its 4.6 and 4.0 warn;
    // the 28-day 5.5 stays under 5.53 and the 1-day 3.9 under 4.55.
    const s = suggest(weeks, 206, DEFAULT_ALARM_Z, 0.01)!;
    expect(s).toEqual(scaled(DEFAULT_ALARM_Z, 1.3));
    expect(warningWeeks(weeks, s).any).toBe(2);
    // One step lower (28 days at 5.48) lets the 28-day 5.5 warn too.
    expect(warningWeeks(weeks, scaled(DEFAULT_ALARM_Z, 1.29)).any).toBe(3);
    expect(s[1] / s[7]).toBeCloseTo(3.5 / 3.05, 2);
  });

  it('lowers the thresholds when the data is quieter than the rate allows', () => {
    const quiet = [...Array.from({ length: 100 }, () => m(1, 1, 1)), m(1, 2.8, 1), m(1, 2.6, 1)];
    // 1 % of 102 is one cell-week: the 7-day threshold may fall to just above 2.6.
    const s = suggest(quiet, 102, DEFAULT_ALARM_Z, 0.01)!;
    expect(s).toEqual(scaled(DEFAULT_ALARM_Z, 0.86));
    expect(s[7]).toBe(2.62);
    expect(warningWeeks(quiet, scaled(DEFAULT_ALARM_Z, 0.85)).any).toBe(2);
  });

  it('gives up when even the highest valid thresholds warn too often', () => {
    expect(suggest([m(11, 11, 11), m(1, 1, 1)], 2, DEFAULT_ALARM_Z, 0.01)).toBeUndefined();
  });

  it('keeps every threshold within 2–10', () => {
    expect(scaled(DEFAULT_ALARM_Z, 0.5)).toEqual({ 1: 2, 7: 2, 28: 2.13 });
    expect(scaled(DEFAULT_ALARM_Z, 2.5)).toEqual({ 1: 8.75, 7: 7.63, 28: 10 });
  });
});
