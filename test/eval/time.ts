import { beijingDay, DAY_MS, HOUR_MS } from '../../services/simulate/clock.ts';

// Scenario time is counted in Beijing days (days since 1970-01-01 Beijing time), the unit complaints
// and spot checks are reported in, and evaluations run at Beijing midnight so a daily pass sees whole
// days.

export { DAY_MS, HOUR_MS };

/** The Beijing day an instant falls on. */
export const dayOf = beijingDay;

/**
 * Every scenario ends here, a fixed day rather than "now": the same seed then gives the same series,
 * weekdays and results on any date. It lies in the past, as the decoder requires.
 */
export const END_DAY = beijingDay(Date.UTC(2026, 10, 1));

/** The instant a Beijing day begins (00:00 +08:00). */
export const dayStart = (day: number): number => day * DAY_MS - 8 * HOUR_MS;

export const iso = (ms: number): string => new Date(ms).toISOString();

export function assertInPast(): void {
  if (dayStart(END_DAY + 1) > Date.now()) throw new Error(`the scenarios end on ${iso(dayStart(END_DAY))}, which is not yet past`);
}
