import { describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_Z } from '../../../services/transforms/score/alarm.ts';
import { confirmedWeeks, count, scaled, suggest, Tracks, WEEK_MS } from '../../../services/transforms/score/calibrate.ts';

// Two weeks of daily passes; a cell's z per window and pass, undefined where a pass did not return it.
const weekOf = (pass: number) => Math.floor(pass / 7);
function tracks(cells: Record<string, Partial<Record<1 | 7 | 28, (number | undefined)[]>>>): Tracks {
  const t = new Tracks(14);
  for (const [cell, windows] of Object.entries(cells)) {
    for (let p = 0; p < 14; p++) {
      const z = { 1: windows[1]?.[p], 7: windows[7]?.[p], 28: windows[28]?.[p] };
      if (z[1] !== undefined || z[7] !== undefined || z[28] !== undefined) t.add(cell, p, { 1: z[1] ?? 0, 7: z[7] ?? 0, 28: z[28] ?? 0 });
    }
  }
  return t;
}

describe('count', () => {
  const _ = undefined;
  const t = tracks({
    // 7-day z 3.1 opens (z 3.1 × 3.5 / 3.05 = 3.56, score 30.6); 3.0 and 2.9 hold it (score 29.4,
    // 28.3: at least 20); 2.0 closes it (score 18.0). One week with an opening and a warning open.
    a: { 7: [1, 1, 3.1, 3.0, 2.9, 2.0, 1, 1, 1, 1, 1, 1, 1, 1] },
    // 1-day z 4 on the last day of week 0 opens; 3.0 holds it into week 1: one opening, two weeks open.
    b: { 1: [_, _, _, _, _, _, 4, 3.0, 1, _, _, _, _, _] },
    // 28-day z 4.3 opens (3.54), a pass without the cell closes it, and it opens again: one week.
    c: { 28: [_, _, _, _, _, _, _, _, 4.3, _, 4.3, 1, _, _] },
    // 7-day z 3.04 is just below its threshold: nothing.
    d: { 7: [_, _, _, 3.04, _, _, _, _, _, _, _, _, _, _] },
  });

  it('follows each cell through the warning rule: openings and open weeks per cell-week', () => {
    expect(count(t, weekOf, DEFAULT_ALARM_Z)).toEqual({ openings: 3, alarmWeeks: 4, byWindow: { 1: 1, 7: 1, 28: 1 } });
  });

  it('applies the concentration factor as score.sql does, after the cap', () => {
    // 7-day z 2.8 is z 3.21 (score 27.1): no warning; concentrated, 4.01 (score 35.1): one.
    const plain = new Tracks(14);
    const concentrated = new Tracks(14);
    plain.add('e', 3, { 1: 0, 7: 2.8, 28: 0 });
    concentrated.add('e', 3, { 1: 0, 7: 2.8, 28: 0 }, 1.25);
    expect(count(plain, weekOf, DEFAULT_ALARM_Z).openings).toBe(0);
    expect(count(concentrated, weekOf, DEFAULT_ALARM_Z)).toEqual({ openings: 1, alarmWeeks: 1, byWindow: { 1: 0, 7: 0, 28: 0 } });
  });

  it('measures each window against the thresholds it is given', () => {
    // At 7 days 3.04, cell d opens too; at 1 day 4.5, cell b no longer does.
    expect(count(t, weekOf, { 1: 4.5, 7: 3.04, 28: 4.25 })).toEqual({ openings: 3, alarmWeeks: 3, byWindow: { 1: 0, 7: 2, 28: 1 } });
  });
});

describe('suggest', () => {
  it('scales the thresholds in proportion to the lowest that keep the measure within budget', () => {
    // Too many warnings until the 7-day threshold reaches 3.5: 3.05 × 1.15 = 3.51.
    const s = suggest((a) => (a[7] < 3.5 ? 10 : 0), 2, DEFAULT_ALARM_Z)!;
    expect(s).toEqual(scaled(DEFAULT_ALARM_Z, 1.15));
    expect(s[1] / s[7]).toBeCloseTo(3.5 / 3.05, 2);
  });

  it('lowers the thresholds as far as the valid range allows when the data is quiet', () => {
    expect(suggest(() => 0, 0, DEFAULT_ALARM_Z)).toEqual({ 1: 2, 7: 2, 28: 2.04 });
  });

  it('gives up when even the highest valid thresholds exceed the budget', () => {
    expect(suggest(() => 5, 4, DEFAULT_ALARM_Z)).toBeUndefined();
  });

  it('keeps every threshold within 2–10', () => {
    expect(scaled(DEFAULT_ALARM_Z, 0.5)).toEqual({ 1: 2, 7: 2, 28: 2.13 });
    expect(scaled(DEFAULT_ALARM_Z, 2.5)).toEqual({ 1: 8.75, 7: 7.63, 28: 10 });
  });
});

describe('confirmedWeeks', () => {
  const DAY = 86_400_000;
  const from = Date.UTC(2026, 0, 5);

  it('leaves a confirmed warning\'s cell out from a week before it opened to 28 days after it resolved', () => {
    // Opened on day 16 (week 2), resolved on day 20: left out from day 9 (week 1) to day 48 (week 6).
    const weeks = confirmedWeeks([{ cell: 'p|1', openedAt: from + 16 * DAY, resolvedAt: from + 20 * DAY }], from, 9);
    expect(weeks.map((s) => s.has('p|1'))).toEqual([false, true, true, true, true, true, true, false, false]);
  });

  it('leaves out every later week of a warning still open, and only its own cell', () => {
    const weeks = confirmedWeeks([{ cell: 'p|1', openedAt: from + 3 * WEEK_MS, resolvedAt: undefined }], from, 6);
    expect(weeks.map((s) => [...s])).toEqual([[], [], ['p|1'], ['p|1'], ['p|1'], ['p|1']]);
  });
});
