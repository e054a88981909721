import { describe, expect, it } from 'vitest';
import type { HotlineRecord, MediaRecord, SpotcheckRecord } from '../../../schemas/feeds/v1/index.ts';
import { chTime, chTimeMs, columns, hotlineLine, mediaLine, spotcheckLine } from '../../../services/transforms/normalize/rows.ts';

// Rows are encoded by hand as JSONCompactEachRow lines: each value must land under its column and
// survive JSON escaping, whatever the free text holds.

const pos = { topic: 'qrm.hotline.complaints', partition: 3, offset: '9007199254740993', ingestedAt: Date.UTC(2026, 10, 22, 1, 2, 3, 4) };
const row = (feed: keyof typeof columns, line: string) => {
  const values = JSON.parse(line) as unknown[];
  expect(values).toHaveLength(columns[feed].length);
  return Object.fromEntries(columns[feed].map((c, i) => [c, values[i]]));
};
const source = { source_topic: pos.topic, source_partition: 3, source_offset: 9007199254740992, ingested_at: '2026-11-22 01:02:03.004' };

describe('row lines', () => {
  it('hotline: every column, escapes, masked phones, hashed complainant', () => {
    const r: HotlineRecord = {
      id: 'a"b\\c\n', receivedAt: Date.UTC(2026, 10, 20, 0, 31), channel: 'phone', kind: 'complaint', regionCode: '130184', productCode: 'toy',
      productName: '玩具\u2028', enterprise: { creditCode: null, name: '某"公司' }, issue: 'other', harm: 'none',
      description: '打 13800138000 找我', complainant: { phone: '13800138000', name: '张三' },
    };
    const e = hotlineLine(r, pos, (p) => `h(${p})`.replace(/\D/g, ''));
    expect(e.defects).toEqual(['invalid_credit_code']);
    expect(e.line).not.toContain('\n');
    expect(row('hotline', e.line)).toEqual({
      id: 'a"b\\c\n', received_at: '2026-11-20 00:31:00.000', channel: 'phone', kind: 'complaint', region_code: '130184', prefecture_code: '1301',
      province_code: '13', product_code: 'toy', product_name: '玩具\u2028', enterprise_credit_code: '', enterprise_name: '某"公司', issue: 'other',
      harm: 'none', description: '打 [phone] 找我', complainant_phone_hash: '13800138000', ...source,
    });
    expect(e.line).toContain(',9007199254740993,');
  });

  it('media: arrays, numbers, distinct valid credit codes', () => {
    const r: MediaRecord = {
      id: 'm1', publishedAt: 0, source: 's', sourceType: 'news', url: undefined, title: 't', regionCodes: ['130184'], productCode: 'toy',
      enterpriseCreditCodes: ['91130184MA07L8XQ45', null, '91130184MA07L8XQ45'], sentiment: -0.82, reach: 1_200_000, exposure: true,
    };
    const e = mediaLine(r, pos);
    expect(e.defects).toEqual(['invalid_credit_code']);
    expect(row('media', e.line)).toEqual({
      id: 'm1', published_at: '1970-01-01 00:00:00.000', source: 's', source_type: 'news', url: '', title: 't', region_codes: ['130184'],
      product_code: 'toy', enterprise_credit_codes: ['91130184MA07L8XQ45'], sentiment: -0.82, reach: 1_200_000, exposure: 1, ...source,
    });
  });

  it('spot check: nested failed items, null publication time', () => {
    const r: SpotcheckRecord = {
      id: 'SC-1', sampledAt: Date.UTC(2026, 10, 2, 16), publishedAt: undefined, level: 'provincial', regionCode: '130184', productCode: 'toy',
      enterprise: { creditCode: '91130184MA07L8XQ45', name: undefined }, batch: undefined, result: 'fail',
      failedItems: [{ item: '拉力', hazard: 'performance' }], lab: undefined,
    };
    expect(row('spotcheck', spotcheckLine(r, pos).line)).toEqual({
      id: 'SC-1', sampled_at: '2026-11-02 16:00:00.000', published_at: null, level: 'provincial', region_code: '130184', prefecture_code: '1301',
      province_code: '13', product_code: 'toy', enterprise_credit_code: '91130184MA07L8XQ45', enterprise_name: '', batch: '', result: 'fail',
      'failed_items.item': ['拉力'], 'failed_items.hazard': ['performance'], lab: '', ...source,
    });
  });

  it('chTime agrees with toISOString', () => {
    const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    const samples = [0, 951_782_400_000, 4_107_542_399_999, 253_402_300_799_999, -1, 1_700_000_000_000.5];
    for (let i = 0; i < 20_000; i++) samples.push(Math.floor(Math.random() * 253_402_300_800_000));
    for (const ms of samples) expect(chTime(ms), String(ms)).toBe(iso(ms));
  });

  it('chTimeMs reads back what chTime writes, and says NaN to what is no time', () => {
    for (const ms of [0, 951_782_400_000, 1_700_000_000_123, 253_402_300_799_999]) expect(chTimeMs(chTime(ms))).toBe(ms);
    // ClickHouse also writes DateTime64 without milliseconds when the column has none.
    expect(chTimeMs('2026-10-01 08:30:00')).toBe(Date.UTC(2026, 9, 1, 8, 30));
    expect(chTimeMs('not a time')).toBeNaN();
  });
});
