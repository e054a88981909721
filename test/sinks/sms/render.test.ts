import { describe, expect, it } from 'vitest';
import type { WarningEventV1 } from '../../../schemas/outputs/warning-event.ts';
import { products } from '../../../services/domain/catalog.ts';
import { counties } from '../../../services/domain/regions.ts';
import { regionChain } from '../../../services/sinks/email/names.ts';
import { truncate } from '../../../services/sinks/sms/length.ts';
import { renderSms, SMS_SEGMENT_CHARS, smsLength } from '../../../services/sinks/sms/render.ts';
import { SHORT_NAME_CHARS, shortProductName } from '../../../services/sinks/sms/short-names.ts';
import { warningEvent } from '../email/events.ts';

const code = 'K7Q2AB';
const link = 'https://q.example.cn/w/K7Q2AB';

const allEvents: WarningEventV1['event'][] = ['opened', 'escalated', 'deescalated', 'resolved', 'acknowledged'];

// The longest names in the data, found rather than hard-coded so that new divisions are covered.
const longestCounty = [...counties()].sort((a, b) => regionChain(b).join('').length - regionChain(a).join('').length)[0]!;
const longestProduct = [...products].sort((a, b) => b.nameZh.length - a.nameZh.length)[0]!.code;

describe('renderSms', () => {
  it('writes level, place, product, score, code and link', () => {
    expect(renderSms(warningEvent(), 'K7Q2', { link: 'https://q.cn/K7Q2' })).toBe('[qrm] II级预警 河北省石家庄市新乐市 防水卷材 评分82 确认码 K7Q2 详情 https://q.cn/K7Q2');
  });

  it('says what changed', () => {
    const text = (patch: Partial<WarningEventV1>) => renderSms(warningEvent(patch), code);
    expect(text({ event: 'escalated', level: 'I', previousLevel: 'II' })).toContain(' 升至I级预警 ');
    expect(text({ event: 'deescalated', level: 'III', previousLevel: 'II' })).toContain(' 降至III级预警 ');
    expect(text({ event: 'resolved' })).toMatch(/ II级预警解除 .* 编号 K7Q2AB$/);
    expect(text({ event: 'acknowledged' })).toMatch(/ II级预警已确认 .* 编号 K7Q2AB$/);
  });

  it('fits every county with every product into one segment, for every kind of event', () => {
    const over: string[] = [];
    for (const regionCode of counties()) {
      for (const p of products) {
        const text = renderSms(warningEvent({ regionCode, productCode: p.code, event: 'deescalated', level: 'III', score: 100 }), code, { link });
        if (smsLength(text) > SMS_SEGMENT_CHARS || !text.includes(code)) over.push(text);
      }
    }
    for (const event of allEvents) {
      for (const level of ['I', 'III'] as const) {
        const longest = warningEvent({ regionCode: longestCounty, productCode: longestProduct, event, level, score: 100 });
        for (const text of [renderSms(longest, 'ABCDEFGHIJKL', { link }), renderSms(longest, 'ABCDEFGHIJKL')]) {
          if (smsLength(text) > SMS_SEGMENT_CHARS) over.push(text);
        }
      }
    }
    expect(over).toEqual([]);
  });

  // Ever longer links squeeze the rest: each step must come only after the ones before it.
  function stages(regionCode: string, productCode: string): number[] {
    const [countyName, prefecture, province] = regionChain(regionCode).reverse() as [string, string, string];
    const productName = products.find((p) => p.code === productCode)!.nameZh;
    const event = warningEvent({ regionCode, productCode });
    const stageOf = (text: string, link: string) => {
      if (!text.includes(` 详情 ${link}`)) return 5;
      if (!text.includes(countyName)) return 4;
      if (!text.includes(productName)) return 3;
      if (!text.includes(prefecture)) return 2;
      if (!text.includes(province)) return 1;
      return 0;
    };
    return Array.from({ length: 60 }, (_, n) => {
      const l = `https://q.cn/${'x'.repeat(n)}`;
      const text = renderSms(event, code, { link: l });
      expect(smsLength(text)).toBeLessThanOrEqual(SMS_SEGMENT_CHARS);
      return stageOf(text, l);
    });
  }

  it('shortens in a fixed order: province, prefecture, short product name, cut region, then the link', () => {
    const taken = stages('211011', 'steel_rebar');
    expect(taken).toEqual([...taken].sort((a, b) => a - b));
    expect(new Set(taken)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
  });

  it('shortens the longest county and product in the same order', () => {
    const taken = stages(longestCounty, longestProduct);
    expect(taken).toEqual([...taken].sort((a, b) => a - b));
    expect(taken).toContain(4);
    expect(taken.at(-1)).toBe(5);
  });

  it('uses the whole region again once the link is dropped', () => {
    const event = warningEvent({ regionCode: longestCounty, productCode: longestProduct });
    const text = renderSms(event, code, { link: `https://q.cn/${'x'.repeat(60)}` });
    expect(text).toBe(renderSms(event, code));
    expect(text).not.toContain('详情');
  });

  it('refuses a code that would make the length unbounded', () => {
    expect(() => renderSms(warningEvent(), 'ABCDEFGHIJKLM')).toThrow(RangeError);
    expect(() => renderSms(warningEvent(), 'K7 Q2')).toThrow(RangeError);
  });
});

describe('smsLength and truncate', () => {
  it('count UTF-16 code units, as UCS-2 segments do', () => {
    expect(smsLength('新乐市')).toBe(3);
    // U+20000, a CJK Extension B character, takes two units.
    expect(smsLength('𠀀市')).toBe(3);
  });

  it('cut without splitting a surrogate pair', () => {
    expect(truncate('新乐市', 3)).toBe('新乐市');
    expect(truncate('新乐市人民', 3)).toBe('新乐…');
    expect(truncate('新𠀀市', 3)).toBe('新…');
  });
});

describe('shortProductName', () => {
  it.each(products.map((p) => [p.code, p.nameZh]))('gives %s (%s) a short name without cutting it', (productCode, nameZh) => {
    const short = shortProductName(productCode);
    expect(smsLength(short)).toBeLessThanOrEqual(SHORT_NAME_CHARS);
    // A cut name ("钢筋混凝土…") reads worse than a chosen one: long catalog names need a table entry.
    expect(short.endsWith('…')).toBe(false);
    expect(smsLength(short)).toBeLessThanOrEqual(smsLength(nameZh));
  });

  it('cuts a name missing from the table and the catalog', () => {
    expect(shortProductName('a_product_not_in_the_catalog')).toBe('a_pro…');
  });
});
