import { describe, expect, it } from 'vitest';
import { readCentroids } from '../../services/sinks/clickhouse/reference-data.ts';
import { counties, county } from '../../services/domain/regions.ts';

// The generated gazetteer (schemas/gazetteer/region_centroids.tsv) covers every region qrm loads
// into `regions`, at the level its code says, inside China, and each county near its prefecture.

const rows = readCentroids();
const byCode = new Map(rows.map((r) => [r.code, r]));

// Degrees of latitude, and of longitude scaled to the latitude: a plain distance for sanity bounds.
const distance = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) => Math.hypot(a.lat - b.lat, (a.lon - b.lon) * Math.cos((a.lat * Math.PI) / 180));

describe('gazetteer', () => {
  it('has one row per code, at the level its length says', () => {
    expect(byCode.size).toBe(rows.length);
    const levels: Record<number, string> = { 2: 'province', 4: 'prefecture', 6: 'county' };
    for (const r of rows) expect(r.level, r.code).toBe(levels[r.code.length]);
  });

  it('covers every county, prefecture and province of the regions table', () => {
    const missing: string[] = [];
    for (const code of counties()) {
      const c = county(code)!;
      for (const k of [code, c.prefecture.code, c.province.code]) if (!byCode.has(k)) missing.push(k);
    }
    expect(missing).toEqual([]);
  });

  it('places every region inside China and each county near its prefecture and province', () => {
    for (const r of rows) {
      expect(r.lat, r.code).toBeGreaterThan(15);
      expect(r.lat, r.code).toBeLessThan(54);
      expect(r.lon, r.code).toBeGreaterThan(73);
      expect(r.lon, r.code).toBeLessThan(136);
    }
    const far: string[] = [];
    for (const r of rows.filter((x) => x.level === 'county')) {
      // Xinjiang's and Tibet's prefectures are large, and the corps cities (6590xx) are scattered
      // across Xinjiang under one pseudo-prefecture: generous bounds, tight enough to catch a county
      // matched to a namesake in another province.
      if (distance(r, byCode.get(r.code.slice(0, 4))!) > 7) far.push(`${r.code} ${r.name} from its prefecture`);
      if (distance(r, byCode.get(r.code.slice(0, 2))!) > 15) far.push(`${r.code} ${r.name} from its province`);
    }
    expect(far).toEqual([]);
  });

  it('has its own boundary for all but a few regions', () => {
    // Parent centroids stand in mostly for development zones (codes xx7x), which have no territory of
    // their own in the boundary data, and for a few divisions renamed after it.
    const approx = rows.filter((r) => r.approx === 1);
    expect(approx.length / rows.length).toBeLessThan(0.06);
    const notZones = approx.filter((r) => !/^\d{4}[7-9]\d$/.test(r.code));
    expect(notZones.length).toBeLessThan(60);
  });

  it('knows the regions named in the domain brief where they are', () => {
    const near = (code: string, lat: number, lon: number) => expect(distance(byCode.get(code)!, { lat, lon }), code).toBeLessThan(0.3);
    near('130184', 38.35, 114.68); // 新乐市 Xinle
    near('371721', 34.82, 115.55); // 曹县 Cao county
    near('440515', 23.47, 116.77); // 澄海区 Chenghai
    near('130637', 38.46, 115.46); // 博野县 Boye
  });
});
