import { beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import { insertRows } from '../../../services/sinks/clickhouse/insert.ts';
import { chTime } from '../../../services/transforms/normalize/rows.ts';
import { daySignalInputs, stageDaySignals, storeDaySignals } from '../../../services/transforms/score/day-signals.ts';
import { scorePass, type ScoredCell } from '../../../services/transforms/score/pass.ts';
import { count, openClickHouse, tempDir, testConfig } from '../../support/app.ts';
import { background, complaint, hours, spotCheck } from '../../support/rows.ts';

// The day signals (spot checks, complaint concentration) are staged once per UTC day and fingerprint
// of their inputs, and read by every later pass of the day while the fingerprint holds. What must
// hold: a pass reading a stage scores exactly as the pass that staged it; data arriving late for the
// stage's days counts at the next pass; a stage written twice counts once; an old mark is not trusted.

const T = Date.UTC(2026, 9, 1, 3, 0, 0);
const at = new Date(T);
const DAY = 24 * 3_600_000;
let ch: ClickHouse;

const find = (cells: ScoredCell[], product: string, region: string) => cells.find((c) => c.productCode === product && c.regionCode === region && c.regionLevel === 'county');
const callers7d = (c: ScoredCell | undefined) => c?.evidence.signals.find((s) => s.source === 'complaints')?.observed.callers7d;
const stages = () => count(ch, `SELECT count() FROM ${ch.database}.day_signals_marks WHERE day = toDate({t:DateTime64(3, 'UTC')}, 'UTC')`, { t: chTime(T) });
const stagedRows = () => count(ch, `SELECT count() FROM ${ch.database}.day_signals WHERE day = toDate({t:DateTime64(3, 'UTC')}, 'UTC') SETTINGS final = 0`, { t: chTime(T) });

beforeAll(async () => {
  ch = await openClickHouse(testConfig({ QRM_DATA_DIR: tempDir() }));
  // wood_panel in Cao county: a year of passing samples, then safety failures published last week.
  await insertRows(ch, 'spot_checks', [
    ...Array.from({ length: 20 }, (_, i) => spotCheck(`pass-${i}`, T - (100 + 12 * i) * DAY, { product: 'wood_panel', region: '371721' })),
    ...Array.from({ length: 4 }, (_, i) => spotCheck(`fail-${i}`, T - (3 + i) * DAY, { product: 'wood_panel', region: '371721', result: 'fail', enterprise: '91371721MA3C0000X0' })),
  ]);
  // stroller in Chenghai: background, then twenty callers in the last days naming one enterprise.
  await insertRows(ch, 'complaints', [
    ...background(120, T - hours(3), (i, t) => complaint(`bg-${i}`, t, { product: 'stroller', region: '440515' })),
    ...Array.from({ length: 20 }, (_, i) => complaint(`named-${i}`, T - 2 * DAY + i * hours(1), { product: 'stroller', region: '440515', enterprise: '91440515MA4W000000', phoneHash: `caller-${i}` })),
  ]);
});

describe('day signals', () => {
  it('are staged by the first pass of a day and read by the next, which scores the same', async () => {
    const first = await scorePass(ch, at);
    expect(await stages()).toBe(1);
    const rows = await stagedRows();
    const second = await scorePass(ch, at);
    expect(second).toEqual(first);
    // Read, not staged again.
    expect(await stages()).toBe(1);
    expect(await stagedRows()).toBe(rows);
    // The signals the stage carries reached the scores.
    expect(find(first, 'wood_panel', '371721')?.spotcheckZ).toBeGreaterThan(0);
    expect(callers7d(find(first, 'stroller', '440515'))).toBeGreaterThan(20);
  });

  it('count data that arrives late for the staged days at the next pass', async () => {
    const before = await scorePass(ch, at);
    const inputs = await daySignalInputs(ch, at);
    // A failed sample of toys in Chenghai published yesterday, stored only now.
    await insertRows(ch, 'spot_checks', [
      ...Array.from({ length: 3 }, (_, i) => spotCheck(`late-fail-${i}`, T - DAY - hours(i), { product: 'toy', region: '440515', result: 'fail' })),
    ]);
    expect(await daySignalInputs(ch, at)).not.toBe(inputs);
    expect(find(before, 'toy', '440515')).toBeUndefined();
    const after = await scorePass(ch, at);
    expect(find(after, 'toy', '440515')?.spotcheckZ).toBeGreaterThan(0);
    // Nothing else moved.
    expect(after.filter((c) => c.productCode !== 'toy')).toEqual(before.filter((c) => c.productCode !== 'toy'));
  });

  it('count a late complaint in the concentration, and a redelivered one changes nothing but the fingerprint', async () => {
    const before = find(await scorePass(ch, at), 'stroller', '440515');
    const late = complaint('named-late', T - 3 * DAY, { product: 'stroller', region: '440515', enterprise: '91440515MA4W000000', phoneHash: 'caller-late' });
    await insertRows(ch, 'complaints', [late]);
    const after = find(await scorePass(ch, at), 'stroller', '440515');
    expect(callers7d(after)).toBe(Number(callers7d(before)) + 1);
    const inputs = await daySignalInputs(ch, at);
    await insertRows(ch, 'complaints', [late]);
    expect(await daySignalInputs(ch, at)).not.toBe(inputs);
    expect(find(await scorePass(ch, at), 'stroller', '440515')).toEqual(after);
  });

  it('count a stage stored twice once (two passes staging at once, or one that died before its mark)', async () => {
    const once = await scorePass(ch, at);
    const inputs = await daySignalInputs(ch, at);
    const rows = await stagedRows();
    await storeDaySignals(ch, at, inputs);
    expect(await stagedRows()).toBeGreaterThan(rows);
    expect(await scorePass(ch, at)).toEqual(once);
  });

  it('do not trust a mark older than a day: its rows may be gone, so the pass stages again', async () => {
    // The day after T: another stage, with rows (the failed samples are within its year).
    const t = new Date(T + DAY);
    const inputs = await daySignalInputs(ch, t);
    await ch.client.command({
      query: `INSERT INTO ${ch.database}.day_signals_marks (day, inputs, cells, staged_at) VALUES (toDate({t:DateTime64(3, 'UTC')}, 'UTC'), {inputs:UInt64}, 1, now64(3) - INTERVAL 25 HOUR)`,
      query_params: { t: chTime(t.getTime()), inputs },
    });
    expect(await stageDaySignals(ch, t)).toBe(inputs);
    const staged = await count(ch, `SELECT count() FROM ${ch.database}.day_signals WHERE day = toDate({t:DateTime64(3, 'UTC')}, 'UTC') AND inputs = {inputs:UInt64}`, { t: chTime(t.getTime()), inputs });
    expect(staged).toBeGreaterThan(0);
  });
});
