import { z } from 'zod';
import { bilingualEnum, creditCode, optional, productCode, regionCode, timestamp, type SchemaContext } from './common.ts';

// Topic qrm.media.sentiment: media monitoring items (feeds-v1.md).

export const sourceTypes = { news: '新闻', social: '社交', video: '视频', forum: '论坛', ecommerce_review: '电商评价' } as const;

export const mediaV1 = (ctx: SchemaContext) =>
  z.object({
    id: z.string().min(1).max(128),
    publishedAt: timestamp(ctx),
    source: z.string().max(200),
    sourceType: bilingualEnum(sourceTypes),
    url: optional(z.string().max(2000)),
    title: optional(z.string().max(500)),
    regionCodes: optional(z.array(regionCode).max(50)).transform((v) => [...new Set(v ?? [])]),
    productCode,
    enterpriseCreditCodes: optional(z.array(creditCode).max(50)).transform((v) => v ?? []),
    sentiment: z.number().min(-1).max(1),
    reach: optional(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).transform((v) => v ?? 0),
    exposure: optional(z.boolean()).transform((v) => v ?? false),
  });

export type MediaRecord = z.output<ReturnType<typeof mediaV1>>;
