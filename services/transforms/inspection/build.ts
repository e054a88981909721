import type { InspectionEnterpriseV1, InspectionReasonV1, InspectionRequestV1, InspectionTestItemV1 } from '../../../schemas/outputs/inspection-request.ts';
import { productByCode } from '../../domain/catalog.ts';
import { regionName } from '../../domain/regions.ts';
import type { InspectionPolicy } from './policy.ts';
import type { EnterpriseRow, FailedItemRow, InspectionData, InspectionSource } from './types.ts';

// A warning event and the cell's enterprise and test-item data become one inspection request. Pure:
// the same event and data give the same request, with the same id, which is what makes a replay of
// qrm.risk.warnings harmless downstream.

export const MAX_ENTERPRISES = 10;
export const MAX_TEST_ITEMS = 8;
const MAX_SUMMARY_CHARS = 300;

type RequestLevel = InspectionRequestV1['level'];

const priorities = { I: 'urgent', II: 'high', III: 'normal' } as const satisfies Record<RequestLevel, InspectionRequestV1['priority']>;
const hazardRank = { safety: 0, performance: 1, labeling: 2 } as const;

/** Whether a warning event asks for an inspection: a warning of level III or above opening or escalating. */
export function needsInspection<E extends Pick<InspectionSource, 'event' | 'level'>>(event: E): event is E & { event: 'opened' | 'escalated'; level: RequestLevel } {
  return (event.event === 'opened' || event.event === 'escalated') && event.level !== 'IV';
}

/**
 * Stable per warning state change: a replay gives the same id, and a warning that escalates to II,
 * falls back and escalates to II again gets a second request (the evaluation time differs).
 */
export function requestId(event: Pick<InspectionSource, 'warningId' | 'event' | 'level' | 'evaluatedAt'>): string {
  const stamp = event.evaluatedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `IR-${event.warningId}-${event.event}-${event.level}-${stamp}`;
}

export function buildInspectionRequest(event: InspectionSource, data: InspectionData, policy: InspectionPolicy): InspectionRequestV1 | undefined {
  if (!needsInspection(event)) return undefined;
  const product = productByCode(event.productCode);
  const productName = product?.nameZh ?? event.productCode;
  const region = regionName(event.regionCode) ?? event.regionCode;
  const enterprises = rankEnterprises(data.enterprises);
  return {
    schema: 'qrm.inspection.requests/v1',
    requestId: requestId(event),
    warningId: event.warningId,
    warningEvent: event.event,
    createdAt: event.evaluatedAt,
    productCode: event.productCode,
    productName,
    regionCode: event.regionCode,
    regionLevel: event.regionLevel,
    regionName: region,
    level: event.level,
    previousLevel: event.previousLevel,
    priority: priorities[event.level],
    dueBy: new Date(Date.parse(event.evaluatedAt) + policy.dueHours[event.level] * 3_600_000).toISOString(),
    enterprises,
    testItems: testItems(data.failedItems, product?.typicalFailedItems ?? []),
    evidenceSummary: summary(event, productName, region, enterprises.length),
  };
}

/** Highest score first, ties by credit code; enterprises without any evidence are dropped. */
export function rankEnterprises(rows: readonly EnterpriseRow[]): InspectionEnterpriseV1[] {
  return rows
    .map((r) => ({ r, reasons: reasons(r) }))
    .filter((x) => x.reasons.length > 0)
    .sort((a, b) => b.r.score - a.r.score || compare(a.r.creditCode, b.r.creditCode))
    .slice(0, MAX_ENTERPRISES)
    .map(({ r, reasons }, i) => ({ rank: i + 1, creditCode: r.creditCode, name: r.name, score: r.score, reasons }));
}

function reasons(r: EnterpriseRow): InspectionReasonV1[] {
  const out: InspectionReasonV1[] = [];
  if (r.failedSpotChecks > 0) {
    const parts = [plural(r.failedSpotChecks, 'failed spot check') + ' in 365 days'];
    if (r.safetyFailures > 0) parts.push(`${r.safetyFailures} with safety items`);
    if (r.lastFailedAt) parts.push(`last published ${r.lastFailedAt.slice(0, 10)}`);
    const items = r.failedItems.length > 0 ? ` (${r.failedItems.join('、')})` : '';
    out.push({ kind: 'failed_spot_check', count: r.failedSpotChecks, detail: parts.join(', ') + items, sampleIds: r.sampleIds.failedSpotChecks });
  }
  if (r.complaints > 0) {
    out.push({ kind: 'complaints', count: r.complaints, detail: `${plural(r.complaints, 'complaint')} from ${plural(r.complaintCallers, 'caller')} in 90 days`, sampleIds: r.sampleIds.complaints });
  }
  if (r.mediaMentions > 0) {
    out.push({ kind: 'media_mentions', count: r.mediaMentions, detail: `${plural(r.mediaMentions, 'negative media item')} in 90 days`, sampleIds: r.sampleIds.mediaMentions });
  }
  if (r.pastViolations > 0) {
    out.push({ kind: 'past_violations', count: r.pastViolations, detail: `${plural(r.pastViolations, 'failed spot check')} 1 to 3 years ago`, sampleIds: r.sampleIds.pastViolations });
  }
  return out;
}

/**
 * Items seen failing in the cell first (most frequent, then safety first), then the catalog's typical
 * items for the product not already listed, safety first: what failed here is the best lead, and the
 * catalog fills in what a planner would check anyway.
 */
export function testItems(failed: readonly FailedItemRow[], typical: readonly { item: string; hazard: FailedItemRow['hazard'] }[]): InspectionTestItemV1[] {
  const out: InspectionTestItemV1[] = [];
  const seen = new Set<string>();
  const recent = [...failed].sort((a, b) => b.times - a.times || hazardRank[a.hazard] - hazardRank[b.hazard] || compare(a.item, b.item));
  for (const f of recent) {
    if (seen.has(f.item)) continue;
    seen.add(f.item);
    out.push({ item: f.item, hazard: f.hazard, why: 'failed_recently', timesFailed: f.times });
  }
  // Array.prototype.sort is stable: within a hazard class the catalog's own order is kept.
  const catalog = [...typical].sort((a, b) => hazardRank[a.hazard] - hazardRank[b.hazard]);
  for (const c of catalog) {
    if (seen.has(c.item)) continue;
    seen.add(c.item);
    out.push({ item: c.item, hazard: c.hazard, why: 'catalog_typical', timesFailed: 0 });
  }
  return out.slice(0, MAX_TEST_ITEMS);
}

function summary(event: InspectionSource & { level: RequestLevel }, productName: string, region: string, enterprises: number): string[] {
  const change = event.event === 'escalated' ? `escalated from ${event.previousLevel ?? '?'} to ${event.level}` : `opened at ${event.level}`;
  const lines = [`warning ${change}, score ${round(event.score)}: ${productName} in ${region} (${event.regionLevel})`];
  for (const s of event.evidence?.signals ?? []) {
    const findings = s.findings.length > 0 ? s.findings.join('; ') : 'above its expected level';
    lines.push(`${s.source} (z ${round(s.z)}, ${round(s.contribution)} points): ${findings}`);
  }
  if (enterprises === 0) lines.push('no record in the region names an enterprise: inspect its producers and sellers at large');
  return lines.map((l) => (l.length > MAX_SUMMARY_CHARS ? `${l.slice(0, MAX_SUMMARY_CHARS - 1)}…` : l));
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const round = (x: number) => Math.round(x * 10) / 10;
// Code-point order, not locale order: the same on every machine.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
