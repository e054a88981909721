import { ALARM_WINDOWS, ALARM_Z_RANGE, type AlarmWindow, type AlarmZ } from './alarm.ts';
import { levelFor, levelHeld } from './levels.ts';

// Recalibrating the county complaint thresholds on stored data (`qrm calibrate`). Every pass's window
// z per county cell is kept; for any thresholds, the warning state machine's rule (levels.ts: a
// warning opens at score 30, level IV, and holds down to 20) then says, on the complaint signal alone,
// in which cell-weeks a warning would open, and in which one would be open at some pass. Real data has
// no labels, so these are rates of warnings, genuine outbreaks included, except the weeks of warnings
// that inspections confirmed, which the caller leaves out.

const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/**
 * The thresholds to score with while calibrating. score.sql returns a cell only from score 10, that is
 * from a window's z × 3.5 / threshold of 1.5; at the lowest valid threshold, 2, that is z 0.86, so
 * every z that any valid threshold could need to open or hold a warning is returned.
 */
export const SCAN_ALARM_Z: AlarmZ = { 1: ALARM_Z_RANGE.min, 7: ALARM_Z_RANGE.min, 28: ALARM_Z_RANGE.min };

const UNSEEN = -32768;
// z in hundredths, as the evidence rounds it (live scoring uses the unrounded z, so the two can differ
// within 0.005 of a threshold), in a quarter of the memory of numbers: 100k cells over half a year of
// daily passes, 150 MB.
const hundredths = (z: number) => Math.max(-32767, Math.min(32767, Math.round(z * 100)));

/**
 * Each county cell's window z at every pass, four numbers a pass: the 1-, 7- and 28-day z and the
 * concentration factor (score.sql's ×1.25 when one enterprise is named by most callers), in
 * hundredths; UNSEEN where the cell was not returned.
 */
export class Tracks {
  readonly cells = new Map<string, Int16Array>();
  constructor(readonly passes: number) {}

  add(cell: string, pass: number, z: Readonly<Record<AlarmWindow, number>>, concentration = 1): void {
    let track = this.cells.get(cell);
    if (!track) {
      track = new Int16Array(4 * this.passes).fill(UNSEEN);
      this.cells.set(cell, track);
    }
    ALARM_WINDOWS.forEach((w, i) => (track[4 * pass + i] = hundredths(z[w])));
    track[4 * pass + 3] = hundredths(concentration);
  }
}

export type Counts = {
  /** Cell-weeks in which a warning opens. */
  openings: number;
  /** Cell-weeks in which a warning is open at some pass. */
  alarmWeeks: number;
  /** Cell-weeks in which each window on its own reaches its threshold. */
  byWindow: Record<AlarmWindow, number>;
};

/** What the complaint signal alone would do at `alarmZ`, pass by pass; `weekOf` maps a pass to its week. */
export function count(tracks: Tracks, weekOf: (pass: number) => number, alarmZ: AlarmZ): Counts {
  const threshold = ALARM_WINDOWS.map((w) => hundredths(alarmZ[w]));
  const c: Counts = { openings: 0, alarmWeeks: 0, byWindow: { 1: 0, 7: 0, 28: 0 } };
  for (const track of tracks.cells.values()) {
    let open = false;
    let lastOpening = -1;
    let lastAlarm = -1;
    const lastHit = [-1, -1, -1];
    for (let p = 0; p < tracks.passes; p++) {
      const week = weekOf(p);
      // The complaint z as score.sql makes it: each window's z × 3.5 / its threshold, the largest,
      // capped at 10, times the concentration factor.
      let z = 0;
      for (let i = 0; i < 3; i++) {
        const zi = track[4 * p + i]!;
        if (zi === UNSEEN) continue;
        z = Math.max(z, (zi * 3.5) / threshold[i]!);
        if (zi >= threshold[i]! && lastHit[i] !== week) {
          lastHit[i] = week;
          c.byWindow[ALARM_WINDOWS[i]!]++;
        }
      }
      const factor = track[4 * p + 3] === UNSEEN ? 1 : track[4 * p + 3]! / 100;
      // score = 10 × (z − 0.5), to one decimal, as score.sql rounds it.
      const score = Math.round(10 * (10 * (Math.min(10, z) * factor - 0.5))) / 10;
      const opens: boolean = !open && levelFor(score) !== undefined;
      open = open ? levelHeld(score) !== undefined : opens;
      if (opens && lastOpening !== week) {
        lastOpening = week;
        c.openings++;
      }
      if (open && lastAlarm !== week) {
        lastAlarm = week;
        c.alarmWeeks++;
      }
    }
  }
  return c;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The thresholds `scale` times `alarmZ`, each rounded to 0.01 and kept within the valid range. */
export function scaled(alarmZ: AlarmZ, scale: number): AlarmZ {
  const one = (z: number) => Math.min(ALARM_Z_RANGE.max, Math.max(ALARM_Z_RANGE.min, round2(z * scale)));
  return { 1: one(alarmZ[1]), 7: one(alarmZ[7]), 28: one(alarmZ[28]) };
}

/**
 * The lowest thresholds in the proportions of `alarmZ` (scaled in steps of 1 %) at which `measure`
 * stays within `budget`; undefined when even the highest valid thresholds exceed it. Keeping the
 * proportions keeps what the simulation taught about the windows' relative noise.
 */
export function suggest(measure: (a: AlarmZ) => number, budget: number, alarmZ: AlarmZ): AlarmZ | undefined {
  const largest = Math.max(...ALARM_WINDOWS.map((w) => alarmZ[w]));
  const smallest = Math.min(...ALARM_WINDOWS.map((w) => alarmZ[w]));
  for (let step = Math.ceil((100 * ALARM_Z_RANGE.min) / largest); step <= Math.ceil((100 * ALARM_Z_RANGE.max) / smallest); step++) {
    const candidate = scaled(alarmZ, step / 100);
    if (measure(candidate) <= budget) return candidate;
  }
  return undefined;
}

/**
 * The cells each week (0 = the week starting at `from`) leaves out as an outbreak's: those of a
 * warning an inspection confirmed, from a week before it opened (the outbreak began before it was
 * seen) to 28 days after it resolved (the 28-day window still holds its complaints until then), as
 * the evaluation leaves out its labelled outbreaks. A warning still open covers every later week.
 */
export function confirmedWeeks(confirmed: readonly { cell: string; openedAt: number; resolvedAt: number | undefined }[], from: number, weeks: number): Set<string>[] {
  const out = Array.from({ length: weeks }, () => new Set<string>());
  for (const c of confirmed) {
    const start = c.openedAt - WEEK_MS;
    const end = c.resolvedAt === undefined ? Infinity : c.resolvedAt + 28 * DAY_MS;
    for (let k = 0; k < weeks; k++) {
      if (from + k * WEEK_MS < end && from + (k + 1) * WEEK_MS > start) out[k]!.add(c.cell);
    }
  }
  return out;
}
