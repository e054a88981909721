import type { BacktestResult, BacktestRun } from './backtest.ts';
import type { Rate, Series } from './metrics.ts';

// What every scenario module provides: it writes its events files, names the backtests to run on
// them, and judges their warnings against its labels.

export type Target = { name: string; pass: boolean; detail: string };

export type Report = {
  scenario: string;
  description: string;
  series: number;
  pod?: Rate;
  /** Series-weeks outside episodes in which a warning opened: each one an inspection sent for nothing. */
  fpr?: Rate;
  /** The same weeks counted when a warning was open at any time in them (metrics.ts, weeklyAlarmFpr). */
  fprAlarmWeeks?: Rate;
  delay?: { median: number | null; p90: number | null; unit: 'days' | 'hours' };
  /** Finer figures (per outbreak size, per baseline level, ...), one object per row. */
  breakdown: Record<string, string | number | null>[];
  targets: Target[];
  notes: string[];
};

export type Built = {
  runs: Record<string, Omit<BacktestRun, 'out'>>;
  /** The labelled series the judge scores (for a diffuse rise, the prefectures). */
  series: readonly Series[];
  judge(results: Record<string, BacktestResult>): Omit<Report, 'scenario' | 'description' | 'series'>;
};

export type Scenario = {
  name: string;
  description: string;
  build(seed: number, dir: string): Promise<Built>;
};

/** A rate as text: "0.84 (76/90)", or "–" without a denominator. */
export const showRate = (r: Rate | undefined, digits = 2): string =>
  r?.value == null ? '–' : `${r.value.toFixed(digits)} (${r.hits}/${r.total})`;
