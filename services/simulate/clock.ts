// Beijing time (UTC+8, no daylight saving) arithmetic and the contract's timestamp spellings.
// Done by hand on epoch milliseconds because Intl formatting is far too slow for 100k messages/s.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * HOUR_MS;
// 1970-01-01 was a Thursday: three days after the Monday our weeks start on.
const EPOCH_WEEKDAY = 3;

export type TimestampStyle = 'offset' | 'utc' | 'utc_ms' | 'local_space' | 'local_t';

const PAD2 = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

function ymd(d: Date): string {
  return `${d.getUTCFullYear()}-${PAD2[d.getUTCMonth() + 1]}-${PAD2[d.getUTCDate()]}`;
}

function hms(d: Date): string {
  return `${PAD2[d.getUTCHours()]}:${PAD2[d.getUTCMinutes()]}:${PAD2[d.getUTCSeconds()]}`;
}

/** One of the contract's timestamp forms for an instant (whole seconds, except `utc_ms`). */
export function formatTimestamp(ms: number, style: TimestampStyle): string {
  if (style === 'utc_ms') return new Date(ms).toISOString();
  if (style === 'utc') {
    const d = new Date(ms);
    return `${ymd(d)}T${hms(d)}Z`;
  }
  const local = new Date(ms + BEIJING_OFFSET_MS);
  if (style === 'offset') return `${ymd(local)}T${hms(local)}+08:00`;
  return `${ymd(local)}${style === 'local_space' ? ' ' : 'T'}${hms(local)}`;
}

/** The Beijing calendar date, `YYYY-MM-DD`. */
export function formatBeijingDate(ms: number): string {
  return ymd(new Date(ms + BEIJING_OFFSET_MS));
}

/** Compact Beijing date `YYYYMMDD`, as used inside record ids. */
export function compactBeijingDate(ms: number): string {
  const d = new Date(ms + BEIJING_OFFSET_MS);
  return `${d.getUTCFullYear()}${PAD2[d.getUTCMonth() + 1]}${PAD2[d.getUTCDate()]}`;
}

export function beijingYear(ms: number): number {
  return new Date(ms + BEIJING_OFFSET_MS).getUTCFullYear();
}

/** Days since 1970-01-01 in Beijing time: the key for anything that varies day by day. */
export function beijingDay(ms: number): number {
  return Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);
}

/** Hours since Monday 00:00 Beijing time, 0–167. */
export function hourOfWeek(ms: number): number {
  return (Math.floor((ms + BEIJING_OFFSET_MS) / HOUR_MS) + EPOCH_WEEKDAY * 24) % 168;
}

/**
 * Parses the contract's timestamp forms: ISO 8601 with an offset or Z, local Beijing time
 * `YYYY-MM-DD[ T]HH:mm[:ss]`, or a date (00:00 Beijing). Undefined for anything else.
 */
export function parseBeijingTimestamp(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = '+08:00'] = m;
  // Date.parse rolls 2026-02-30 over to 2 March instead of rejecting it.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return undefined;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}
