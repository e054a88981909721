import { beforeAll, describe, expect, it } from 'vitest';
import type { CalibrationReport } from '../../services/app/calibrate.ts';
import type { ClickHouse } from '../../services/clients/clickhouse.ts';
import { hashSeed, Rng } from '../../services/simulate/rng.ts';
import { insertRows } from '../../services/sinks/clickhouse/insert.ts';
import { parseAlarmZ, type AlarmZ } from '../../services/transforms/score/alarm.ts';
import { scorePass } from '../../services/transforms/score/pass.ts';
import { openClickHouse, tempDir, testConfig } from '../support/app.ts';
import { qrmOnce } from '../support/cli.ts';
import { complaint, hours } from '../support/rows.ts';

// `qrm calibrate` as an analyst runs it on a database of twenty county cells with noisy complaint
// histories, one with a surge. Its rates are then checked against live scoring: at the thresholds it
// reports, as many county cell-weeks reach level IV on complaints as it said would warn.

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
    // A surge in the first cell in the second week: 25 complaints in a day.
    rows.push(...Array.from({ length: 25 }, (_, j) => complaint(`surge-${j}`, FROM + 9 * DAY + j * hours(0.5), { region: CELLS[0] })));
    await insertRows(ch, 'complaints', rows);
  } finally {
    await ch.close();
  }
}, 60_000);

/** County cell-weeks in which live scoring at `alarmZ` reaches a level on complaints. */
async function levelWeeks(ch: ClickHouse, alarmZ: AlarmZ): Promise<number> {
  const warned = new Set<string>();
  for (let d = 0; d < WEEKS * 7; d++) {
    for (const c of await scorePass(ch, new Date(FROM + d * DAY), { alarmZ })) {
      if (c.regionLevel === 'county' && c.level && c.complaintZ >= 3.5) warned.add(`${Math.floor(d / 7)}|${c.regionCode}`);
    }
  }
  return warned.size;
}

describe('qrm calibrate', () => {
  it('reports the weekly warning rate at the current thresholds and the scaled ones that keep to --rate, as live scoring finds them', async () => {
    const r = await qrmOnce(['calibrate', '--from', new Date(FROM).toISOString(), '--to', new Date(FROM + WEEKS * 7 * DAY + 3 * DAY).toISOString(), '--rate', '0.05', '--data-dir', dataDir], { LOG_LEVEL: 'silent' });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as CalibrationReport;
    // Whole weeks only: the three days past the third week are left out.
    expect(report).toMatchObject({ weeks: WEEKS, passes: WEEKS * 7, cellWeeks: WEEKS * CELLS.length, targetRate: 0.05, to: new Date(FROM + WEEKS * 7 * DAY).toISOString() });
    expect(report.current.alarmZ).toBe('1d=3.5,7d=3.05,28d=4.25');
    expect(report.current.warningWeeks).toBeGreaterThanOrEqual(1);
    expect(report.current.byWindow['1d']).toBeGreaterThan(0);
    const suggested = report.suggested!;
    expect(suggested.warningWeeks).toBeLessThanOrEqual(Math.floor(0.05 * WEEKS * CELLS.length));
    expect(r.stderr).toContain(`set QRM_COMPLAINT_ALARM_Z=${suggested.alarmZ}`);

    const parsed = parseAlarmZ(suggested.alarmZ);
    if (!parsed.ok) throw new Error(parsed.reason);
    const ch = await openClickHouse(testConfig({ QRM_DATA_DIR: dataDir }));
    try {
      expect(await levelWeeks(ch, { 1: 3.5, 7: 3.05, 28: 4.25 })).toBe(report.current.warningWeeks);
      expect(await levelWeeks(ch, parsed.value)).toBe(suggested.warningWeeks);
    } finally {
      await ch.close();
    }
  }, 180_000);

  it('needs a whole week', async () => {
    const r = await qrmOnce(['calibrate', '--from', new Date(FROM).toISOString(), '--to', new Date(FROM + 6 * DAY).toISOString(), '--data-dir', dataDir], { LOG_LEVEL: 'silent' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('at least one whole week');
  });
});
