import { beforeAll, describe, expect, it } from 'vitest';
import type { CalibrationReport } from '../../services/app/calibrate.ts';
import type { ClickHouse } from '../../services/clients/clickhouse.ts';
import { hashSeed, Rng } from '../../services/simulate/rng.ts';
import { insertRows } from '../../services/sinks/clickhouse/insert.ts';
import { recordFeedback } from '../../services/sinks/notifications/feedback.ts';
import { storeWarningEvents } from '../../services/sinks/warnings/store.ts';
import { parseAlarmZ, type AlarmZ } from '../../services/transforms/score/alarm.ts';
import { scorePass } from '../../services/transforms/score/pass.ts';
import { step, type OpenWarning, type WarningEvent } from '../../services/transforms/warnings/state.ts';
import { openClickHouse, tempDir, testConfig } from '../support/app.ts';
import { qrmOnce } from '../support/cli.ts';
import { complaint, hours } from '../support/rows.ts';

// `qrm calibrate` as an analyst runs it on a database of twenty county cells with noisy complaint
// histories, two with a surge, one of them confirmed by an inspection. Its rates are then checked
// against live scoring and the warning state machine: at the thresholds it reports, the county
// cell-weeks outside the confirmed warning with an opening, and with a warning open, are as it said.

const dataDir = tempDir();
const DAY = 86_400_000;
const FROM = Date.UTC(2026, 8, 1, 0, 0, 0);
const WEEKS = 3;
const CELLS = Array.from({ length: 20 }, (_, i) => String(130101 + i));

beforeAll(async () => {
  const ch = await openClickHouse(testConfig({ QRM_DATA_DIR: dataDir }));
  try {
    const rng = new Rng(hashSeed('cli-calibrate'));
    const rows = CELLS.flatMap((region) =>
      Array.from({ length: 130 }, (_, d) => FROM + (WEEKS * 7 - 130 + d) * DAY).flatMap((day) =>
        Array.from({ length: rng.negativeBinomial(3, 3) }, (_, j) => complaint(`${region}-${day}-${j}`, day + rng.int(0, DAY - 1), { region })),
      ),
    );
    // Surges of 25 complaints in a day: the first cell's in the second week, the second cell's in the
    // first, which an inspection confirms. An inspection of the third cell finds nothing.
    rows.push(...Array.from({ length: 25 }, (_, j) => complaint(`surge-${j}`, FROM + 9 * DAY + j * hours(0.5), { region: CELLS[0] })));
    rows.push(...Array.from({ length: 25 }, (_, j) => complaint(`confirmed-${j}`, FROM + 1 * DAY + j * hours(0.5), { region: CELLS[1] })));
    await insertRows(ch, 'complaints', rows);
    const warning = (region: string, day: number, event: 'opened' | 'resolved'): WarningEvent => {
      const at = (d: number) => new Date(FROM + d * DAY).toISOString();
      return { warningId: `W-${region}`, event, evaluatedAt: at(day), productCode: 'waterproof_membrane', regionCode: region, regionLevel: 'county', level: 'II', previousLevel: null, score: 70, openedAt: at(2), evidence: null };
    };
    await storeWarningEvents(ch, [warning(CELLS[1]!, 2, 'opened'), warning(CELLS[1]!, 4, 'resolved'), warning(CELLS[2]!, 2, 'opened')]);
    await recordFeedback(ch, { warningId: `W-${CELLS[1]}`, kind: 'outcome', author: 'bureau', comment: '', enterprisesInspected: 3, violationsFound: 2 });
    await recordFeedback(ch, { warningId: `W-${CELLS[2]}`, kind: 'outcome', author: 'bureau', comment: '', enterprisesInspected: 3, violationsFound: 0 });
  } finally {
    await ch.close();
  }
}, 60_000);

/** What the live warning state machine does at `alarmZ`, in county cell-weeks outside the confirmed warning's. */
async function live(ch: ClickHouse, alarmZ: AlarmZ): Promise<{ openings: number; alarmWeeks: number }> {
  const openings = new Set<string>();
  const alarms = new Set<string>();
  let open = new Map<string, OpenWarning>();
  for (let d = 0; d < WEEKS * 7; d++) {
    const t = new Date(FROM + d * DAY);
    const result = step(open, await scorePass(ch, t, { alarmZ }), t);
    open = result.open;
    const week = Math.floor(d / 7);
    for (const e of result.events) if (e.event === 'opened' && e.regionLevel === 'county' && e.regionCode !== CELLS[1]) openings.add(`${week}|${e.regionCode}`);
    for (const w of open.values()) if (w.regionLevel === 'county' && w.regionCode !== CELLS[1]) alarms.add(`${week}|${w.regionCode}`);
  }
  return { openings: openings.size, alarmWeeks: alarms.size };
}

describe('qrm calibrate', () => {
  it('reports the weekly warning rate at the current thresholds and the scaled ones that keep to --rate, as live scoring finds them', async () => {
    const r = await qrmOnce(['calibrate', '--from', new Date(FROM).toISOString(), '--to', new Date(FROM + WEEKS * 7 * DAY + 3 * DAY).toISOString(), '--rate', '0.05', '--data-dir', dataDir], { LOG_LEVEL: 'silent' });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as CalibrationReport;
    // Whole weeks only: the three days past the third week are left out. So is the confirmed cell,
    // from a week before its warning opened to 28 days after it resolved: every week here.
    expect(report).toMatchObject({ weeks: WEEKS, passes: WEEKS * 7, target: { measure: 'openings', rate: 0.05 }, to: new Date(FROM + WEEKS * 7 * DAY).toISOString() });
    expect(report.confirmed).toEqual({ warnings: 1, cellWeeksLeftOut: WEEKS });
    expect(report.cellWeeks).toBe(WEEKS * (CELLS.length - 1));
    expect(report.current.alarmZ).toBe('1d=3.5,7d=3.05,28d=4.25');
    // The first cell's surge opens a warning at least.
    expect(report.current.openings).toBeGreaterThanOrEqual(1);
    expect(report.current.byWindow['1d']).toBeGreaterThan(0);
    const suggested = report.suggested!;
    expect(suggested.openings).toBeLessThanOrEqual(Math.floor(0.05 * report.cellWeeks));
    expect(r.stderr).toContain(`set QRM_COMPLAINT_ALARM_Z=${suggested.alarmZ}`);

    const parsed = parseAlarmZ(suggested.alarmZ);
    if (!parsed.ok) throw new Error(parsed.reason);
    const ch = await openClickHouse(testConfig({ QRM_DATA_DIR: dataDir }));
    try {
      expect(await live(ch, { 1: 3.5, 7: 3.05, 28: 4.25 })).toEqual({ openings: report.current.openings, alarmWeeks: report.current.alarmWeeks });
      expect(await live(ch, parsed.value)).toEqual({ openings: suggested.openings, alarmWeeks: suggested.alarmWeeks });
    } finally {
      await ch.close();
    }
  }, 180_000);

  it('needs a whole week', async () => {
    const r = await qrmOnce(['calibrate', '--from', new Date(FROM).toISOString(), '--to', new Date(FROM + 6 * DAY).toISOString(), '--data-dir', dataDir], { LOG_LEVEL: 'silent' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('at least one whole week');
  });

  it('names the option of a bad time or span, without a stack trace', async () => {
    const time = await qrmOnce(['calibrate', '--from', 'yesterday', '--to', new Date(FROM).toISOString()], { LOG_LEVEL: 'silent' });
    expect(time.code).not.toBe(0);
    expect(time.stderr).toContain('--from: not an ISO time');
    const step = await qrmOnce(['calibrate', '--from', new Date(FROM).toISOString(), '--to', new Date(FROM + 14 * DAY).toISOString(), '--step', '1y'], { LOG_LEVEL: 'silent' });
    expect(step.code).not.toBe(0);
    expect(step.stderr).toContain('--step: not a time span');
    expect(step.stderr).not.toContain('    at ');
    const zero = await qrmOnce(['calibrate', '--from', new Date(FROM).toISOString(), '--to', new Date(FROM + 14 * DAY).toISOString(), '--step', '0'], { LOG_LEVEL: 'silent' });
    expect(zero.stderr).toContain('--step: must be longer than 0');
  });
});
