import { z } from 'zod';
import { bilingualEnum, enterprise, optional, productCode, regionCode, timestamp, type SchemaContext } from './common.ts';

// Topic qrm.hotline.complaints: 12365 hotline tickets (feeds-v1.md).

export const channels = { phone: '电话', web: '网站', app: '', wechat: '微信', letter: '信件', visit: '来访' } as const;
export const kinds = { complaint: '投诉', report: '举报', inquiry: '咨询', suggestion: '建议' } as const;
export const issues = {
  quality_defect: '质量缺陷',
  safety_hazard: '安全隐患',
  counterfeit: '假冒伪劣',
  false_labeling: '虚假标识',
  unlicensed: '无证生产',
  short_weight: '短斤缺两',
  other: '其他',
} as const;
export const harms = { none: '无', property: '财产损失', injury: '人身伤害', death: '死亡' } as const;

export const hotlineV1 = (ctx: SchemaContext) =>
  z.object({
    id: z.string().min(1).max(64),
    receivedAt: timestamp(ctx),
    channel: optional(bilingualEnum(channels)).transform((v) => v ?? 'phone'),
    kind: bilingualEnum(kinds),
    regionCode,
    productCode,
    productName: optional(z.string().max(200)),
    enterprise: optional(enterprise),
    issue: bilingualEnum(issues),
    harm: optional(bilingualEnum(harms)).transform((v) => v ?? 'none'),
    description: optional(z.string().max(4000)),
    // Personal data: validated for shape only; the phone leaves this stage as a keyed hash, the name not at all.
    complainant: optional(z.object({ phone: optional(z.string().max(40)), name: optional(z.string().max(100)) })),
  });

export type HotlineRecord = z.output<ReturnType<typeof hotlineV1>>;
