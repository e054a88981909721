import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import { insertRows } from '../../../services/sinks/clickhouse/insert.ts';
import { chTime } from '../../../services/transforms/normalize/rows.ts';
import { daySignalInputs, daySignalsFor, stageDaySignals, storeDaySignals } from '../../../services/transforms/score/day-signals.ts';
import { scorePass, type ScoredCell } from '../../../services/transforms/score/pass.ts';
import { count, openClickHouse, tempDir, testConfig } from '../../support/app.ts';
import { background, complaint, hours, spotCheck } from '../../support/rows.ts';

// The day signals (spot checks, complaint concentration) are staged after a pass, once per UTC day
// and fingerprint of their inputs, and read by the day's later passes while the fingerprint holds.
// What must hold: a pass reading a stage scores exactly as one computing the signals inline; data
// arriving late for the stage's days counts at the next pass, whichever aggregate it reaches; a
// stage written twice counts once; a mark is trusted only while it is recent and its stage whole.

const T = Date.UTC(2026, 9, 1, 3, 0, 0);
const at = new Date(T);
const DAY = 24 * 3_600_000;
let ch: ClickHouse;

const find = (cells: ScoredCell[], product: string, region: string) => cells.find((c) => c.productCode === product && c.regionCode === region && c.regionLevel === 'county');
const callers7d = (c: ScoredCell | undefined) => c?.evidence.signals.find((s) => s.source === 'complaints')?.observed.callers7d;
// Without FINAL (the client's default for qrm's reads): every mark and row written, duplicates included.
const marks = (t = T) => count(ch, `SELECT count() FROM ${ch.database}.day_signals_marks WHERE day = toDate({t:DateTime64(3, 'UTC')}, 'UTC') SETTINGS final = 0`, { t: chTime(t) });
const stagedRows = (t = T) => count(ch, `SELECT count() FROM ${ch.database}.day_signals WHERE day = toDate({t:DateTime64(3, 'UTC')}, 'UTC') SETTINGS final = 0`, { t: chTime(t) });
/** Whether a pass at `t` would read a stage. */
const readsStage = async (t = at) => (await daySignalsFor(ch, t, '', 'staged')).staged;
const inline = (t = at) => scorePass(ch, t, { daySignals: 'inline' });
const inserts = (table: string) => count(ch, `SELECT sum(inserts) FROM ${ch.database}.${table} SETTINGS final = 0`);
const stopMerges = async (table: string) => {
  await ch.client.command({ query: `SYSTEM STOP MERGES ${ch.database}.${table}` });
  onTestFinished(async () => void (await ch.client.command({ query: `SYSTEM START MERGES ${ch.database}.${table}` })));
};

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
  it('are computed inline until staged; the passes after the stage read it and score the same', async () => {
    const first = await scorePass(ch, at);
    expect(await readsStage()).toBe(false);
    expect(await marks()).toBe(0);
    expect(await stageDaySignals(ch, at)).toEqual({ stored: true, marked: true });
    expect(await marks()).toBe(1);
    expect(await readsStage()).toBe(true);
    const rows = await stagedRows();
    expect(rows).toBeGreaterThan(0);
    expect(await scorePass(ch, at)).toEqual(first);
    // Staged once: a second call finds the stage.
    expect(await stageDaySignals(ch, at)).toEqual({ stored: false, marked: true });
    expect(await stagedRows()).toBe(rows);
    // The signals the stage carries reached the scores.
    expect(find(first, 'wood_panel', '371721')?.spotcheckZ).toBeGreaterThan(0);
    expect(callers7d(find(first, 'stroller', '440515'))).toBeGreaterThan(20);
  });

  it('count data that arrives late for the staged days at the next pass', async () => {
    await stageDaySignals(ch, at);
    const before = await scorePass(ch, at);
    // Failed samples of toys in Chenghai published yesterday, stored only now.
    await insertRows(ch, 'spot_checks', [
      ...Array.from({ length: 3 }, (_, i) => spotCheck(`late-fail-${i}`, T - DAY - hours(i), { product: 'toy', region: '440515', result: 'fail' })),
    ]);
    expect(await readsStage()).toBe(false);
    expect(find(before, 'toy', '440515')).toBeUndefined();
    const after = await scorePass(ch, at);
    expect(find(after, 'toy', '440515')?.spotcheckZ).toBeGreaterThan(0);
    // Nothing else moved; staged again, the stage gives the same.
    expect(after.filter((c) => c.productCode !== 'toy')).toEqual(before.filter((c) => c.productCode !== 'toy'));
    await stageDaySignals(ch, at);
    expect(await readsStage()).toBe(true);
    expect(await scorePass(ch, at)).toEqual(after);
  });

  it('change their fingerprint with any aggregate they read, in the part that holds the change', async () => {
    await stageDaySignals(ch, at);
    const before = find(await scorePass(ch, at), 'wood_panel', '371721')!;
    // A second enterprise of the cell failing twice, as spot_check_failures_enterprise's view writes it
    // (states and their `inserts` count in one part), with no raw row behind it: a repeat offender more.
    const inputs = await daySignalInputs(ch, at);
    await ch.client.command({
      query: `INSERT INTO ${ch.database}.spot_check_failures_enterprise (product_code, region_code, enterprise_credit_code, day, fails, inserts)
        SELECT 'wood_panel', '371721', '91371721MA3C0000Y9', toDate({t:DateTime64(3, 'UTC')}, 'UTC') - 2, uniqExactState(toUInt64(number + 41)), 2 FROM numbers(2)`,
      query_params: { t: chTime(T) },
    });
    expect(await daySignalInputs(ch, at)).not.toBe(inputs);
    const after = find(await scorePass(ch, at), 'wood_panel', '371721')!;
    expect(after.spotcheckZ).toBeGreaterThan(before.spotcheckZ);
    await stageDaySignals(ch, at);
    expect(await scorePass(ch, at)).toEqual(await inline());
  });

  it('are counted by the views that fill their aggregates, a redelivered copy included', async () => {
    const before = [await inserts('spot_checks_daily'), await inserts('spot_check_failures_enterprise'), await inserts('complaints_enterprise_callers_daily')];
    const sample = spotCheck('late-named-fail', T - 2 * DAY, { product: 'wood_panel', region: '371721', result: 'fail', enterprise: '91371721MA3C0000X0' });
    const call = complaint('late-named', T - 3 * DAY, { product: 'stroller', region: '440515', enterprise: '91440515MA4W000000', phoneHash: 'caller-late' });
    for (let copy = 1; copy <= 2; copy++) {
      await insertRows(ch, 'spot_checks', [sample]);
      await insertRows(ch, 'complaints', [call]);
      expect([await inserts('spot_checks_daily'), await inserts('spot_check_failures_enterprise'), await inserts('complaints_enterprise_callers_daily')]).toEqual(before.map((n) => n + copy));
    }
  });

  it('count a late complaint in the concentration, and a redelivered one changes nothing but the fingerprint', async () => {
    await stageDaySignals(ch, at);
    const before = find(await scorePass(ch, at), 'stroller', '440515');
    const late = complaint('named-late-2', T - 3 * DAY, { product: 'stroller', region: '440515', enterprise: '91440515MA4W000000', phoneHash: 'caller-late-2' });
    await insertRows(ch, 'complaints', [late]);
    const after = find(await scorePass(ch, at), 'stroller', '440515');
    expect(callers7d(after)).toBe(Number(callers7d(before)) + 1);
    await stageDaySignals(ch, at);
    const inputs = await daySignalInputs(ch, at);
    await insertRows(ch, 'complaints', [late]);
    expect(await daySignalInputs(ch, at)).not.toBe(inputs);
    expect(find(await scorePass(ch, at), 'stroller', '440515')).toEqual(after);
  });

  it('count a stage stored twice once (two processes staging at once, or one that died before its mark)', async () => {
    // No merge may drop the copy before the pass reads it.
    await stopMerges('day_signals');
    await stageDaySignals(ch, at);
    const inputs = await daySignalInputs(ch, at);
    const stage = (what: string) =>
      count(ch, `SELECT ${what} FROM ${ch.database}.day_signals WHERE day = toDate({t:DateTime64(3, 'UTC')}, 'UTC') AND inputs = {inputs:UInt64} SETTINGS final = 0`, { t: chTime(T), inputs });
    const [rows, cells] = [await stage('count()'), await stage('uniqExact(key)')];
    await storeDaySignals(ch, at, inputs);
    expect(await stage('count()')).toBe(rows + cells);
    expect(await readsStage()).toBe(true);
    expect(await scorePass(ch, at)).toEqual(await inline());
  });

  it('do not trust a mark whose stage lost rows, as with a lagging replica: the pass computes inline', async () => {
    await stageDaySignals(ch, at);
    await ch.client.command({
      query: `DELETE FROM ${ch.database}.day_signals WHERE day = toDate({t:DateTime64(3, 'UTC')}, 'UTC') AND inputs = {inputs:UInt64} AND spot = 1`,
      query_params: { t: chTime(T), inputs: await daySignalInputs(ch, at) },
    });
    expect(await readsStage()).toBe(false);
    expect(await scorePass(ch, at)).toEqual(await inline());
    expect(await stageDaySignals(ch, at)).toEqual({ stored: true, marked: true });
    expect(await readsStage()).toBe(true);
  });

  it('do not trust a whole stage whose mark is older than a day, as its rows may be about to go', async () => {
    // The day after T: another stage, with rows (the failed samples are within its year).
    const t = new Date(T + DAY);
    const inputs = await daySignalInputs(ch, t);
    await storeDaySignals(ch, t, inputs);
    const mark = (age: string) =>
      ch.client.command({
        query: `INSERT INTO ${ch.database}.day_signals_marks (day, inputs, cells, staged_at)
          SELECT toDate({t:DateTime64(3, 'UTC')}, 'UTC'), {inputs:UInt64}, uniqExact(key), now64(3) - INTERVAL ${age}
          FROM ${ch.database}.day_signals WHERE day = toDate({t:DateTime64(3, 'UTC')}, 'UTC') AND inputs = {inputs:UInt64}`,
        query_params: { t: chTime(t.getTime()), inputs },
      });
    await mark('25 HOUR');
    expect(await stagedRows(t.getTime())).toBeGreaterThan(0);
    expect(await readsStage(t)).toBe(false);
    await mark('1 HOUR');
    expect(await readsStage(t)).toBe(true);
    expect(await scorePass(ch, t)).toEqual(await inline(t));
  });
});
