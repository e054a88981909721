import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import { insertRows } from '../../../services/sinks/clickhouse/insert.ts';
import { chTime } from '../../../services/transforms/normalize/rows.ts';
import { daySignalInputs, stageDaySignals, storeDaySignals } from '../../../services/transforms/score/day-signals.ts';
import { scorePass, type ScoredCell } from '../../../services/transforms/score/pass.ts';
import { count, openClickHouse, tempDir, testConfig } from '../../support/app.ts';
import { background, complaint, hours, spotCheck } from '../../support/rows.ts';

// The day signals (spot checks, complaint concentration) are staged once per UTC day and fingerprint
// of their inputs, and read by every later pass of the day while the fingerprint holds. What must
// hold: a pass reading a stage scores exactly as one computing the signals inline; data arriving late
// for the stage's days counts at the next pass, whichever aggregate it reaches; a stage written twice
// counts once; a mark is trusted only while it is recent and its stage whole.

const T = Date.UTC(2026, 9, 1, 3, 0, 0);
const at = new Date(T);
const DAY = 24 * 3_600_000;
let ch: ClickHouse;

const find = (cells: ScoredCell[], product: string, region: string) => cells.find((c) => c.productCode === product && c.regionCode === region && c.regionLevel === 'county');
const callers7d = (c: ScoredCell | undefined) => c?.evidence.signals.find((s) => s.source === 'complaints')?.observed.callers7d;
// Without FINAL (the client's default for qrm's reads): every mark and row written, duplicates included.
const stages = () => count(ch, `SELECT count() FROM ${ch.database}.day_signals_marks WHERE day = toDate({t:DateTime64(3, 'UTC')}, 'UTC') SETTINGS final = 0`, { t: chTime(T) });
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
  it('are staged by the first pass of a day and read by the next, which score as computing them inline', async () => {
    const inline = await scorePass(ch, at, { daySignals: 'inline' });
    expect(await stages()).toBe(0);
    const first = await scorePass(ch, at);
    expect(first).toEqual(inline);
    expect(await stages()).toBe(1);
    const rows = await stagedRows();
    const second = await scorePass(ch, at);
    expect(second).toEqual(inline);
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
    // Nothing else moved, and the stage read is what computing inline gives.
    expect(after.filter((c) => c.productCode !== 'toy')).toEqual(before.filter((c) => c.productCode !== 'toy'));
    expect(after).toEqual(await scorePass(ch, at, { daySignals: 'inline' }));
  });

  it('change their fingerprint with any aggregate they read, not only with the raw rows behind it', async () => {
    // A second failure of one enterprise reaches spot_check_failures_enterprise as its view writes it,
    // in the part that carries its `inserts` count: the fingerprint sees it exactly when a stage could.
    const inputs = await daySignalInputs(ch, at);
    await ch.client.command({
      query: `INSERT INTO ${ch.database}.spot_check_failures_enterprise (product_code, region_code, enterprise_credit_code, day, fails, inserts)
        SELECT 'wood_panel', '371721', '91371721MA3C0000X0', toDate({t:DateTime64(3, 'UTC')}, 'UTC') - 2, uniqExactState(toUInt64(42)), 1`,
      query_params: { t: chTime(T) },
    });
    expect(await daySignalInputs(ch, at)).not.toBe(inputs);
    expect(await scorePass(ch, at)).toEqual(await scorePass(ch, at, { daySignals: 'inline' }));
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
    // No merge may drop the copy before the pass reads it.
    await ch.client.command({ query: `SYSTEM STOP MERGES ${ch.database}.day_signals` });
    onTestFinished(async () => void (await ch.client.command({ query: `SYSTEM START MERGES ${ch.database}.day_signals` })));
    const once = await scorePass(ch, at);
    const inputs = await daySignalInputs(ch, at);
    const rows = await stagedRows();
    await storeDaySignals(ch, at, inputs);
    expect(await stagedRows()).toBeGreaterThan(rows);
    expect(await scorePass(ch, at)).toEqual(once);
  });

  it('do not trust a mark whose stage lost rows: the pass stages again', async () => {
    const inputs = await daySignalInputs(ch, at);
    await scorePass(ch, at);
    const marks = await stages();
    // As if a replica lagged or the rows' time to live ran out before the mark's.
    await ch.client.command({
      query: `DELETE FROM ${ch.database}.day_signals WHERE day = toDate({t:DateTime64(3, 'UTC')}, 'UTC') AND inputs = {inputs:UInt64} AND spot = 1`,
      query_params: { t: chTime(T), inputs },
    });
    expect(await scorePass(ch, at)).toEqual(await scorePass(ch, at, { daySignals: 'inline' }));
    expect(await stages()).toBe(marks + 1);
  });

  it('do not trust a mark older than a day, whose rows may be about to go: the pass stages again', async () => {
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
