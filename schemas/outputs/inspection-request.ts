import { z } from 'zod';

// qrm.inspection.requests, version 1: one message per inspection qrm asks enforcement planning for,
// keyed by request id. A request is made when a warning of level III or above opens or escalates;
// it names the enterprises to visit (ranked by their own evidence) and the test items to check.
// Built by services/transforms/inspection; every field is a function of the warning event and the
// data known at its evaluation time, so a replay produces the same message with the same id.

const level = z.enum(['I', 'II', 'III', 'IV']);

export const inspectionReasonV1 = z.object({
  kind: z
    .enum(['failed_spot_check', 'complaints', 'media_mentions', 'past_violations'])
    .describe(
      'failed_spot_check: failed samples of this product in the region published in the 365 days before the warning; complaints: complaints and reports naming the enterprise in the last 90 days; media_mentions: negative media items naming it in the last 90 days; past_violations: failed samples 1 to 3 years before',
    ),
  count: z.number().int().min(1).describe('number of records of this kind'),
  detail: z.string().describe('one line for the planner, e.g. "2 failed spot checks in 365 days, 2 with safety items (低温柔性)"'),
  sampleIds: z.array(z.string()).max(5).describe('ids of up to five of the records, latest first, to trace the reason to its source'),
});

export const inspectionEnterpriseV1 = z.object({
  rank: z.number().int().min(1).describe('1 = visit first'),
  creditCode: z.string().describe('unified social credit code (GB 32100-2015)'),
  name: z.string().describe('enterprise name as last reported by a spot check or complaint; empty when none was given'),
  score: z
    .number()
    .min(0)
    .describe(
      'ranking score: 3 per failed spot check in 365 days (4 when a safety item failed) + 1 per complaint caller in 90 days + 0.5 per negative media item in 90 days + 2 per failed spot check 1 to 3 years ago; ties by credit code',
    ),
  reasons: z.array(inspectionReasonV1).min(1).describe('why this enterprise is on the list, one entry per kind of evidence'),
});

export const inspectionTestItemV1 = z.object({
  item: z.string().describe('test item as named in the standard and in spot-check results'),
  hazard: z.enum(['safety', 'performance', 'labeling']),
  why: z
    .enum(['failed_recently', 'catalog_typical'])
    .describe('failed_recently: failed in spot checks of this product in the region within 365 days; catalog_typical: one of the product catalog’s typical failed items'),
  timesFailed: z.number().int().min(0).describe('failed spot checks in the region within 365 days with this item (0 for catalog items not seen failing)'),
});

export const inspectionRequestV1 = z.object({
  schema: z.literal('qrm.inspection.requests/v1'),
  requestId: z
    .string()
    .describe('IR-<warningId>-<warningEvent>-<level>-<evaluatedAt as yyyymmddThhmmssZ>: stable, so a replay of the same warning event yields the same id (consumers deduplicate on it)'),
  warningId: z.string().describe('the warning (qrm.risk.warnings) this request came from'),
  warningEvent: z.enum(['opened', 'escalated']).describe('the warning state change that asked for the inspection'),
  createdAt: z.iso.datetime().describe('evaluation time of the scoring pass of the warning event; all evidence is data known before it'),
  productCode: z.string(),
  productName: z.string().describe('product name (Chinese) from the catalog'),
  regionCode: z.string().describe('6-digit county, 4-digit prefecture or 2-digit province code (GB/T 2260)'),
  regionLevel: z.enum(['county', 'prefecture', 'province']),
  regionName: z.string(),
  level: level.exclude(['IV']).describe('warning level, I most severe; level IV warnings do not ask for inspections'),
  previousLevel: level.nullable().describe('level before an escalation; null when the warning opened'),
  priority: z.enum(['urgent', 'high', 'normal']).describe('urgent for level I, high for level II, normal for level III'),
  dueBy: z.iso.datetime().describe('inspect by this time: createdAt plus the configured hours for the level (defaults I 24 h, II 72 h, III 168 h)'),
  enterprises: z
    .array(inspectionEnterpriseV1)
    .max(10)
    .describe('up to ten enterprises to visit, ranked by score; empty when no record in the region names an enterprise (inspect the region’s producers and sellers at large)'),
  testItems: z
    .array(inspectionTestItemV1)
    .max(8)
    .describe('up to eight test items: items failed in the region (most frequent first), then the catalog’s typical items for the product (safety first)'),
  evidenceSummary: z.array(z.string().max(300)).describe('short lines summarising the warning’s evidence, for the planner’s notes'),
});

export type InspectionRequestV1 = z.infer<typeof inspectionRequestV1>;
export type InspectionEnterpriseV1 = z.infer<typeof inspectionEnterpriseV1>;
export type InspectionReasonV1 = z.infer<typeof inspectionReasonV1>;
export type InspectionTestItemV1 = z.infer<typeof inspectionTestItemV1>;
