import { describe, expect, it } from 'vitest';
import { inspectionRequestV1 } from '../../../schemas/outputs/inspection-request.ts';
import { productByCode } from '../../../services/domain/catalog.ts';
import {
  buildInspectionRequest,
  defaultInspectionPolicy,
  inspectionPolicySchema,
  needsInspection,
  rankEnterprises,
  testItems,
  type EnterpriseRow,
  type InspectionSource,
} from '../../../services/transforms/inspection/index.ts';

// The pure part: ranking, test items, due dates and ids from hand-made rows.

const event: InspectionSource = {
  warningId: 'W-C-farm_machinery_part-130184-20261001T000000Z',
  event: 'opened',
  evaluatedAt: '2026-10-01T00:00:00.000Z',
  productCode: 'farm_machinery_part',
  regionCode: '130184',
  regionLevel: 'county',
  level: 'I',
  previousLevel: null,
  score: 90,
  evidence: null,
};

function row(creditCode: string, o: Partial<EnterpriseRow> = {}): EnterpriseRow {
  return {
    creditCode,
    name: '',
    failedSpotChecks: 0,
    safetyFailures: 0,
    complaints: 1,
    complaintCallers: 1,
    mediaMentions: 0,
    pastViolations: 0,
    failedItems: [],
    lastFailedAt: null,
    sampleIds: { failedSpotChecks: [], complaints: ['c-1'], mediaMentions: [], pastViolations: [] },
    score: 1,
    ...o,
  };
}

describe('buildInspectionRequest', () => {
  it('catalog items come safety first after the failed ones, at most eight in all', () => {
    const typical = productByCode('farm_machinery_part')!.typicalFailedItems;
    expect(typical[0]!.hazard).toBe('performance');
    const items = testItems([], typical);
    expect(items.map((i) => i.hazard)).toEqual(['safety', 'safety', 'performance', 'performance', 'labeling']);
    const many = Array.from({ length: 12 }, (_, i) => ({ item: `item-${String(i).padStart(2, '0')}`, hazard: 'performance' as const, times: 1 }));
    expect(testItems(many, typical)).toHaveLength(8);
    // Equal counts: safety before performance, then by name; an item listed twice appears once.
    expect(
      testItems(
        [
          { item: 'b', hazard: 'performance', times: 2 },
          { item: 'a', hazard: 'performance', times: 2 },
          { item: 'z', hazard: 'safety', times: 2 },
          { item: 'x', hazard: 'labeling', times: 5 },
        ],
        [{ item: 'x', hazard: 'labeling' }],
      ).map((i) => i.item),
    ).toEqual(['x', 'z', 'a', 'b']);
  });

  it('ranks by score, ties by credit code, at most ten', () => {
    const rows = [row('C', { score: 2 }), row('B', { score: 2 }), row('A', { score: 1 }), ...Array.from({ length: 10 }, (_, i) => row(`Z${i}`, { score: 0.5 }))];
    const ranked = rankEnterprises(rows);
    expect(ranked).toHaveLength(10);
    expect(ranked.slice(0, 3).map((e) => [e.rank, e.creditCode])).toEqual([
      [1, 'B'],
      [2, 'C'],
      [3, 'A'],
    ]);
  });

  it('level I is urgent and due in 24 hours by default, or as configured', () => {
    const req = buildInspectionRequest(event, { enterprises: [row('A')], failedItems: [] }, defaultInspectionPolicy)!;
    expect(req.priority).toBe('urgent');
    expect(req.dueBy).toBe('2026-10-02T00:00:00.000Z');
    expect(req.productName).toBe('农机配件');
    expect(inspectionRequestV1.safeParse(req).success).toBe(true);
    const policy = inspectionPolicySchema.parse({ dueHours: { I: 12 } });
    expect(policy.dueHours).toEqual({ I: 12, II: 72, III: 168 });
    expect(buildInspectionRequest(event, { enterprises: [], failedItems: [] }, policy)!.dueBy).toBe('2026-10-01T12:00:00.000Z');
  });

  it('refuses a policy where a more severe level is due later', () => {
    expect(inspectionPolicySchema.safeParse({ dueHours: { I: 100 } }).success).toBe(false);
  });

  it('asks for inspections on openings and escalations of level III and above only', () => {
    expect(needsInspection({ event: 'opened', level: 'III' })).toBe(true);
    expect(needsInspection({ event: 'escalated', level: 'I' })).toBe(true);
    expect(needsInspection({ event: 'opened', level: 'IV' })).toBe(false);
    expect(needsInspection({ event: 'deescalated', level: 'II' })).toBe(false);
    expect(needsInspection({ event: 'resolved', level: 'I' })).toBe(false);
  });
});
