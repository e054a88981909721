import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import { insertRows } from '../../../services/sinks/clickhouse/insert.ts';
import { render, sqlFile } from '../../../services/sinks/clickhouse/sql.ts';
import { historyDaysAt, sealHistory } from '../../../services/transforms/score/history.ts';
import { scorePass, scoreWithHistory, type ScoredCell } from '../../../services/transforms/score/pass.ts';
import { openClickHouse, tempDir, testConfig } from '../../support/app.ts';
import { background, complaint, hours } from '../../support/rows.ts';

// Sealed complaint history: a day's numbers are used only while its data is what was sealed, so late
// data counts at the next pass and a pass is the same whether its days were sealed or not.

// Beijing midnight: history day 0 is the Beijing day of 2026-09-30.
const T = Date.UTC(2026, 8, 30, 16, 0, 0);
const at = new Date(T);
let ch: ClickHouse;

const cell = (cells: ScoredCell[]) => cells.find((c) => c.productCode === 'waterproof_membrane' && c.regionCode === '130184' && c.regionLevel === 'county');
// The statements a seal runs, to store a day's numbers without marking it (a pass that died, or one
// that has not marked yet while another seals the same day).
const scoreDir = new URL('../../../services/transforms/score/', import.meta.url).href;
const storeDay = (day: string) => ch.client.command({ query: render(sqlFile(scoreDir, 'complaints-seal.sql'), ch.database), query_params: { days: [day] } });
const expected = (c: ScoredCell | undefined) => c?.evidence.signals.find((s) => s.source === 'complaints')?.expected.weightedVoices;

beforeAll(async () => {
  ch = await openClickHouse(testConfig({ QRM_DATA_DIR: tempDir() }));
  await insertRows(ch, 'complaints', [
    ...background(120, T, (i, t) => complaint(`bg-${i}`, t)),
    ...Array.from({ length: 30 }, (_, i) => complaint(`surge-${i}`, T - hours(20) + i * 60_000)),
  ]);
});

afterAll(async () => ch?.close());

describe('sealed complaint history', () => {
  it('seals every history day once, and re-running the pass gives the same answer', async () => {
    expect((await historyDaysAt(ch, at)).complaints.stale.length).toBeGreaterThan(100);
    const first = await scorePass(ch, at);
    expect((await historyDaysAt(ch, at)).complaints.stale).toEqual([]);
    expect(await scorePass(ch, at)).toEqual(first);
    expect(cell(first)?.level).toBeDefined();
  });

  it('counts a late complaint for a sealed day, sealed again or merged from its states', async () => {
    const before = cell(await scorePass(ch, at));
    // Eight callers on the same weekday two weeks ago (a 1-day reference value), arriving only now.
    const lateDay = T - hours(24 * 14) - hours(12);
    await insertRows(ch, 'complaints', Array.from({ length: 8 }, (_, i) => complaint(`late-${i}`, lateDay + i * 60_000)));
    const stale = await historyDaysAt(ch, at);
    expect(stale.complaints.stale).toEqual(['2026-09-16']);
    // Not yet re-sealed: the stale day is merged from its states; then sealed: the same scores.
    const merged = cell(await scoreWithHistory(ch, at, stale));
    expect(Number(expected(merged))).toBeGreaterThan(Number(expected(before)));
    await sealHistory(ch, at);
    expect((await historyDaysAt(ch, at)).complaints.stale).toEqual([]);
    expect(cell(await scorePass(ch, at))).toEqual(merged);
  });

  it('does not change when late data is a redelivery: the day is re-sealed to the same numbers', async () => {
    const before = await scorePass(ch, at);
    await insertRows(ch, 'complaints', Array.from({ length: 8 }, (_, i) => complaint(`late-${i}`, T - hours(24 * 14) - hours(12) + i * 60_000)));
    expect((await historyDaysAt(ch, at)).complaints.stale).toEqual(['2026-09-16']);
    expect(await scorePass(ch, at)).toEqual(before);
  });

  // Late data makes a day stale; the numbers it should give come from merging the day's states.
  // Merges are stopped so that duplicate rows stay as they are until the pass reads them; ClickHouse
  // would otherwise drop them at a time of its choosing.
  async function lateDay(id: string): Promise<ScoredCell | undefined> {
    await ch.client.command({ query: `SYSTEM STOP MERGES ${ch.database}.complaints_voices_daily` });
    onTestFinished(async () => void (await ch.client.command({ query: `SYSTEM START MERGES ${ch.database}.complaints_voices_daily` })));
    await insertRows(ch, 'complaints', Array.from({ length: 5 }, (_, i) => complaint(`${id}-${i}`, T - hours(24 * 21) - hours(12) + i * 60_000)));
    const stale = await historyDaysAt(ch, at);
    expect(stale.complaints.stale).toEqual(['2026-09-09']);
    return cell(await scoreWithHistory(ch, at, stale));
  }

  it('counts a day once when two passes seal it at the same time', async () => {
    const merged = await lateDay('twice');
    // The other pass stores the same numbers at the same total; then this one seals and marks.
    await storeDay('2026-09-09');
    const sealed = cell(await scorePass(ch, at));
    expect((await historyDaysAt(ch, at)).complaints.stale).toEqual([]);
    expect(sealed).toEqual(merged);
  });

  it('counts a day once when a pass died after storing its numbers but before marking them', async () => {
    const merged = await lateDay('died');
    await storeDay('2026-09-09');
    expect((await historyDaysAt(ch, at)).complaints.stale).toEqual(['2026-09-09']);
    expect(cell(await scorePass(ch, at))).toEqual(merged);
    expect(cell(await scorePass(ch, at))).toEqual(merged);
  });
});
