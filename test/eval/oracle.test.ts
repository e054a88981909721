import { describe, expect, it } from 'vitest';
import { hashSeed, Rng } from '../../services/simulate/rng.ts';
import { WEEKDAY_PROFILE } from './model.ts';
import { oracle, ORACLE_WINDOWS, type Design } from './oracle.ts';
import { END_DAY } from './time.ts';

const design = (ks: number[]): Design => ({
  levels: [2],
  ks,
  phis: [2],
  baseline: (_rng, level, phi) => ({ level, beta: 0, harmonics: [], phi, weekday: WEEKDAY_PROFILE, centreDay: END_DAY - 182 }),
});
const opts = { calibrationWeeks: 1000, outbreaksPerK: 200 };

describe('the outbreak oracle', () => {
  it('finds nearly every large outbreak and few of the smallest, as the design implies', () => {
    const r = oracle(new Rng(hashSeed('oracle-test', 1)), design([1, 10]), opts);
    expect(r.byK[10]).toBeGreaterThan(0.9);
    expect(r.byK[1]).toBeLessThan(0.3);
    expect(r.overall).toBeCloseTo((r.byK[1]! + r.byK[10]!) / 2, 10);
  });

  it('is reproducible for a seed', () => {
    const a = oracle(new Rng(hashSeed('oracle-test', 2)), design([3]), opts);
    const b = oracle(new Rng(hashSeed('oracle-test', 2)), design([3]), opts);
    expect(a).toEqual(b);
  });

  it('calibrates its one threshold to the windows it is given: only their relative weights matter', () => {
    const doubled = ORACLE_WINDOWS.map((w) => ({ ...w, weight: 2 * w.weight }));
    const a = oracle(new Rng(hashSeed('oracle-test', 3)), design([5]), opts);
    const b = oracle(new Rng(hashSeed('oracle-test', 3)), design([5]), { ...opts, windows: doubled });
    expect(b.byK).toEqual(a.byK);
    expect(b.thresholds['2/2']).toBeCloseTo(2 * a.thresholds['2/2']!, 10);
    // Weighting the 28-day window down makes it a different detector, with a different POD.
    const shorter = ORACLE_WINDOWS.map((w) => ({ ...w, weight: w.days === 7 ? 1 : 0.5 }));
    expect(oracle(new Rng(hashSeed('oracle-test', 3)), design([5]), { ...opts, windows: shorter }).byK[5]).not.toEqual(a.byK[5]);
  });

  it('counting openings instead of alarm weeks, allows a detector whose alarms last a lower threshold', () => {
    // A 28-day window stays above its threshold for days once it is there: one opening, and often two
    // alarm weeks. Held to the same 1 % of weeks, counting openings lets it alarm lower.
    const weeks = oracle(new Rng(hashSeed('oracle-test', 4)), design([5]), opts);
    const openings = oracle(new Rng(hashSeed('oracle-test', 4)), design([5]), { ...opts, count: 'openings' });
    expect(openings.thresholds['2/2']).toBeLessThan(weeks.thresholds['2/2']! - 0.1);
  });
});
