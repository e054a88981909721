import { describe, expect, it } from 'vitest';
import {
  compactBeijingDate,
  formatBeijingDate,
  formatTimestamp,
  hourOfWeek,
  parseBeijingTimestamp,
} from '../../services/simulate/clock.ts';

// 2026-11-20 08:31:05 Beijing time is 00:31:05 UTC, a Friday.
const MS = Date.UTC(2026, 10, 20, 0, 31, 5);

describe('formatTimestamp', () => {
  it('writes every form of the contract for one instant', () => {
    expect(formatTimestamp(MS, 'offset')).toBe('2026-11-20T08:31:05+08:00');
    expect(formatTimestamp(MS, 'utc')).toBe('2026-11-20T00:31:05Z');
    expect(formatTimestamp(MS, 'utc_ms')).toBe('2026-11-20T00:31:05.000Z');
    expect(formatTimestamp(MS, 'local_space')).toBe('2026-11-20 08:31:05');
    expect(formatTimestamp(MS, 'local_t')).toBe('2026-11-20T08:31:05');
  });

  it('uses the Beijing date, which changes at 16:00 UTC', () => {
    const lateUtc = Date.UTC(2026, 10, 19, 16, 0, 0);
    expect(formatBeijingDate(lateUtc)).toBe('2026-11-20');
    expect(formatBeijingDate(lateUtc - 1000)).toBe('2026-11-19');
    expect(compactBeijingDate(lateUtc)).toBe('20261120');
  });
});

describe('hourOfWeek', () => {
  it('counts from Monday 00:00 Beijing time', () => {
    expect(hourOfWeek(MS)).toBe(4 * 24 + 8); // Friday 08:00
    const mondayMidnight = Date.parse('2026-11-16T00:00:00+08:00');
    expect(hourOfWeek(mondayMidnight)).toBe(0);
    expect(hourOfWeek(mondayMidnight - 1)).toBe(167);
  });
});

describe('parseBeijingTimestamp', () => {
  it('reads each form the contract allows', () => {
    expect(parseBeijingTimestamp('2026-11-20T08:31:05+08:00')).toBe(MS);
    expect(parseBeijingTimestamp('2026-11-20T00:31:05Z')).toBe(MS);
    expect(parseBeijingTimestamp('2026-11-20T00:31:05.000Z')).toBe(MS);
    expect(parseBeijingTimestamp('2026-11-20 08:31:05')).toBe(MS);
    expect(parseBeijingTimestamp('2026-11-20T08:31:05')).toBe(MS);
    expect(parseBeijingTimestamp('2026-11-20')).toBe(Date.UTC(2026, 10, 19, 16));
  });

  it('rejects impossible dates and other text', () => {
    expect(parseBeijingTimestamp('2026-02-30')).toBeUndefined();
    expect(parseBeijingTimestamp('2026-11-20T25:00:00')).toBeUndefined();
    expect(parseBeijingTimestamp('20 Nov 2026')).toBeUndefined();
    expect(parseBeijingTimestamp('')).toBeUndefined();
  });
});
