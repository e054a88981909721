// Report periods and their display, in Beijing time. China Standard Time is UTC+8 all year (no
// daylight saving since 1991), so a fixed offset is exact and keeps this free of Intl time-zone data.

export type ReportKind = 'daily' | 'weekly' | 'monthly';
export const reportKinds: readonly ReportKind[] = ['daily', 'weekly', 'monthly'];

/** Half-open interval [start, end). */
export type Period = { start: Date; end: Date };

export const timeZone = 'Asia/Shanghai';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const OFFSET = 8 * HOUR;

/** Days in the warning trend: eight weeks, so a weekly report shows the campaign's course. */
export const trendDays = 56;

/**
 * The period a report covers and the one before it, for comparison. Daily and weekly reports cover
 * the 24 hours or 7 days ending at `at` (the schedule decides the cut-off hour); a monthly report
 * covers the last complete calendar month in Beijing time before `at`, as the dispatch meeting does.
 */
export function periodsFor(kind: ReportKind, at: Date): { period: Period; previous: Period } {
  const t = at.getTime();
  if (kind === 'monthly') {
    const local = new Date(t + OFFSET);
    const y = local.getUTCFullYear();
    const m = local.getUTCMonth();
    const month = (k: number) => new Date(Date.UTC(y, m + k, 1) - OFFSET);
    return { period: { start: month(-1), end: month(0) }, previous: { start: month(-2), end: month(-1) } };
  }
  const length = kind === 'daily' ? DAY : 7 * DAY;
  return {
    period: { start: new Date(t - length), end: new Date(t) },
    previous: { start: new Date(t - 2 * length), end: new Date(t - length) },
  };
}

/** Midnight in Beijing of the day containing `d`. */
export function beijingMidnight(d: Date): Date {
  return new Date(Math.floor((d.getTime() + OFFSET) / DAY) * DAY - OFFSET);
}

/** The trend's days: `trendDays` Beijing days, the last one containing the period's last instant. */
export function trendStart(end: Date): Date {
  return new Date(beijingMidnight(new Date(end.getTime() - 1)).getTime() - (trendDays - 1) * DAY);
}

function parts(d: Date) {
  const l = new Date(d.getTime() + OFFSET);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return { y: l.getUTCFullYear(), m: l.getUTCMonth() + 1, d: l.getUTCDate(), date: `${l.getUTCFullYear()}-${p2(l.getUTCMonth() + 1)}-${p2(l.getUTCDate())}`, time: `${p2(l.getUTCHours())}:${p2(l.getUTCMinutes())}` };
}

/** YYYY-MM-DD of the Beijing day containing `d`. */
export const beijingDate = (d: Date): string => parts(d).date;

/** YYYY-MM-DD HH:mm in Beijing time. */
export const beijingDateTime = (d: Date): string => `${parts(d).date} ${parts(d).time}`;

/** MM-DD in Beijing time (chart ticks). */
export const beijingMonthDay = (d: Date): string => parts(d).date.slice(5);

/**
 * How a period reads in a report: "2026年9月" for a calendar month, "2026-09-28 至 2026-10-04" when
 * it runs midnight to midnight (the end day shown inclusive), otherwise with times.
 */
export function describePeriod(kind: ReportKind, p: Period): string {
  const s = parts(p.start);
  if (kind === 'monthly') return `${s.y}年${s.m}月`;
  const lastInstant = new Date(p.end.getTime() - 1);
  if (s.time === '00:00' && parts(p.end).time === '00:00') {
    const e = parts(lastInstant);
    return s.date === e.date ? s.date : `${s.date} 至 ${e.date}`;
  }
  return `${beijingDateTime(p.start)} 至 ${beijingDateTime(p.end)}`;
}

/**
 * A time given on the command line. A date or a date-time without an offset means Beijing time (what
 * a bureau means by "2026-10-05"); anything with Z or an offset is taken as written.
 */
export function parseReportTime(text: string): Date | undefined {
  const v = text.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(v);
  if (local) {
    const [, y, mo, d, h, mi, s] = local.map((x) => (x === undefined ? 0 : Number(x))) as number[];
    const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - OFFSET;
    const check = new Date(ms + OFFSET);
    // Date.UTC rolls 2026-02-30 over into March; a calendar date that does not exist is an error.
    if (check.getUTCMonth() !== mo! - 1 || check.getUTCDate() !== d! || h! > 23 || mi! > 59 || s! > 59) return undefined;
    return new Date(ms);
  }
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(v)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
