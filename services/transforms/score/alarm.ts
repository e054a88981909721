// The alarm threshold of each complaint window of a county, on score.sql's z scale: a window whose z
// reaches its threshold counts as z 3.5, level IV's score of 30. Calibrated on simulated county series
// (docs/scoring.md, Calibration). Real hotline data will need its own: `qrm calibrate` proposes them
// from stored data, and QRM_COMPLAINT_ALARM_Z sets them. Rollups keep 3.5 for every window.

export const ALARM_WINDOWS = [1, 7, 28] as const;
export type AlarmWindow = (typeof ALARM_WINDOWS)[number];
export type AlarmZ = Readonly<Record<AlarmWindow, number>>;

export const DEFAULT_ALARM_Z: AlarmZ = { 1: 3.5, 7: 3.05, 28: 4.25 };

/** Below 2 a quiet county would warn most weeks; above 10 a window could never warn (z is capped at 10). */
export const ALARM_Z_RANGE = { min: 2, max: 10 } as const;

/** "1d=3.5,7d=3.05,28d=4.25", the form QRM_COMPLAINT_ALARM_Z takes and `qrm calibrate` prints. */
export function formatAlarmZ(a: AlarmZ): string {
  return ALARM_WINDOWS.map((w) => `${w}d=${a[w]}`).join(',');
}

/** The thresholds in `text`, or the reason they are not valid. Every window must be given once. */
export function parseAlarmZ(text: string): { ok: true; value: AlarmZ } | { ok: false; reason: string } {
  const found = new Map<number, number>();
  for (const part of text.split(',')) {
    // Two decimals at most, as calibrate prints them and as it replays them.
    const m = /^\s*(\d+)d\s*=\s*([0-9]+(?:\.[0-9]{1,2})?)\s*$/.exec(part);
    if (!m) return { ok: false, reason: `"${part.trim()}" is not <days>d=<z> with at most two decimals` };
    const days = Number(m[1]);
    const z = Number(m[2]);
    if (!(ALARM_WINDOWS as readonly number[]).includes(days)) return { ok: false, reason: `no ${days}-day window (windows: ${ALARM_WINDOWS.join(', ')} days)` };
    if (found.has(days)) return { ok: false, reason: `${days}d given twice` };
    if (z < ALARM_Z_RANGE.min || z > ALARM_Z_RANGE.max) return { ok: false, reason: `${days}d=${z} is outside ${ALARM_Z_RANGE.min}–${ALARM_Z_RANGE.max}` };
    found.set(days, z);
  }
  const missing = ALARM_WINDOWS.filter((w) => !found.has(w));
  if (missing.length > 0) return { ok: false, reason: `missing ${missing.map((w) => `${w}d`).join(', ')}` };
  return { ok: true, value: { 1: found.get(1)!, 7: found.get(7)!, 28: found.get(28)! } };
}

/** score.sql's query parameters for the thresholds. */
export function alarmParams(a: AlarmZ): Record<string, number> {
  return { alarm_z_1d: a[1], alarm_z_7d: a[7], alarm_z_28d: a[28] };
}
