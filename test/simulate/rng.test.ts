import { describe, expect, it } from 'vitest';
import { hashSeed, Rng, Weighted } from '../../services/simulate/rng.ts';

const draws = (n: number, f: () => number) => Array.from({ length: n }, f);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
};

describe('Rng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = new Rng(1);
    const b = new Rng(1);
    const c = new Rng(2);
    const seqA = draws(100, () => a.next());
    expect(draws(100, () => b.next())).toEqual(seqA);
    expect(draws(100, () => c.next())).not.toEqual(seqA);
  });

  it('draws uniforms in [0, 1) with mean 1/2', () => {
    const rng = new Rng(3);
    const xs = draws(50_000, () => rng.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 2);
  });

  it('draws integers over the whole closed range', () => {
    const rng = new Rng(4);
    const xs = draws(10_000, () => rng.int(2, 5));
    expect(new Set(xs)).toEqual(new Set([2, 3, 4, 5]));
  });

  it('draws normals, Poisson, gamma and negative binomial with the right moments', () => {
    const rng = new Rng(5);
    const normal = draws(50_000, () => rng.normal(10, 2));
    expect(mean(normal)).toBeCloseTo(10, 1);
    expect(Math.sqrt(variance(normal))).toBeCloseTo(2, 1);

    for (const lambda of [0.5, 4, 80]) {
      const p = draws(50_000, () => rng.poisson(lambda));
      expect(mean(p) / lambda).toBeCloseTo(1, 1);
      expect(variance(p) / lambda).toBeCloseTo(1, 1);
    }

    const g = draws(50_000, () => rng.gamma(0.5, 4));
    expect(mean(g)).toBeCloseTo(2, 1); // shape × scale
    expect(variance(g) / 8).toBeCloseTo(1, 1); // shape × scale²

    // Overdispersed: variance = mean + mean² / dispersion = 20 + 400 / 4 = 120.
    const nb = draws(50_000, () => rng.negativeBinomial(20, 4));
    expect(mean(nb) / 20).toBeCloseTo(1, 1);
    expect(variance(nb) / 120).toBeCloseTo(1, 1);
  });
});

describe('hashSeed', () => {
  it('is stable and separates its parts', () => {
    expect(hashSeed(1, 'base', 'hotline')).toBe(hashSeed(1, 'base', 'hotline'));
    expect(hashSeed('ab', 'c')).not.toBe(hashSeed('a', 'bc'));
    expect(hashSeed(1, 'x')).not.toBe(hashSeed(2, 'x'));
  });
});

describe('Weighted', () => {
  it('picks in proportion to the weights and never a zero weight', () => {
    const rng = new Rng(6);
    const table = new Weighted([['zero', 0], ['a', 1], ['b', 3]] as const);
    const counts = { zero: 0, a: 0, b: 0 };
    for (let i = 0; i < 40_000; i++) counts[table.pick(rng)]++;
    expect(counts.zero).toBe(0);
    expect(counts.b / counts.a).toBeCloseTo(3, 0);
  });

  it('refuses negative or all-zero weights', () => {
    expect(() => new Weighted([['a', -1]])).toThrow(RangeError);
    expect(() => new Weighted([['a', 0]])).toThrow(RangeError);
  });
});
