import { describe, expect, it } from 'vitest';
import type { WarningEvent } from './backtest.ts';
import { byCell, weeklyAlarmFpr, weeklyFpr, type Series } from './metrics.ts';
import { DAY_MS } from './time.ts';

// The two weekly false-positive rates the outbreak report gives. Four weeks evaluated daily from day 0
// to day 27; a warning is opened and resolved at passes (evaluation times), so one resolved at a
// week's first pass was open only before that week.

const FROM = Date.UTC(2026, 0, 4, 16);
const TO = FROM + 27 * DAY_MS;
const day = (d: number) => FROM + d * DAY_MS;

const series = (regionCode: string, episodes: Series['episodes'] = []): Series => ({ productCode: 'toy', regionCode, regionLevel: 'county', tags: {}, episodes });
const event = (regionCode: string, warningId: string, name: WarningEvent['event'], d: number): WarningEvent => ({
  warningId,
  event: name,
  evaluatedAt: new Date(day(d)).toISOString(),
  productCode: 'toy',
  regionCode,
  regionLevel: 'county',
  level: 'IV',
  score: 30,
  evidence: null,
});

describe('weekly false-positive rates', () => {
  // A: opened in week 2, resolved at week 3's first pass. B: opened in week 3, open into week 4.
  // C: an episode in week 1, so weeks 1 and 2 (the week after it, afterMs) are not outbreak-free.
  const all = [series('110101'), series('110102'), series('110105', [{ start: day(2), end: day(4), evaluated: true, tags: {} }])];
  const warnings = byCell([
    event('110101', 'a', 'opened', 8),
    event('110101', 'a', 'resolved', 14),
    event('110102', 'b', 'opened', 15),
    event('110102', 'b', 'resolved', 23),
    event('110105', 'c', 'opened', 3),
    event('110105', 'c', 'resolved', 9),
  ]);

  it('counts the weeks in which a warning opened', () => {
    expect(weeklyFpr(all, warnings, FROM, TO, 7 * DAY_MS)).toEqual({ hits: 2, total: 10, value: 0.2 });
  });

  it('counts the weeks in which a warning was open, not the week it was resolved at the first pass of', () => {
    // A: week 2 only. B: weeks 3 and 4. C: its weeks are not outbreak-free.
    expect(weeklyAlarmFpr(all, warnings, FROM, TO, 7 * DAY_MS)).toEqual({ hits: 3, total: 10, value: 0.3 });
  });
});
