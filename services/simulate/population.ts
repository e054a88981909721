import { productByCode, products, type Product, type ProductCategory } from '../domain/catalog.ts';
import { CREDIT_CODE_ALPHABET, makeCreditCode } from '../domain/credit-code.ts';
import { counties, county } from '../domain/regions.ts';
import { beijingDay } from './clock.ts';
import { hashSeed, Rng, Weighted } from './rng.ts';
import type { Topic } from './types.ts';

// Who and where the simulated records are about. Everything here is a pure function of the seed
// and the (product, county) cell, never of the order messages are drawn in, so an enterprise or a
// county looks the same in every message and in every run with that seed.

/**
 * The regional quality problems named in domain.md (区域性质量问题): many small producers of one
 * product clustered in one county. These cells get a large share of their product's traffic, a
 * large population of producers, many of them unlicensed, and a higher spot-check fail rate.
 */
export const KEY_REGIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['waterproof_membrane', ['130184', '211011']], // Xinle, Hebei; Taizihe district, Liaoyang
  ['coating', ['130637']], // Boye, Hebei
  ['wood_panel', ['371721']], // Cao county, Shandong
  ['toy', ['440515']], // Chenghai, Shantou
]);
const KEY_REGION_SHARE = 0.3;

export function isKeyCell(productCode: string, regionCode: string): boolean {
  return KEY_REGIONS.get(productCode)?.includes(regionCode) ?? false;
}

// Consumers phone about what they buy and use themselves; industrial and construction inputs
// reach the hotline mostly through builders and farmers, so less often.
const HOTLINE_WEIGHT: Record<ProductCategory, number> = {
  electrical: 3, household: 3, textile: 3, vehicle: 3, children: 2.5, food_related: 2,
  fuel: 1.5, building_material: 1.2, agricultural: 1, auto_part: 1, safety_equipment: 1,
};
const MEDIA_WEIGHT: Record<ProductCategory, number> = {
  ...HOTLINE_WEIGHT, children: 3, food_related: 3, fuel: 2,
};
// Classified supervision: high-risk products are sampled more.
const SPOTCHECK_GRADE_WEIGHT = { A: 1.5, B: 1, C: 0.7 } as const;

function productWeight(topic: Topic, p: Product): number {
  if (topic === 'spotcheck') return SPOTCHECK_GRADE_WEIGHT[p.riskGrade];
  return (topic === 'hotline' ? HOTLINE_WEIGHT : MEDIA_WEIGHT)[p.category];
}

// Day-to-day variation of a product's share: gamma with mean 1. Shape 6 gives a coefficient of
// variation of about 0.4, so daily counts per product are overdispersed as real ones are.
const DAILY_SHAPE = 6;

type CountyTable = { table: Weighted<string>; weight: Map<string, number> };
let countyTable: CountyTable | undefined;

// A fixed, seed-independent size per county (log-normal), so the same counties are busy in every
// run, as real populous counties are. Built on first use: it walks all ~3,000 counties.
function countyWeights(): CountyTable {
  if (!countyTable) {
    const weight = new Map<string, number>();
    for (const code of counties()) {
      weight.set(code, Math.exp(0.8 * new Rng(hashSeed('county-size', code)).normal()));
    }
    countyTable = { table: new Weighted([...weight]), weight };
  }
  return countyTable;
}

let byPrefecture: Map<string, string[]> | undefined;

/** The county-level codes that share a county's prefecture (itself included). */
export function countiesOfPrefecture(regionCode: string): readonly string[] {
  if (!byPrefecture) {
    byPrefecture = new Map();
    for (const code of counties()) {
      const list = byPrefecture.get(code.slice(0, 4)) ?? [];
      list.push(code);
      byPrefecture.set(code.slice(0, 4), list);
    }
  }
  return byPrefecture.get(regionCode.slice(0, 4)) ?? [regionCode];
}

export type Cell = { product: Product; regionCode: string };

const TOTAL_WEIGHT: Record<Topic, number> = {
  hotline: products.reduce((sum, p) => sum + productWeight('hotline', p), 0),
  media: products.reduce((sum, p) => sum + productWeight('media', p), 0),
  spotcheck: products.reduce((sum, p) => sum + productWeight('spotcheck', p), 0),
};

/** Long-run share of a topic's base records that fall in a (product, county) cell. */
export function cellShare(topic: Topic, productCode: string, regionCode: string): number {
  const product = productByCode(productCode);
  if (!product) return 0;
  const { table, weight } = countyWeights();
  const keys = KEY_REGIONS.get(productCode);
  const spread = (weight.get(regionCode) ?? 0) / table.total;
  const inCounty = keys
    ? (keys.includes(regionCode) ? KEY_REGION_SHARE / keys.length : 0) + (1 - KEY_REGION_SHARE) * spread
    : spread;
  return (productWeight(topic, product) / TOTAL_WEIGHT[topic]) * inCounty;
}

/** Draws the (product, county) of the next base record of one topic. */
export class CellPicker {
  private day = Number.NaN;
  private daily: Weighted<Product> | undefined;

  constructor(
    private readonly seed: number,
    private readonly topic: Topic,
  ) {}

  pick(rng: Rng, ms: number): Cell {
    const product = this.productsOn(beijingDay(ms)).pick(rng);
    const keys = KEY_REGIONS.get(product.code);
    const regionCode = keys && rng.chance(KEY_REGION_SHARE) ? rng.pick(keys) : countyWeights().table.pick(rng);
    return { product, regionCode };
  }

  private productsOn(day: number): Weighted<Product> {
    if (day !== this.day || !this.daily) {
      const rng = new Rng(hashSeed(this.seed, this.topic, 'day', day));
      this.daily = new Weighted(products.map((p) => [p, productWeight(this.topic, p) * rng.gamma(DAILY_SHAPE, 1 / DAILY_SHAPE)]));
      this.day = day;
    }
    return this.daily;
  }
}

export type Enterprise = { creditCode?: string; name: string };

/** How many producers a cell has: dozens in a key region (Cao county had 200+), a handful elsewhere. */
export function populationSize(seed: number, productCode: string, regionCode: string): number {
  const rng = new Rng(hashSeed(seed, 'population', productCode, regionCode));
  return isKeyCell(productCode, regionCode) ? rng.int(40, 120) : rng.int(1, 6);
}

const BRANDS = [
  '宏达', '鑫源', '华兴', '金利', '永盛', '恒通', '东方', '盛世', '瑞丰', '天成', '嘉禾', '远航', '隆昌', '福瑞',
  '新兴', '佳美', '宏远', '万通', '德隆', '中联', '汇丰', '金鼎', '兴旺', '大成', '三友', '华美', '昌盛', '和顺',
];
const TRADE_BY_PRODUCT: Record<string, string> = {
  wire_cable: '电线电缆', waterproof_membrane: '防水材料', coating: '涂料', wood_panel: '木业', toy: '玩具',
  stroller: '童车', fertilizer: '肥业', liquor: '酒业', cement: '水泥', steel_rebar: '钢铁', glass: '玻璃',
  ceramic_tile: '陶瓷', tyre: '轮胎', electric_bicycle: '电动车', furniture: '家具', flooring: '地板',
  footwear: '鞋业', gasoline: '石油', diesel: '石油', lubricant: '润滑油',
};
const TRADE_BY_CATEGORY: Record<ProductCategory, string> = {
  agricultural: '农业科技', auto_part: '汽车配件', building_material: '建材', children: '儿童用品',
  electrical: '电器', food_related: '制品', fuel: '石化', household: '家居用品', safety_equipment: '防护用品',
  textile: '服饰', vehicle: '车业',
};
const LICENSED_FORMS = new Weighted<string>([['有限公司', 75], ['有限责任公司', 10], ['股份有限公司', 5], ['厂', 10]]);
const WORKSHOP_FORMS = ['加工厂', '厂', '加工作坊'];

/** Where an enterprise says it is: districts are named with their city ("汕头市澄海区"), counties alone. */
function placeName(regionCode: string): string {
  const c = county(regionCode);
  if (!c) return '';
  return c.name.endsWith('区') ? `${c.prefecture.name}${c.name}` : c.name;
}

/**
 * Enterprise number `index` of a cell. Indexes beyond populationSize are valid too: an incident
 * can bring producers into view that ordinary traffic had not mentioned yet.
 */
export function enterprise(seed: number, product: Product, regionCode: string, index: number): Enterprise {
  const rng = new Rng(hashSeed(seed, 'enterprise', product.code, regionCode, index));
  const trade = TRADE_BY_PRODUCT[product.code] ?? TRADE_BY_CATEGORY[product.category];
  const brand = rng.chance(0.15) ? '某' : rng.pick(BRANDS);
  // Unlicensed workshops are the core of regional quality problems; they have no registration
  // and so no credit code.
  const unlicensed = rng.chance(isKeyCell(product.code, regionCode) ? 0.5 : 0.08);
  if (unlicensed) return { name: `${placeName(regionCode)}${brand}${trade}${rng.pick(WORKSHOP_FORMS)}` };
  const form = LICENSED_FORMS.pick(rng);
  // 91 = enterprise registered with market regulation; 92 = individual business (个体工商户).
  const kind = form === '厂' && rng.chance(0.5) ? '92' : '91';
  let org = rng.chance(0.6) ? 'MA' : '';
  while (org.length < 9) org += CREDIT_CODE_ALPHABET[rng.int(0, org.startsWith('MA') ? 30 : 9)];
  return { creditCode: makeCreditCode(kind + regionCode + org), name: `${placeName(regionCode)}${brand}${trade}${form}` };
}
