import { describe, expect, it } from 'vitest';
import { hashSeed, Rng } from '../../services/simulate/rng.ts';
import { WEEKDAY_PROFILE } from './model.ts';
import { oracle, type Design } from './oracle.ts';
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
});
