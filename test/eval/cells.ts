import { products } from '../../services/domain/catalog.ts';
import { counties } from '../../services/domain/regions.ts';
import type { Rng } from '../../services/simulate/rng.ts';

// Where the series of one events file live. Each series gets a (product, region) of its own, and no
// two series share a product within a province: the prefecture and province rollups then never add
// two series together (except in the diffuse scenario, which asks for exactly that), so every series
// is scored on its own as if it were the only one.

export type CountyCell = { productCode: string; regionCode: string };
export type PrefectureCell = { productCode: string; prefectureCode: string; counties: string[] };

export class Cells {
  private readonly used = new Set<string>();
  private readonly byPrefecture = new Map<string, string[]>();

  constructor(private readonly rng: Rng) {
    for (const code of counties()) {
      const list = this.byPrefecture.get(code.slice(0, 4)) ?? [];
      list.push(code);
      this.byPrefecture.set(code.slice(0, 4), list);
    }
  }

  county(): CountyCell {
    for (;;) {
      const productCode = this.rng.pick(products).code;
      const regionCode = this.rng.pick(counties());
      if (this.claim(productCode, regionCode)) return { productCode, regionCode };
    }
  }

  /** A whole prefecture with at least `minCounties` county-level divisions (up to `maxCounties` of them). */
  prefecture(minCounties: number, maxCounties: number): PrefectureCell {
    const candidates = [...this.byPrefecture].filter(([, list]) => list.length >= minCounties);
    for (;;) {
      const productCode = this.rng.pick(products).code;
      const [prefectureCode, list] = this.rng.pick(candidates);
      if (this.claim(productCode, prefectureCode)) return { productCode, prefectureCode, counties: list.slice(0, maxCounties) };
    }
  }

  private claim(productCode: string, regionCode: string): boolean {
    const key = `${productCode}|${regionCode.slice(0, 2)}`;
    if (this.used.has(key)) return false;
    this.used.add(key);
    return true;
  }
}
