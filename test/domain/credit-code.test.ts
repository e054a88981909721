import { describe, expect, it } from 'vitest';
import { CREDIT_CODE_ALPHABET, makeCreditCode, normalizeCreditCode } from '../../services/domain/credit-code.ts';

describe('normalizeCreditCode', () => {
  // Checked by hand against GB 32100-2015: the weighted sum of the first 17 characters is 2599,
  // 2599 mod 31 = 26, 31 - 26 = 5, so the contract's example carries a valid check character.
  it('accepts the contract example', () => {
    expect(normalizeCreditCode('91130184MA07L8XQ45')).toBe('91130184MA07L8XQ45');
  });

  it('upper-cases and trims lower-case input', () => {
    expect(normalizeCreditCode('  91130184ma07l8xq45\n')).toBe('91130184MA07L8XQ45');
  });

  it('rejects a wrong check character', () => {
    expect(normalizeCreditCode('91130184MA07L8XQ44')).toBeUndefined();
    expect(normalizeCreditCode('91130184MA07L8XQ4Y')).toBeUndefined();
  });

  it('rejects letters outside the alphabet even when the rest is well formed', () => {
    for (const bad of ['I', 'O', 'S', 'V', 'Z']) {
      expect(normalizeCreditCode(`91130184MA07L8X${bad}45`)).toBeUndefined();
    }
  });

  it('rejects the wrong length', () => {
    expect(normalizeCreditCode('91130184MA07L8XQ4')).toBeUndefined();
    expect(normalizeCreditCode('91130184MA07L8XQ455')).toBeUndefined();
    expect(normalizeCreditCode('')).toBeUndefined();
  });

  it('accepts the check character 0 (sum divisible by 31)', () => {
    // "00000000000000000" sums to 0, so (31 - 0) mod 31 = 0.
    expect(normalizeCreditCode('000000000000000000')).toBe('000000000000000000');
  });
});

describe('makeCreditCode', () => {
  it('reproduces the contract example', () => {
    expect(makeCreditCode('91130184MA07L8XQ4')).toBe('91130184MA07L8XQ45');
  });

  it('produces codes that normalize to themselves, covering every check character', () => {
    const seenChecks = new Set<string>();
    for (const a of CREDIT_CODE_ALPHABET) {
      for (const b of CREDIT_CODE_ALPHABET) {
        const code = makeCreditCode(`91130184MA07L8X${a}${b}`);
        expect(normalizeCreditCode(code)).toBe(code);
        seenChecks.add(code[17]!);
      }
    }
    expect(seenChecks.size).toBe(31);
  });

  it('refuses a prefix that is not 17 characters of the alphabet', () => {
    expect(() => makeCreditCode('91130184MA07L8XQ')).toThrow(RangeError);
    expect(() => makeCreditCode('91130184MA07L8XO4')).toThrow(RangeError);
    expect(() => makeCreditCode('91130184ma07l8xq4')).toThrow(RangeError);
  });
});
