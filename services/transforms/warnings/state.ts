import type { Evidence } from '../score/evidence.ts';
import { compareLevels, levelFor, levelHeld, type Level } from '../score/levels.ts';
import type { RegionLevel, ScoredCell } from '../score/pass.ts';

// The warning state machine, one step per scoring pass and cell. Pure: the same previous states and
// scores give the same events, which is what lets live scoring and backtests share it.

export type WarningEventName = 'opened' | 'escalated' | 'deescalated' | 'resolved' | 'acknowledged';

export type OpenWarning = {
  warningId: string;
  productCode: string;
  regionCode: string;
  regionLevel: RegionLevel;
  level: Level;
  openedAt: string;
};

export type WarningEvent = {
  warningId: string;
  event: WarningEventName;
  evaluatedAt: string;
  productCode: string;
  regionCode: string;
  regionLevel: RegionLevel;
  level: Level;
  previousLevel: Level | null;
  score: number;
  openedAt: string;
  evidence: Evidence | null;
};

export const cellKey = (c: { productCode: string; regionCode: string; regionLevel: string }) => `${c.regionLevel}|${c.productCode}|${c.regionCode}`;

/** Stable, readable, and unique per opening: level, product, region and the opening time. */
export function warningId(c: { productCode: string; regionCode: string; regionLevel: RegionLevel }, openedAt: string): string {
  const stamp = openedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `W-${c.regionLevel[0]!.toUpperCase()}-${c.productCode}-${c.regionCode}-${stamp}`;
}

/**
 * Advances every open warning and every scored cell by one pass at `t`. Cells that are open but
 * absent from `scored` scored below 10 this pass.
 */
export function step(open: ReadonlyMap<string, OpenWarning>, scored: readonly ScoredCell[], t: Date): { events: WarningEvent[]; open: Map<string, OpenWarning> } {
  const at = t.toISOString();
  const next = new Map(open);
  const events: WarningEvent[] = [];
  const seen = new Set<string>();
  const emit = (w: OpenWarning, event: WarningEventName, level: Level, previousLevel: Level | null, score: number, evidence: Evidence | null) =>
    events.push({ warningId: w.warningId, event, evaluatedAt: at, productCode: w.productCode, regionCode: w.regionCode, regionLevel: w.regionLevel, level, previousLevel, score, openedAt: w.openedAt, evidence });

  for (const cell of scored) {
    const key = cellKey(cell);
    seen.add(key);
    const current = open.get(key);
    if (!current) {
      const level = levelFor(cell.score);
      if (!level) continue;
      const w: OpenWarning = { warningId: warningId(cell, at), productCode: cell.productCode, regionCode: cell.regionCode, regionLevel: cell.regionLevel, level, openedAt: at };
      next.set(key, w);
      emit(w, 'opened', level, null, cell.score, cell.evidence);
      continue;
    }
    const reached = levelFor(cell.score);
    if (reached && compareLevels(reached, current.level) < 0) {
      next.set(key, { ...current, level: reached });
      emit(current, 'escalated', reached, current.level, cell.score, cell.evidence);
      continue;
    }
    const held = levelHeld(cell.score);
    if (!held) {
      next.delete(key);
      emit(current, 'resolved', current.level, current.level, cell.score, cell.evidence);
    } else if (compareLevels(held, current.level) > 0) {
      next.set(key, { ...current, level: held });
      emit(current, 'deescalated', held, current.level, cell.score, cell.evidence);
    }
  }
  for (const [key, w] of open) {
    if (seen.has(key)) continue;
    next.delete(key);
    emit(w, 'resolved', w.level, w.level, 0, null);
  }
  return { events, open: next };
}
