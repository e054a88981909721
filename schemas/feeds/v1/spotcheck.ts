import { z } from 'zod';
import { bilingualEnum, enterprise, optional, productCode, regionCode, timestamp, type SchemaContext } from './common.ts';

// Topic qrm.spotcheck.results: 监督抽查 results (feeds-v1.md).

export const levels = { national: '国家', provincial: '省级', municipal: '市级', county: '县级' } as const;
export const results = { pass: '合格', fail: '不合格' } as const;
export const hazards = ['safety', 'performance', 'labeling'] as const;

export const spotcheckV1 = (ctx: SchemaContext) =>
  z
    .object({
      id: z.string().min(1).max(64),
      sampledAt: timestamp(ctx),
      publishedAt: optional(timestamp(ctx)),
      level: bilingualEnum(levels),
      regionCode,
      productCode,
      enterprise,
      batch: optional(z.string().max(100)),
      result: bilingualEnum(results),
      failedItems: z.array(z.object({ item: z.string().max(200), hazard: z.enum(hazards) })).max(200),
      lab: optional(z.string().max(200)),
    })
    .superRefine((r, c) => {
      if (r.result === 'fail' && r.failedItems.length === 0) {
        c.addIssue({ code: 'custom', path: ['failedItems'], message: 'must be non-empty when result is fail', params: { reason: 'inconsistent' } });
      }
      if (r.result === 'pass' && r.failedItems.length > 0) {
        c.addIssue({ code: 'custom', path: ['failedItems'], message: 'must be empty when result is pass', params: { reason: 'inconsistent' } });
      }
    });

export type SpotcheckRecord = z.output<ReturnType<typeof spotcheckV1>>;
