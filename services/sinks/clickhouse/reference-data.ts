import type { ClickHouse } from '../../clients/clickhouse.ts';
import { products } from '../../domain/catalog.ts';
import { counties, county } from '../../domain/regions.ts';
import { insertRows } from './insert.ts';

// The product catalog and the region hierarchy, copied into ClickHouse on every migrate so that
// scoring SQL can use prior failure rates and dashboards can show names. The tables are
// ReplacingMergeTree keyed on code: loading again replaces, never duplicates.

export async function loadReferenceData(ch: ClickHouse): Promise<{ products: number; regions: number }> {
  await insertRows(
    ch,
    'products',
    products.map((p) => ({
      code: p.code,
      name_zh: p.nameZh,
      name_en: p.nameEn,
      category: p.category,
      risk_grade: p.riskGrade,
      national_fail_rate: p.nationalFailRate,
      typical_failed_items: p.typicalFailedItems.map((i) => ({ item: i.item, hazard: i.hazard })),
    })),
  );
  const rows = new Map<string, Record<string, string>>();
  for (const code of counties()) {
    const c = county(code)!;
    const names = { prefecture_code: c.prefecture.code, prefecture_name: c.prefecture.name, province_code: c.province.code, province_name: c.province.name };
    rows.set(code, { code, level: 'county', name: c.name, ...names });
    rows.set(c.prefecture.code, { code: c.prefecture.code, level: 'prefecture', name: c.prefecture.name, ...names });
    rows.set(c.province.code, { code: c.province.code, level: 'province', name: c.province.name, ...names, prefecture_code: '', prefecture_name: '' });
  }
  await insertRows(ch, 'regions', [...rows.values()]);
  return { products: products.length, regions: rows.size };
}
