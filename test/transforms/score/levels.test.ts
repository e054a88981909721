import { describe, expect, it } from 'vitest';
import { levelFor, levelHeld } from '../../../services/transforms/score/levels.ts';

describe('levels', () => {
  it.each([
    [29.9, undefined],
    [30, 'IV'],
    [49.9, 'IV'],
    [50, 'III'],
    [70, 'II'],
    [85, 'I'],
    [100, 'I'],
  ])('score %d reaches %s', (score, level) => {
    expect(levelFor(score)).toBe(level);
  });

  it.each([
    [19.9, undefined],
    [20, 'IV'],
    [40, 'III'],
    [60, 'II'],
    [75, 'I'],
  ])('an open warning at score %d holds %s', (score, level) => {
    expect(levelHeld(score)).toBe(level);
  });
});
