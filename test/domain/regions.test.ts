import { describe, expect, it } from 'vitest';
import {
  counties,
  county,
  isCounty,
  normalizeRegionCode,
  prefectureOf,
  provinceOf,
  regionName,
} from '../../services/domain/regions.ts';

describe('county', () => {
  it('resolves Xinle with its prefecture and province', () => {
    expect(county('130184')).toEqual({
      code: '130184',
      name: '新乐市',
      prefecture: { code: '1301', name: '石家庄市' },
      province: { code: '13', name: '河北省' },
    });
  });

  it('knows every key region of the domain brief', () => {
    expect(county('130637')?.name).toBe('博野县');
    expect(county('371721')?.name).toBe('曹县');
    expect(county('440515')?.name).toBe('澄海区');
    expect(county('211011')?.name).toBe('太子河区');
  });

  it('names the placeholder prefectures of municipalities after the municipality', () => {
    expect(county('110105')?.prefecture).toEqual({ code: '1101', name: '北京市' });
    const chongqingCounty = counties().find((c) => c.startsWith('5002'))!;
    expect(county(chongqingCounty)?.prefecture).toEqual({ code: '5002', name: '重庆市' });
  });

  it('returns undefined for codes that are not county-level', () => {
    expect(county('130000')).toBeUndefined();
    expect(county('1301')).toBeUndefined();
    expect(county('999999')).toBeUndefined();
  });
});

describe('normalizeRegionCode', () => {
  it('keeps a known six-digit code', () => {
    expect(normalizeRegionCode('130184')).toBe('130184');
  });

  it('reduces a twelve-digit statistical code to its county', () => {
    expect(normalizeRegionCode('130184102000')).toBe('130184');
  });

  it('rejects unknown counties, other lengths and non-digits', () => {
    expect(normalizeRegionCode('999999')).toBeUndefined();
    expect(normalizeRegionCode('999999102000')).toBeUndefined();
    expect(normalizeRegionCode('13018')).toBeUndefined();
    expect(normalizeRegionCode('1301841')).toBeUndefined();
    expect(normalizeRegionCode(' 130184')).toBeUndefined();
    expect(normalizeRegionCode('13018a')).toBeUndefined();
  });
});

describe('counties', () => {
  it('lists about 2,850–3,000 sorted, unique, six-digit county codes', () => {
    const all = counties();
    expect(all.length).toBeGreaterThan(2800);
    expect(all.length).toBeLessThan(3100);
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual(all);
    expect(all.every((c) => /^\d{6}$/.test(c) && isCounty(c))).toBe(true);
  });
});

describe('regionName, prefectureOf, provinceOf', () => {
  it('names codes of each level', () => {
    expect(regionName('13')).toBe('河北省');
    expect(regionName('1301')).toBe('石家庄市');
    expect(regionName('130184')).toBe('新乐市');
    expect(regionName('1101')).toBe('北京市');
    expect(regionName('130')).toBeUndefined();
  });

  it('gives the enclosing regions of a county', () => {
    expect(prefectureOf('371721')).toEqual({ code: '3717', name: '菏泽市', level: 'prefecture' });
    expect(provinceOf('371721')).toEqual({ code: '37', name: '山东省', level: 'province' });
    expect(prefectureOf('999999')).toBeUndefined();
    expect(provinceOf('999999')).toBeUndefined();
  });
});
