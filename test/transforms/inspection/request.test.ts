import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectionRequestV1 } from '../../../schemas/outputs/inspection-request.ts';
import type { WarningEventV1 } from '../../../schemas/outputs/warning-event.ts';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import { insertRows } from '../../../services/sinks/clickhouse/insert.ts';
import { buildInspectionRequest, defaultInspectionPolicy, inspectionData } from '../../../services/transforms/inspection/index.ts';
import { complaint, hours, mediaItem, spotCheck } from '../../support/rows.ts';
import { openTestDatabase } from './database.ts';

// Inspection requests against chDB: one warned cell (waterproof membrane in Xinle, 130184) where
// enterprise A failed two spot checks on safety items and is named in complaints, B is named in the
// media, C failed a spot check two years ago; plus records that must not count (after t, other
// products, other regions, inquiries, positive press). T is the warning's evaluation time.

const T = Date.UTC(2026, 9, 1, 0, 0, 0);
const DAY = hours(24);
const A = '91130184MA07L8XQ45';
const B = '91130184MA0B000001';
const C = '91130184MA0C000002';
const D = '91130637MA0D000003';

const failed = (id: string, at: number, enterprise: string, items: [string, string][], o: { product?: string; region?: string } = {}) => ({
  ...spotCheck(id, at, { result: 'fail', enterprise, ...o }),
  enterprise_name: enterprise === A ? '新乐市甲防水材料有限公司' : '',
  'failed_items.item': items.map((i) => i[0]),
  'failed_items.hazard': items.map((i) => i[1]),
});
const mention = (id: string, at: number, enterprises: string[], o: { sentiment?: number; regions?: string[] } = {}) => ({
  ...mediaItem(id, at, o),
  enterprise_credit_codes: enterprises,
});

function warning(o: Partial<WarningEventV1> = {}): WarningEventV1 {
  return {
    schema: 'qrm.risk.warnings/v1',
    warningId: 'W-C-waterproof_membrane-130184-20260930T000000Z',
    event: 'opened',
    evaluatedAt: new Date(T).toISOString(),
    productCode: 'waterproof_membrane',
    regionCode: '130184',
    regionLevel: 'county',
    level: 'III',
    previousLevel: null,
    score: 55.2,
    openedAt: new Date(T).toISOString(),
    evidence: {
      formula: '10 × (√(Σ z²) − 0.5)',
      thresholds: { I: 85, II: 70, III: 50, IV: 30 },
      counties: 1,
      signals: [{ source: 'spotcheck', z: 5.2, contribution: 40, observed: {}, expected: {}, findings: ['1 enterprise(s) failed twice or more in a year'] }],
      samples: {},
    },
    ...o,
  };
}

let ch: ClickHouse;

beforeAll(async () => {
  ch = await openTestDatabase();
  await insertRows(ch, 'spot_checks', [
    failed('sc-a-1', T - 40 * DAY, A, [['低温柔性', 'safety']]),
    failed('sc-a-2', T - 5 * DAY, A, [['低温柔性', 'safety'], ['拉力', 'performance']]),
    spotCheck('sc-a-pass', T - 60 * DAY, { enterprise: A }),
    failed('sc-c-old', T - 730 * DAY, C, [['耐热性', 'performance']]),
    // Not counted: known only after T, another product, too old for a past violation.
    failed('sc-a-late', T + hours(1), A, [['不透水性', 'performance']]),
    failed('sc-a-wood', T - 5 * DAY, A, [['甲醛释放量', 'safety']], { product: 'wood_panel' }),
    failed('sc-c-ancient', T - 1200 * DAY, C, [['标志', 'labeling']]),
    // Published after a t whose Shanghai date is already the next day but whose UTC date is not.
    failed('sc-d-1', T - hours(2), D, [['游离甲醛', 'safety']], { product: 'coating', region: '130637' }),
  ]);
  await insertRows(ch, 'complaints', [
    complaint('c-a-1', T - 3 * DAY, { enterprise: A, phoneHash: 'caller-1' }),
    complaint('c-a-2', T - 2 * DAY, { enterprise: A, phoneHash: 'caller-1' }),
    complaint('c-a-3', T - 1 * DAY, { enterprise: A, phoneHash: 'caller-2', kind: 'report' }),
    // Not counted: an inquiry, after T, older than 90 days, another region.
    complaint('c-a-inquiry', T - DAY, { enterprise: A, kind: 'inquiry' }),
    complaint('c-a-late', T + hours(2), { enterprise: A }),
    complaint('c-a-old', T - 100 * DAY, { enterprise: A }),
    complaint('c-b-elsewhere', T - DAY, { enterprise: B, region: '130637' }),
  ]);
  await insertRows(ch, 'media_items', [
    mention('m-b-1', T - 20 * DAY, [B]),
    mention('m-b-2', T - 10 * DAY, [B]),
    mention('m-b-3', T - 3 * DAY, [B, B]),
    // Not counted: praise, another region, after T.
    mention('m-b-praise', T - 3 * DAY, [B], { sentiment: 0.6 }),
    mention('m-b-elsewhere', T - 3 * DAY, [B], { regions: ['440515'] }),
    mention('m-b-late', T + hours(3), [B]),
  ]);
});

afterAll(async () => ch?.close());

describe('inspection requests', () => {
  it('ranks the enterprises by their own evidence, with reasons and sample ids', async () => {
    const data = await inspectionData(ch, warning());
    const req = buildInspectionRequest(warning(), data, defaultInspectionPolicy)!;
    expect(req.enterprises.map((e) => [e.rank, e.creditCode, e.score])).toEqual([
      // A: 2 safety failures × 4 + 2 callers; C: 1 past violation × 2; B: 3 media items × 0.5.
      [1, A, 10],
      [2, C, 2],
      [3, B, 1.5],
    ]);
    const [a, c, b] = req.enterprises;
    expect(a!.name).toBe('新乐市甲防水材料有限公司');
    expect(a!.reasons).toEqual([
      { kind: 'failed_spot_check', count: 2, detail: expect.stringContaining('2 with safety items'), sampleIds: ['sc-a-2', 'sc-a-1'] },
      { kind: 'complaints', count: 3, detail: '3 complaints from 2 callers in 90 days', sampleIds: ['c-a-3', 'c-a-2', 'c-a-1'] },
    ]);
    expect(a!.reasons[0]!.detail).toContain('低温柔性');
    expect(b!.reasons).toEqual([{ kind: 'media_mentions', count: 3, detail: '3 negative media items in 90 days', sampleIds: ['m-b-3', 'm-b-2', 'm-b-1'] }]);
    expect(c!.reasons).toEqual([{ kind: 'past_violations', count: 1, detail: '1 failed spot check 1 to 3 years ago', sampleIds: ['sc-c-old'] }]);
  });

  it('lists the items failed in the cell first, then the catalog’s typical items', async () => {
    const req = buildInspectionRequest(warning(), await inspectionData(ch, warning()), defaultInspectionPolicy)!;
    expect(req.testItems.slice(0, 2)).toEqual([
      { item: '低温柔性', hazard: 'safety', why: 'failed_recently', timesFailed: 2 },
      { item: '拉力', hazard: 'performance', why: 'failed_recently', timesFailed: 1 },
    ]);
    // The rest of waterproof_membrane's typical items, labelling last; nothing failed after T.
    expect(req.testItems.slice(2).map((i) => [i.item, i.why])).toEqual([
      ['可溶物含量', 'catalog_typical'],
      ['不透水性', 'catalog_typical'],
      ['耐热性', 'catalog_typical'],
      ['标志', 'catalog_typical'],
    ]);
  });

  it('produces a valid message with region and product names, priority and due date', async () => {
    const req = buildInspectionRequest(warning(), await inspectionData(ch, warning()), defaultInspectionPolicy)!;
    expect(inspectionRequestV1.parse(req)).toEqual(req);
    expect(req).toMatchObject({
      schema: 'qrm.inspection.requests/v1',
      warningId: 'W-C-waterproof_membrane-130184-20260930T000000Z',
      warningEvent: 'opened',
      createdAt: '2026-10-01T00:00:00.000Z',
      productName: '防水卷材',
      regionName: '新乐市',
      level: 'III',
      priority: 'normal',
      dueBy: '2026-10-08T00:00:00.000Z',
    });
    expect(req.evidenceSummary[0]).toBe('warning opened at III, score 55.2: 防水卷材 in 新乐市 (county)');
    expect(req.evidenceSummary[1]).toContain('failed twice or more');
  });

  it('asks nothing for level IV or for events other than opening and escalation', async () => {
    const data = await inspectionData(ch, warning());
    expect(buildInspectionRequest(warning({ level: 'IV' }), data, defaultInspectionPolicy)).toBeUndefined();
    expect(buildInspectionRequest(warning({ event: 'escalated', level: 'IV', previousLevel: 'IV' }), data, defaultInspectionPolicy)).toBeUndefined();
    for (const event of ['deescalated', 'resolved', 'acknowledged'] as const) {
      expect(buildInspectionRequest(warning({ event, level: 'II' }), data, defaultInspectionPolicy)).toBeUndefined();
    }
  });

  it('an escalation to II is due 72 hours after its evaluation, with high priority', async () => {
    const evaluatedAt = new Date(T + DAY + hours(6)).toISOString();
    const event = warning({ event: 'escalated', level: 'II', previousLevel: 'III', score: 73, evaluatedAt });
    const req = buildInspectionRequest(event, await inspectionData(ch, event), defaultInspectionPolicy)!;
    expect(req.dueBy).toBe(new Date(T + DAY + hours(6 + 72)).toISOString());
    expect(req.priority).toBe('high');
    expect(req.previousLevel).toBe('III');
    expect(req.requestId).toBe('IR-W-C-waterproof_membrane-130184-20260930T000000Z-escalated-II-20261002T060000Z');
    expect(req.evidenceSummary[0]).toContain('escalated from III to II');
    // A day later A's failure published at T + 1 h counts (spot checks count by complete days).
    expect(req.enterprises[0]!.reasons[0]!.count).toBe(3);
    inspectionRequestV1.parse(req);
  });

  it('a replay gives the same request, id included', async () => {
    const one = buildInspectionRequest(warning(), await inspectionData(ch, warning()), defaultInspectionPolicy);
    const two = buildInspectionRequest(warning(), await inspectionData(ch, warning()), defaultInspectionPolicy);
    expect(two).toEqual(one);
    expect(one!.requestId).toBe('IR-W-C-waterproof_membrane-130184-20260930T000000Z-opened-III-20261001T000000Z');
  });

  it('ignores records known only after t', async () => {
    // Six days before T: A's first failure and two media items are known, its complaints are not.
    const early = warning({ evaluatedAt: new Date(T - 6 * DAY).toISOString() });
    const data = await inspectionData(ch, early);
    const a = data.enterprises.find((e) => e.creditCode === A)!;
    expect(a.failedSpotChecks).toBe(1);
    expect(a.sampleIds.failedSpotChecks).toEqual(['sc-a-1']);
    expect(a.complaints).toBe(0);
    expect(data.enterprises.find((e) => e.creditCode === B)?.sampleIds.mediaMentions).toEqual(['m-b-2', 'm-b-1']);
    expect(data.failedItems).toEqual([{ item: '低温柔性', hazard: 'safety', times: 1 }]);
  });

  // Regression: spot-check days are stored in the server's time zone and t's day is taken in
  // Asia/Shanghai, so a day bound alone admitted a result published hours after t.
  it('does not count a spot check published after t on a day that has not ended', async () => {
    const coating = { productCode: 'coating', regionCode: '130637' };
    const before = await inspectionData(ch, { ...coating, evaluatedAt: new Date(T - hours(4)).toISOString() });
    expect(before.enterprises).toEqual([]);
    expect(before.failedItems).toEqual([]);
    const after = await inspectionData(ch, { ...coating, evaluatedAt: new Date(T + DAY).toISOString() });
    expect(after.enterprises.map((e) => e.creditCode)).toEqual([D]);
  });

  it('a prefecture warning covers its counties; a cell without named enterprises gets none', async () => {
    const prefecture = warning({ regionCode: '1301', regionLevel: 'prefecture', level: 'I', warningId: 'W-P-waterproof_membrane-1301-20261001T000000Z' });
    const req = buildInspectionRequest(prefecture, await inspectionData(ch, prefecture), defaultInspectionPolicy)!;
    expect(req.enterprises.map((e) => e.creditCode)).toEqual([A, C, B]);
    expect(req.priority).toBe('urgent');
    expect(req.dueBy).toBe('2026-10-02T00:00:00.000Z');
    const elsewhere = warning({ regionCode: '1302', regionLevel: 'prefecture' });
    const none = buildInspectionRequest(elsewhere, await inspectionData(ch, elsewhere), defaultInspectionPolicy)!;
    expect(none.enterprises).toEqual([]);
    expect(none.testItems.every((i) => i.why === 'catalog_typical')).toBe(true);
    expect(none.evidenceSummary.at(-1)).toContain('no record in the region names an enterprise');
    inspectionRequestV1.parse(none);
  });
});
