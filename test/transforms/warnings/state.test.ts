import { describe, expect, it } from 'vitest';
import type { ScoredCell } from '../../../services/transforms/score/pass.ts';
import { step, type OpenWarning } from '../../../services/transforms/warnings/state.ts';

const cell = (score: number, regionCode = '130184'): ScoredCell => ({
  productCode: 'waterproof_membrane',
  regionCode,
  regionLevel: 'county',
  score,
  level: undefined,
  complaintZ: 0,
  spotcheckZ: 0,
  mediaZ: 0,
  evidence: { formula: '', thresholds: { I: 85, II: 70, III: 50, IV: 30 }, counties: 1, signals: [], samples: {} },
});

/** Runs successive passes one day apart and returns "event:level" per pass. */
function run(scores: (number | null)[]): string[][] {
  let open = new Map<string, OpenWarning>();
  return scores.map((s, i) => {
    const r = step(open, s === null ? [] : [cell(s)], new Date(Date.UTC(2026, 10, 1 + i)));
    open = r.open;
    return r.events.map((e) => `${e.event}:${e.level}`);
  });
}

describe('warning state machine', () => {
  it('opens, escalates, de-escalates and resolves', () => {
    expect(run([10, 35, 55, 90, 78, 72, 45, 15])).toEqual([[], ['opened:IV'], ['escalated:III'], ['escalated:I'], [], ['deescalated:II'], ['deescalated:III'], ['resolved:III']]);
  });

  it('does not flap around a threshold (hysteresis of 10 points)', () => {
    expect(run([31, 28, 32, 22, 29, 19])).toEqual([['opened:IV'], [], [], [], [], ['resolved:IV']]);
    expect(run([71, 66, 69, 61, 71])).toEqual([['opened:II'], [], [], [], []]);
  });

  it('resolves a warning whose cell no longer scores at all', () => {
    expect(run([60, null])).toEqual([['opened:III'], ['resolved:III']]);
  });

  it('keeps one warning id from opening to resolution, and a new one after', () => {
    let open = new Map<string, OpenWarning>();
    const ids: string[] = [];
    for (const [i, s] of [40, 60, 10, 40].entries()) {
      const r = step(open, [cell(s)], new Date(Date.UTC(2026, 10, 1 + i)));
      open = r.open;
      ids.push(...r.events.map((e) => e.warningId));
    }
    expect(ids[0]).toBe(ids[1]);
    expect(ids[1]).toBe(ids[2]);
    expect(ids[3]).not.toBe(ids[0]);
    expect(ids[0]).toBe('W-C-waterproof_membrane-130184-20261101T000000Z');
  });

  it('is pure: the same inputs give the same events', () => {
    expect(run([35, 55, 10])).toEqual(run([35, 55, 10]));
  });
});
