import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/config/index.ts';

const env = (extra: Record<string, string>) => ({ QRM_KAFKA_DEV_FILE: '/nonexistent/kafka-dev.env', ...extra });

describe('app config: QRM_COMPLAINT_ALARM_Z', () => {
  it('defaults to the thresholds calibrated on the simulated county series', () => {
    expect(loadConfig(env({})).app.complaintAlarmZ).toEqual({ 1: 3.5, 7: 3.05, 28: 4.25 });
    expect(loadConfig(env({ QRM_COMPLAINT_ALARM_Z: ' ' })).app.complaintAlarmZ).toEqual({ 1: 3.5, 7: 3.05, 28: 4.25 });
  });

  it('takes every window in any order, as qrm calibrate prints them', () => {
    expect(loadConfig(env({ QRM_COMPLAINT_ALARM_Z: '28d=4.5, 1d=3.6,7d=3' })).app.complaintAlarmZ).toEqual({ 1: 3.6, 7: 3, 28: 4.5 });
  });

  it.each([
    ['7d=3.05,28d=4.25', /missing 1d/],
    ['1d=3.5,7d=3.05,14d=3,28d=4.25', /no 14-day window/],
    ['1d=3.5,7d=3.05,7d=3.1,28d=4.25', /7d given twice/],
    ['1d=3.5,7d=1.5,28d=4.25', /7d=1.5 is outside 2–10/],
    ['1d:3.5,7d:3.05,28d:4.25', /is not <days>d=<z>/],
    ['1d=3.555,7d=3.05,28d=4.25', /at most two decimals/],
  ])('rejects %s, naming the variable', (value, reason) => {
    expect(() => loadConfig(env({ QRM_COMPLAINT_ALARM_Z: value }))).toThrow(/QRM_COMPLAINT_ALARM_Z/);
    expect(() => loadConfig(env({ QRM_COMPLAINT_ALARM_Z: value }))).toThrow(reason);
  });
});
