import type { RegionLevel, WarningEvent } from './backtest.ts';
import { DAY_MS } from './time.ts';

// Labelled series and what the warnings say about them. A series is one (product, region, region
// level) cell of one events file; its episodes are the injected problems, each with the span of its
// injected records.

export type Episode = {
  start: number;
  end: number;
  /** Whether it lies in the evaluated period (history episodes only test the baseline's robustness). */
  evaluated: boolean;
  /** What the episode is labelled with, for the breakdown (e.g. { k: 5 }). */
  tags: Record<string, string | number>;
};

export type Series = {
  productCode: string;
  regionCode: string;
  regionLevel: RegionLevel;
  /** Labels of the series itself (e.g. { baseline: '2/day' }); `control` series have no episodes. */
  tags: Record<string, string | number>;
  episodes: Episode[];
};

export const cellOf = (x: { productCode: string; regionCode: string; regionLevel: string }) => `${x.regionLevel}|${x.productCode}|${x.regionCode}`;

/** Warning events per cell, in time order. */
export function byCell(warnings: readonly WarningEvent[]): Map<string, WarningEvent[]> {
  const map = new Map<string, WarningEvent[]>();
  for (const w of warnings) {
    const list = map.get(cellOf(w)) ?? [];
    list.push(w);
    map.set(cellOf(w), list);
  }
  for (const list of map.values()) list.sort((a, b) => a.evaluatedAt.localeCompare(b.evaluatedAt));
  return map;
}

export type Detection = { series: Series; episode: Episode; delayMs: number | undefined };

/**
 * An episode is detected when its cell gets a warning (opened, or raised to a higher level) from the
 * episode's start until `graceMs` after its last record. The delay runs from the start.
 */
export function detections(series: readonly Series[], warnings: ReadonlyMap<string, WarningEvent[]>, graceMs: number): Detection[] {
  const out: Detection[] = [];
  for (const s of series) {
    const events = (warnings.get(cellOf(s)) ?? []).filter((w) => w.event === 'opened' || w.event === 'escalated');
    for (const e of s.episodes.filter((x) => x.evaluated)) {
      const hit = events.find((w) => {
        const t = Date.parse(w.evaluatedAt);
        return t >= e.start && t <= e.end + graceMs;
      });
      out.push({ series: s, episode: e, delayMs: hit && Date.parse(hit.evaluatedAt) - e.start });
    }
  }
  return out;
}

export type Rate = { hits: number; total: number; value: number | null };
const rate = (hits: number, total: number): Rate => ({ hits, total, value: total ? hits / total : null });

export const pod = (d: readonly Detection[]): Rate => rate(d.filter((x) => x.delayMs !== undefined).length, d.length);

/**
 * Weekly false-positive rate: of the series-weeks of the evaluated period [from, to] that overlap no
 * episode (nor the `afterMs` following one, while its records still fill the longer windows), the
 * share in which the series' cell opened a warning at its own region level.
 */
export function weeklyFpr(series: readonly Series[], warnings: ReadonlyMap<string, WarningEvent[]>, from: number, to: number, afterMs: number): Rate {
  return outbreakFreeWeeks(series, from, to, afterMs, (s) => {
    const opened = (warnings.get(cellOf(s)) ?? []).filter((w) => w.event === 'opened').map((w) => Date.parse(w.evaluatedAt));
    return (w0, w1) => opened.some((t) => t >= w0 && t < w1);
  });
}

/**
 * The same series-weeks, counted when the cell had a warning open at any time in the week, however
 * long before it opened: the definition of Noufaily et al. and of the oracle, whose alarm in a week
 * is the statistic above its threshold on any day of it. A false warning open for three weeks counts
 * three times here and once in weeklyFpr.
 */
export function weeklyAlarmFpr(series: readonly Series[], warnings: ReadonlyMap<string, WarningEvent[]>, from: number, to: number, afterMs: number): Rate {
  return outbreakFreeWeeks(series, from, to, afterMs, (s) => {
    const spans = openSpans(warnings.get(cellOf(s)) ?? []);
    // Resolved at the week's first pass (b = w0): the warning was open only before the week.
    return (w0, w1) => spans.some(([a, b]) => a < w1 && b > w0);
  });
}

/** The share of the series-weeks in [from, to] clear of episodes (and `afterMs` after one) that `flagged(series)` flags. */
function outbreakFreeWeeks(series: readonly Series[], from: number, to: number, afterMs: number, flagged: (s: Series) => (w0: number, w1: number) => boolean): Rate {
  let weeks = 0;
  let hits = 0;
  for (const s of series) {
    const flags = flagged(s);
    for (let w0 = from; w0 + 7 * DAY_MS <= to + DAY_MS; w0 += 7 * DAY_MS) {
      const w1 = w0 + 7 * DAY_MS;
      if (s.episodes.some((e) => e.start < w1 && e.end + afterMs >= w0)) continue;
      weeks++;
      if (flags(w0, w1)) hits++;
    }
  }
  return rate(hits, weeks);
}

/** [opened, resolved] of each warning in `events` (time-ordered); Infinity while still open. */
function openSpans(events: readonly WarningEvent[]): [number, number][] {
  const spans = new Map<string, [number, number]>();
  for (const e of events) {
    const t = Date.parse(e.evaluatedAt);
    if (e.event === 'opened') spans.set(e.warningId, [t, Infinity]);
    else if (e.event === 'resolved' && spans.has(e.warningId)) spans.get(e.warningId)![1] = t;
  }
  return [...spans.values()];
}

/** Median and 90th percentile of the detected episodes' delays, in `unitMs`. */
export function delays(d: readonly Detection[], unitMs: number): { median: number | null; p90: number | null } {
  const v = d.flatMap((x) => (x.delayMs === undefined ? [] : [x.delayMs / unitMs])).sort((a, b) => a - b);
  const q = (p: number) => (v.length ? Math.round(v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)]! * 10) / 10 : null);
  return { median: q(0.5), p90: q(0.9) };
}

/** Warnings opened on cells that belong to no series of the file (a rollup, or a stray county). */
export function strayOpenings(series: readonly Series[], warnings: readonly WarningEvent[], level: RegionLevel): number {
  const known = new Set(series.map(cellOf));
  return warnings.filter((w) => w.event === 'opened' && w.regionLevel === level && !known.has(cellOf(w))).length;
}
