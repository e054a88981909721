import { describe, expect, it } from 'vitest';
import { beijingMidnight, describePeriod, parseReportTime, periodsFor, trendStart } from '../../../services/transforms/reports/period.ts';

const bj = (s: string) => new Date(`${s}+08:00`);

describe('report periods (Beijing time)', () => {
  it('daily and weekly end at the cut-off', () => {
    const at = bj('2026-10-05T08:00:00');
    expect(periodsFor('daily', at)).toEqual({ period: { start: bj('2026-10-04T08:00:00'), end: at }, previous: { start: bj('2026-10-03T08:00:00'), end: bj('2026-10-04T08:00:00') } });
    expect(periodsFor('weekly', at).period).toEqual({ start: bj('2026-09-28T08:00:00'), end: at });
    expect(periodsFor('weekly', at).previous).toEqual({ start: bj('2026-09-21T08:00:00'), end: bj('2026-09-28T08:00:00') });
  });

  it('monthly is the last complete calendar month in Beijing, whatever the UTC date', () => {
    // 1 October 00:30 in Beijing is still 30 September in UTC: the month is September.
    expect(periodsFor('monthly', bj('2026-10-01T00:30:00')).period).toEqual({ start: bj('2026-09-01T00:00:00'), end: bj('2026-10-01T00:00:00') });
    // 30 September 23:59 in Beijing: the month is August.
    expect(periodsFor('monthly', bj('2026-09-30T23:59:00')).period).toEqual({ start: bj('2026-08-01T00:00:00'), end: bj('2026-09-01T00:00:00') });
    // Exactly midnight of the 1st: the month just ended.
    expect(periodsFor('monthly', bj('2026-10-01T00:00:00')).period.start).toEqual(bj('2026-09-01T00:00:00'));
    // Across the year, and February.
    expect(periodsFor('monthly', bj('2026-01-10T09:00:00'))).toEqual({
      period: { start: bj('2025-12-01T00:00:00'), end: bj('2026-01-01T00:00:00') },
      previous: { start: bj('2025-11-01T00:00:00'), end: bj('2025-12-01T00:00:00') },
    });
    const march = periodsFor('monthly', bj('2028-03-02T00:00:00'));
    expect(march.period.end.getTime() - march.period.start.getTime()).toBe(29 * 86_400_000);
  });

  it('describes periods as a reader expects', () => {
    expect(describePeriod('monthly', periodsFor('monthly', bj('2026-10-03T08:00:00')).period)).toBe('2026年9月');
    expect(describePeriod('weekly', periodsFor('weekly', bj('2026-10-05T00:00:00')).period)).toBe('2026-09-28 至 2026-10-04');
    expect(describePeriod('daily', periodsFor('daily', bj('2026-10-05T00:00:00')).period)).toBe('2026-10-04');
    expect(describePeriod('daily', periodsFor('daily', bj('2026-10-05T08:00:00')).period)).toBe('2026-10-04 08:00 至 2026-10-05 08:00');
  });

  it('the trend covers 56 Beijing days ending with the period', () => {
    expect(beijingMidnight(new Date('2026-10-04T16:30:00Z'))).toEqual(bj('2026-10-05T00:00:00'));
    expect(trendStart(bj('2026-10-05T00:00:00'))).toEqual(bj('2026-08-10T00:00:00'));
    expect(trendStart(bj('2026-10-05T08:00:00'))).toEqual(bj('2026-08-11T00:00:00'));
  });

  it('reads --at as Beijing time unless it says otherwise', () => {
    expect(parseReportTime('2026-10-05')).toEqual(bj('2026-10-05T00:00:00'));
    expect(parseReportTime('2026-10-05T08:30')).toEqual(bj('2026-10-05T08:30:00'));
    expect(parseReportTime('2026-10-05 08:30:15')).toEqual(bj('2026-10-05T08:30:15'));
    expect(parseReportTime('2026-10-05T00:00:00Z')).toEqual(new Date('2026-10-05T00:00:00Z'));
    expect(parseReportTime('2026-10-05T08:00:00+08:00')).toEqual(bj('2026-10-05T08:00:00'));
    for (const bad of ['2026-02-30', '2026-10-05T25:00', 'next monday', '', '10/05/2026']) expect(parseReportTime(bad)).toBeUndefined();
  });
});
