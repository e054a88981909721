import { describe, expect, it } from 'vitest';
import { decoder, jsonDepth, openingBrackets } from '../../../services/transforms/normalize/decode.ts';
import { parseTimestamp } from '../../../schemas/feeds/v1/common.ts';

// Every rule of shared/contracts/feeds-v1.md, one case each: what is accepted (and how it is
// normalised), and what is rejected with which reason code and field.

const NOW = Date.parse('2026-11-22T00:00:00Z');
const opts = { maxBytes: 1_048_576, maxDepth: 16, now: () => NOW };
const bytes = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

const hotline = {
  id: '12365-1301-20261120-000123',
  receivedAt: '2026-11-20 08:31:00',
  channel: 'phone',
  kind: '投诉',
  regionCode: '130184',
  productCode: 'waterproof_membrane',
  productName: 'SBS改性沥青防水卷材',
  enterprise: { creditCode: '91130184MA07L8XQ45', name: '新乐市某防水材料有限公司' },
  issue: 'quality_defect',
  harm: 'property',
  description: '铺设三个月后屋顶漏水，卷材开裂',
  complainant: { phone: '13800138000', name: '张三' },
};
const media = {
  id: 'm-20261121-88412',
  publishedAt: '2026-11-21T19:05:00+08:00',
  source: '某市电视台',
  sourceType: 'news',
  url: 'https://news.example.cn/a/88412',
  title: '记者暗访：停产整改的防水卷材厂夜间照常生产',
  regionCodes: ['130184'],
  productCode: 'waterproof_membrane',
  enterpriseCreditCodes: [],
  sentiment: -0.82,
  reach: 1200000,
  exposure: true,
};
const spotcheck = {
  id: 'SC-2026-HB-004512',
  sampledAt: '2026-11-03',
  publishedAt: '2026-11-18T10:00:00+08:00',
  level: 'provincial',
  regionCode: '130184',
  productCode: 'waterproof_membrane',
  enterprise: { creditCode: '91130184MA07L8XQ45', name: '新乐市某防水材料有限公司' },
  batch: '20261015',
  result: 'fail',
  failedItems: [
    { item: '拉力', hazard: 'performance' },
    { item: '低温柔性', hazard: 'safety' },
  ],
  lab: '河北省产品质量监督检验研究院',
};

const decodeHotline = decoder('hotline', opts);
const decodeMedia = decoder('media', opts);
const decodeSpotcheck = decoder('spotcheck', opts);

function ok<T>(r: { ok: true; record: T } | { ok: false; rejection: unknown }): T {
  if (!r.ok) throw new Error(`expected accepted, got ${JSON.stringify(r.rejection)}`);
  return r.record;
}

function rejected(r: { ok: boolean; rejection?: { reasonCode: string; field?: string; reason: string } }) {
  if (r.ok) throw new Error('expected a rejection');
  return r.rejection!;
}

describe('contract examples', () => {
  it('accepts the hotline example and normalises it', () => {
    const r = ok(decodeHotline(bytes(hotline)));
    expect(r.kind).toBe('complaint');
    expect(r.receivedAt).toBe(Date.parse('2026-11-20T00:31:00Z'));
    expect(r.regionCode).toBe('130184');
    expect(r.channel).toBe('phone');
    expect(r.harm).toBe('property');
  });
  it('accepts the media example', () => {
    const r = ok(decodeMedia(bytes(media)));
    expect(r.publishedAt).toBe(Date.parse('2026-11-21T11:05:00Z'));
    expect(r.exposure).toBe(true);
    expect(r.reach).toBe(1_200_000);
  });
  it('accepts the spot-check example; a bare date is 00:00 Beijing time', () => {
    const r = ok(decodeSpotcheck(bytes(spotcheck)));
    expect(r.sampledAt).toBe(Date.parse('2026-11-02T16:00:00Z'));
    expect(r.failedItems).toHaveLength(2);
  });
});

describe('message-level rejections', () => {
  it.each([
    ['too_large', Buffer.alloc(2_000_000, 0x20)],
    ['not_utf8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['not_json', bytes('{"id": "x",')],
    ['not_json', Buffer.alloc(0)],
    ['not_object', bytes('[1,2,3]')],
    ['not_object', bytes('"a string"')],
    ['not_object', bytes('null')],
    ['too_deep', bytes(`${'['.repeat(40)}${']'.repeat(40)}`)],
  ])('%s', (code, value) => {
    expect(rejected(decodeHotline(value)).reasonCode).toBe(code);
  });

  it('counts nesting depth outside strings only', () => {
    expect(jsonDepth('{"a":"[[[[[[[[","b":[{"c":1}]}')).toBe(3);
    expect(jsonDepth('{"a":"\\"[[["}')).toBe(1);
  });

  it('scans for depth only when there are more brackets than the limit, and finds depth exactly at it', () => {
    const deep = (n: number) => bytes(`{"a":${'['.repeat(n - 1)}1${']'.repeat(n - 1)}}`);
    expect(openingBrackets(bytes(hotline), 16)).toBeLessThanOrEqual(16);
    expect(openingBrackets(deep(40), 16)).toBe(17);
    expect(decodeHotline(deep(16)).ok || rejected(decodeHotline(deep(16))).reasonCode !== 'too_deep').toBe(true);
    expect(rejected(decodeHotline(deep(17))).reasonCode).toBe('too_deep');
    // Brackets inside strings count towards the bound but not the depth.
    expect(decodeHotline(bytes({ ...hotline, description: '['.repeat(50) })).ok).toBe(true);
  });

  it('reads a message that starts with a byte-order mark, as the UTF-8 decoder does', () => {
    expect(decodeHotline(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(hotline)])).ok).toBe(true);
  });

  it('rejects overlong encodings and lone surrogates as not UTF-8', () => {
    expect(rejected(decodeHotline(Buffer.from([0x22, 0xc0, 0xaf, 0x22]))).reasonCode).toBe('not_utf8');
    expect(rejected(decodeHotline(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).reasonCode).toBe('not_utf8');
  });

  it('the size limit is configurable', () => {
    const small = decoder('hotline', { ...opts, maxBytes: 1_024 });
    expect(rejected(small(bytes({ ...hotline, description: 'x'.repeat(2_000) }))).reasonCode).toBe('too_large');
  });
});

describe('hotline field rules', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['id missing', { id: undefined }, 'missing_field', 'id'],
    ['id empty', { id: '' }, 'invalid_field', 'id'],
    ['id over 64', { id: 'x'.repeat(65) }, 'invalid_field', 'id'],
    ['receivedAt missing', { receivedAt: undefined }, 'missing_field', 'receivedAt'],
    ['receivedAt garbage', { receivedAt: 'yesterday' }, 'invalid_timestamp', 'receivedAt'],
    ['receivedAt impossible date', { receivedAt: '2026-02-30 10:00:00' }, 'invalid_timestamp', 'receivedAt'],
    ['receivedAt hour 25', { receivedAt: '2026-11-20 25:00:00' }, 'invalid_timestamp', 'receivedAt'],
    ['receivedAt > 1 day ahead', { receivedAt: '2026-11-23T00:00:01Z' }, 'future_timestamp', 'receivedAt'],
    ['receivedAt a number', { receivedAt: 1763600000 }, 'invalid_field', 'receivedAt'],
    ['channel unknown', { channel: 'fax' }, 'invalid_enum', 'channel'],
    ['kind missing', { kind: undefined }, 'missing_field', 'kind'],
    ['kind unknown', { kind: 'praise' }, 'invalid_enum', 'kind'],
    ['regionCode missing', { regionCode: undefined }, 'missing_field', 'regionCode'],
    ['regionCode unknown county', { regionCode: '139999' }, 'unknown_region', 'regionCode'],
    ['regionCode is a prefecture', { regionCode: '1301' }, 'unknown_region', 'regionCode'],
    ['regionCode 12 digits of unknown county', { regionCode: '139999102000' }, 'unknown_region', 'regionCode'],
    ['regionCode a number', { regionCode: 130184 }, 'invalid_field', 'regionCode'],
    ['productCode missing', { productCode: undefined }, 'missing_field', 'productCode'],
    ['productCode not in catalog', { productCode: 'flux_capacitor' }, 'unknown_product', 'productCode'],
    ['productName over 200', { productName: '卷'.repeat(201) }, 'invalid_field', 'productName'],
    ['enterprise not an object', { enterprise: 'ACME' }, 'invalid_field', 'enterprise'],
    ['issue missing', { issue: undefined }, 'missing_field', 'issue'],
    ['issue unknown', { issue: 'bad_vibes' }, 'invalid_enum', 'issue'],
    ['harm unknown', { harm: 'minor' }, 'invalid_enum', 'harm'],
    ['description over 4000', { description: 'x'.repeat(4001) }, 'invalid_field', 'description'],
    ['complainant not an object', { complainant: '13800138000' }, 'invalid_field', 'complainant'],
  ];
  it.each(cases)('%s', (_name, patch, code, field) => {
    const r = rejected(decodeHotline(bytes({ ...hotline, ...patch })));
    expect(r.reasonCode).toBe(code);
    expect(r.field).toBe(field);
    expect(r.reason).toContain(field);
  });

  it('fills defaults and accepts null for optional fields', () => {
    const r = ok(decodeHotline(bytes({ ...hotline, channel: null, harm: undefined, productName: null, enterprise: null, description: null, complainant: null })));
    expect(r.channel).toBe('phone');
    expect(r.harm).toBe('none');
    expect(r.enterprise).toBeUndefined();
  });

  it('accepts every Chinese label', () => {
    for (const [channel, en] of [['电话', 'phone'], ['网站', 'web'], ['app', 'app'], ['微信', 'wechat'], ['信件', 'letter'], ['来访', 'visit']]) {
      expect(ok(decodeHotline(bytes({ ...hotline, channel }))).channel).toBe(en);
    }
    for (const [kind, en] of [['投诉', 'complaint'], ['举报', 'report'], ['咨询', 'inquiry'], ['建议', 'suggestion']]) {
      expect(ok(decodeHotline(bytes({ ...hotline, kind }))).kind).toBe(en);
    }
    const issues = { 质量缺陷: 'quality_defect', 安全隐患: 'safety_hazard', 假冒伪劣: 'counterfeit', 虚假标识: 'false_labeling', 无证生产: 'unlicensed', 短斤缺两: 'short_weight', 其他: 'other' };
    for (const [issue, en] of Object.entries(issues)) expect(ok(decodeHotline(bytes({ ...hotline, issue }))).issue).toBe(en);
    for (const [harm, en] of [['无', 'none'], ['财产损失', 'property'], ['人身伤害', 'injury'], ['死亡', 'death']]) {
      expect(ok(decodeHotline(bytes({ ...hotline, harm }))).harm).toBe(en);
    }
  });

  it('reduces a 12-digit statistical code to its county', () => {
    expect(ok(decodeHotline(bytes({ ...hotline, regionCode: '130184102000' }))).regionCode).toBe('130184');
  });

  it('accepts a timestamp up to one day ahead', () => {
    expect(ok(decodeHotline(bytes({ ...hotline, receivedAt: '2026-11-22T23:59:00Z' }))).receivedAt).toBe(Date.parse('2026-11-22T23:59:00Z'));
  });

  it('keeps a record whose credit code is invalid, without the enterprise link', () => {
    const r = ok(decodeHotline(bytes({ ...hotline, enterprise: { creditCode: '91130184MA07L8XQ40', name: 'x' } })));
    expect(r.enterprise?.creditCode).toBeNull();
    expect(r.enterprise?.name).toBe('x');
  });

  it('upper-cases a lower-case credit code', () => {
    const r = ok(decodeHotline(bytes({ ...hotline, enterprise: { creditCode: '91130184ma07l8xq45' } })));
    expect(r.enterprise?.creditCode).toBe('91130184MA07L8XQ45');
  });

  it('ignores unknown extra fields', () => {
    expect(ok(decodeHotline(bytes({ ...hotline, extra: { deep: 1 } }))).id).toBe(hotline.id);
  });
});

describe('media field rules', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['id over 128', { id: 'x'.repeat(129) }, 'invalid_field', 'id'],
    ['publishedAt missing', { publishedAt: undefined }, 'missing_field', 'publishedAt'],
    ['source missing', { source: undefined }, 'missing_field', 'source'],
    ['source over 200', { source: 's'.repeat(201) }, 'invalid_field', 'source'],
    ['sourceType unknown', { sourceType: 'radio' }, 'invalid_enum', 'sourceType'],
    ['url over 2000', { url: 'u'.repeat(2001) }, 'invalid_field', 'url'],
    ['title over 500', { title: 't'.repeat(501) }, 'invalid_field', 'title'],
    ['regionCodes over 50', { regionCodes: Array(51).fill('130184') }, 'invalid_field', 'regionCodes'],
    ['regionCodes with unknown code', { regionCodes: ['130184', '000000'] }, 'unknown_region', 'regionCodes.1'],
    ['productCode not in catalog', { productCode: 'x' }, 'unknown_product', 'productCode'],
    ['enterpriseCreditCodes over 50', { enterpriseCreditCodes: Array(51).fill('91130184MA07L8XQ45') }, 'invalid_field', 'enterpriseCreditCodes'],
    ['sentiment missing', { sentiment: undefined }, 'missing_field', 'sentiment'],
    ['sentiment above 1', { sentiment: 1.2 }, 'invalid_field', 'sentiment'],
    ['sentiment below -1', { sentiment: -1.01 }, 'invalid_field', 'sentiment'],
    ['sentiment a string', { sentiment: '-0.5' }, 'invalid_field', 'sentiment'],
    ['reach negative', { reach: -1 }, 'invalid_field', 'reach'],
    ['reach fractional', { reach: 1.5 }, 'invalid_field', 'reach'],
    ['exposure not boolean', { exposure: 'yes' }, 'invalid_field', 'exposure'],
  ];
  it.each(cases)('%s', (_name, patch, code, field) => {
    const r = rejected(decodeMedia(bytes({ ...media, ...patch })));
    expect(r.reasonCode).toBe(code);
    expect(r.field).toBe(field);
  });

  it('defaults reach, exposure and regions; accepts Chinese source types', () => {
    const r = ok(decodeMedia(bytes({ ...media, reach: null, exposure: undefined, regionCodes: null, sourceType: '电商评价' })));
    expect(r.reach).toBe(0);
    expect(r.exposure).toBe(false);
    expect(r.regionCodes).toEqual([]);
    expect(r.sourceType).toBe('ecommerce_review');
  });

  it('keeps the item when a credit code is invalid, marking it', () => {
    const r = ok(decodeMedia(bytes({ ...media, enterpriseCreditCodes: ['91130184ma07l8xq45', 'nonsense'] })));
    expect(r.enterpriseCreditCodes).toEqual(['91130184MA07L8XQ45', null]);
  });
});

describe('spot-check field rules', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['sampledAt missing', { sampledAt: undefined }, 'missing_field', 'sampledAt'],
    ['publishedAt invalid', { publishedAt: '18/11/2026' }, 'invalid_timestamp', 'publishedAt'],
    ['level missing', { level: undefined }, 'missing_field', 'level'],
    ['level unknown', { level: 'village' }, 'invalid_enum', 'level'],
    ['enterprise missing', { enterprise: undefined }, 'missing_field', 'enterprise'],
    ['batch over 100', { batch: 'b'.repeat(101) }, 'invalid_field', 'batch'],
    ['result missing', { result: undefined }, 'missing_field', 'result'],
    ['result unknown', { result: 'maybe' }, 'invalid_enum', 'result'],
    ['failedItems missing', { failedItems: undefined }, 'missing_field', 'failedItems'],
    ['fail without failed items', { failedItems: [] }, 'inconsistent', 'failedItems'],
    ['pass with failed items', { result: 'pass' }, 'inconsistent', 'failedItems'],
    ['hazard unknown', { failedItems: [{ item: '拉力', hazard: 'cosmetic' }] }, 'invalid_enum', 'failedItems.0.hazard'],
    ['item over 200', { failedItems: [{ item: 'i'.repeat(201), hazard: 'safety' }] }, 'invalid_field', 'failedItems.0.item'],
    ['lab over 200', { lab: 'l'.repeat(201) }, 'invalid_field', 'lab'],
  ];
  it.each(cases)('%s', (_name, patch, code, field) => {
    const r = rejected(decodeSpotcheck(bytes({ ...spotcheck, ...patch })));
    expect(r.reasonCode).toBe(code);
    expect(r.field).toBe(field);
  });

  it('accepts Chinese labels and an enterprise with neither field', () => {
    const r = ok(decodeSpotcheck(bytes({ ...spotcheck, level: '国家', result: '合格', failedItems: [], enterprise: {} })));
    expect(r.level).toBe('national');
    expect(r.result).toBe('pass');
    expect(r.enterprise.creditCode).toBeUndefined();
  });
});

describe('timestamps', () => {
  it.each([
    ['2026-11-20T08:31:00+08:00', '2026-11-20T00:31:00Z'],
    ['2026-11-20T00:31:00Z', '2026-11-20T00:31:00Z'],
    ['2026-11-20T00:31:00.250Z', '2026-11-20T00:31:00.250Z'],
    ['2026-11-20T02:31:00+0200', '2026-11-20T00:31:00Z'],
    ['2026-11-19T19:31:00-05:00', '2026-11-20T00:31:00Z'],
    ['2026-11-20 08:31:00', '2026-11-20T00:31:00Z'],
    ['2026-11-20T08:31:00', '2026-11-20T00:31:00Z'],
    ['2026-11-20', '2026-11-19T16:00:00Z'],
    ['2024-02-29 12:00:00', '2024-02-29T04:00:00Z'],
    // Seconds left out: still ISO 8601, and unambiguous.
    ['2026-11-20T08:31', '2026-11-20T00:31:00Z'],
  ])('%s', (text, iso) => {
    expect(parseTimestamp(text)).toBe(Date.parse(iso));
  });

  it.each(['2025-02-29', '2026-13-01', '20261120', '2026-11-20T08:31:00+25:00', '2026-11-20T08:31:00 +08:00', ''])('rejects %s', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
});
