import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import { insertRows } from '../../../services/sinks/clickhouse/insert.ts';
import { render, sqlFile } from '../../../services/sinks/clickhouse/sql.ts';
import { historyDaysAt, sealHistory } from '../../../services/transforms/score/history.ts';
import { scorePass, scoreWithHistory, type ScoredCell } from '../../../services/transforms/score/pass.ts';
import { openClickHouse, tempDir, testConfig } from '../../support/app.ts';
import { background, hours, mediaItem } from '../../support/rows.ts';

// Sealed media history: a UTC day's numbers are used only while its data is what was sealed, so late
// items count at the next pass and a pass is the same whether its days were sealed or not.

// 13:00 UTC: the 24-hour spans straddle UTC days, and the 13 hours of t's own day are never sealed.
const T = Date.UTC(2026, 8, 30, 13, 0, 0);
const at = new Date(T);
let ch: ClickHouse;

const toy = { product: 'toy' };
const cell = (cells: ScoredCell[], region = '440515', level = 'county') =>
  cells.find((c) => c.productCode === 'toy' && c.regionCode === region && c.regionLevel === level);
const media = (c: ScoredCell | undefined) => c?.evidence.signals.find((s) => s.source === 'media');

beforeAll(async () => {
  ch = await openClickHouse(testConfig({ QRM_DATA_DIR: tempDir() }));
  // Two counties of Shantou (4405) with background media, items naming both (one item for the
  // prefecture), and a burst of strongly negative items in the last 20 hours in one of them.
  await insertRows(ch, 'media_items', [
    ...background(90, T, (i, t) => mediaItem(`bg-${i}`, t, { ...toy, regions: ['440515'] })),
    ...background(90, T, (i, t) => mediaItem(`bg2-${i}`, t, { ...toy, regions: ['440511'] })),
    ...background(30, T, (i, t) => mediaItem(`both-${i}`, t + hours(1), { ...toy, regions: ['440515', '440511'], sentiment: -0.6 })),
    ...Array.from({ length: 8 }, (_, i) => mediaItem(`burst-${i}`, T - hours(20) + i * hours(2), { ...toy, regions: ['440515'], sentiment: -0.9, reach: 10_000 })),
  ]);
});

afterAll(async () => ch?.close());

describe('sealed media history', () => {
  it('seals every finished day once, and re-running the pass gives the same answer', async () => {
    expect((await historyDaysAt(ch, at)).media.stale.length).toBe(90);
    const first = await scorePass(ch, at);
    expect((await historyDaysAt(ch, at)).media.stale).toEqual([]);
    expect(await scorePass(ch, at)).toEqual(first);
    expect(media(cell(first))?.z).toBeGreaterThan(0);
    expect(cell(first, '4405', 'prefecture')?.evidence.counties).toBe(2);
  });

  it('gives the same answer from sealed numbers as from the item sets', async () => {
    const sealed = await historyDaysAt(ch, at);
    const merged = { ...sealed, media: { sealed: [], stale: sealed.media.sealed } };
    expect(await scoreWithHistory(ch, at, merged)).toEqual(await scoreWithHistory(ch, at, sealed));
  });

  it('counts a late item for a sealed day, sealed again or merged from its item sets', async () => {
    const before = cell(await scorePass(ch, at));
    // Negative items from ten days ago (a reference day of the 1-day window), arriving only now.
    const lateAt = T - hours(24 * 10);
    await insertRows(ch, 'media_items', Array.from({ length: 6 }, (_, i) => mediaItem(`late-${i}`, lateAt + i * 60_000, { ...toy, regions: ['440515'], sentiment: -0.9, reach: 10_000 })));
    const stale = await historyDaysAt(ch, at);
    expect(stale.media.stale).toEqual(['2026-09-20']);
    // Not yet re-sealed: the stale day is merged from its item sets; then sealed: the same scores.
    const merged = cell(await scoreWithHistory(ch, at, stale));
    expect(Number(media(merged)?.expected.negativity)).toBeGreaterThan(Number(media(before)?.expected.negativity));
    await sealHistory(ch, at);
    expect((await historyDaysAt(ch, at)).media.stale).toEqual([]);
    expect(cell(await scorePass(ch, at))).toEqual(merged);
  });

  it('does not change when late data is a redelivery: the day is re-sealed to the same numbers', async () => {
    const before = await scorePass(ch, at);
    const lateAt = T - hours(24 * 10);
    await insertRows(ch, 'media_items', Array.from({ length: 6 }, (_, i) => mediaItem(`late-${i}`, lateAt + i * 60_000, { ...toy, regions: ['440515'], sentiment: -0.9, reach: 10_000 })));
    expect((await historyDaysAt(ch, at)).media.stale).toEqual(['2026-09-20']);
    expect(await scorePass(ch, at)).toEqual(before);
  });

  it("reads nothing published after t, even once a later pass has sealed t's own day", async () => {
    const before = await scorePass(ch, at);
    await insertRows(ch, 'media_items', [
      mediaItem('after-1', T + hours(2), { ...toy, regions: ['440515'], sentiment: -0.9, reach: 2_000_000, exposure: true }),
      mediaItem('after-2', T + hours(30), { ...toy, regions: ['440515'], sentiment: -0.9, reach: 10_000 }),
    ]);
    expect(await scorePass(ch, at)).toEqual(before);
    await scorePass(ch, new Date(T + hours(48)));
    expect((await historyDaysAt(ch, new Date(T + hours(48)))).media.stale).toEqual([]);
    expect(await scorePass(ch, at)).toEqual(before);
  });

  it('counts a day once when another pass stored its numbers too (two passes sealing at once, or one that died before marking)', async () => {
    // Merges stopped, so the duplicate rows stay until the pass reads them.
    await ch.client.command({ query: `SYSTEM STOP MERGES ${ch.database}.media_negativity_hourly` });
    onTestFinished(async () => void (await ch.client.command({ query: `SYSTEM START MERGES ${ch.database}.media_negativity_hourly` })));
    await insertRows(ch, 'media_items', [mediaItem('twice-1', T - hours(24 * 12), { ...toy, regions: ['440515'], sentiment: -0.8, reach: 50_000 })]);
    const stale = await historyDaysAt(ch, at);
    expect(stale.media.stale).toEqual(['2026-09-18']);
    const merged = await scoreWithHistory(ch, at, stale);
    const seal = sqlFile(new URL('../../../services/transforms/score/', import.meta.url).href, 'media-seal.sql');
    await ch.client.command({ query: render(seal, ch.database), query_params: { days: ['2026-09-18'] } });
    expect(await scorePass(ch, at)).toEqual(merged);
    expect((await historyDaysAt(ch, at)).media.stale).toEqual([]);
  });
});
