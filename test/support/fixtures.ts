// Contract-valid records for tests, with distinct ids. Small on purpose: behaviour tests, not load.

export const PHONE = '13800138000';
export const NAME = '张三';

export function hotlineRecord(i: number, patch: Record<string, unknown> = {}) {
  return {
    id: `12365-T-${i}`,
    receivedAt: '2026-11-20 08:31:00',
    kind: i % 2 ? '投诉' : 'complaint',
    regionCode: i % 3 ? '130184' : '130184102000',
    productCode: 'waterproof_membrane',
    enterprise: { creditCode: '91130184ma07l8xq45', name: '新乐市某防水材料有限公司' },
    issue: 'quality_defect',
    description: `漏水，请回电 ${PHONE}`,
    complainant: { phone: PHONE, name: NAME },
    ...patch,
  };
}

export function mediaRecord(i: number, patch: Record<string, unknown> = {}) {
  return {
    id: `m-T-${i}`,
    publishedAt: '2026-11-21T19:05:00+08:00',
    source: '某市电视台',
    sourceType: 'news',
    regionCodes: ['130184'],
    productCode: 'waterproof_membrane',
    sentiment: -0.5,
    reach: 1000,
    ...patch,
  };
}

export function spotcheckRecord(i: number, patch: Record<string, unknown> = {}) {
  return {
    id: `SC-T-${i}`,
    sampledAt: '2026-11-03',
    publishedAt: '2026-11-18T10:00:00+08:00',
    level: 'provincial',
    regionCode: '130184',
    productCode: 'waterproof_membrane',
    enterprise: { creditCode: '91130184MA07L8XQ45', name: '新乐市某防水材料有限公司' },
    result: 'fail',
    failedItems: [{ item: '低温柔性', hazard: 'safety' }],
    ...patch,
  };
}

export const json = (v: unknown) => Buffer.from(JSON.stringify(v));
