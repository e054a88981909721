import { describe, expect, it } from 'vitest';
import { productByCode, products } from '../../services/domain/catalog.ts';
import { normalizeCreditCode } from '../../services/domain/credit-code.ts';
import { counties } from '../../services/domain/regions.ts';
import {
  cellShare,
  CellPicker,
  countiesOfPrefecture,
  enterprise,
  KEY_REGIONS,
  populationSize,
} from '../../services/simulate/population.ts';
import { Rng } from '../../services/simulate/rng.ts';

const membrane = productByCode('waterproof_membrane')!;

describe('enterprises', () => {
  it('are the same for a seed, cell and index, whenever asked', () => {
    expect(enterprise(1, membrane, '130184', 3)).toEqual(enterprise(1, membrane, '130184', 3));
    expect(enterprise(1, membrane, '130184', 3)).not.toEqual(enterprise(2, membrane, '130184', 3));
  });

  it('carry valid credit codes registered in their county, and local names', () => {
    const list = Array.from({ length: 200 }, (_, i) => enterprise(9, membrane, '130184', i));
    const registered = list.filter((e) => e.creditCode);
    expect(registered.length).toBeGreaterThan(50);
    for (const e of registered) {
      expect(normalizeCreditCode(e.creditCode!)).toBe(e.creditCode);
      expect(e.creditCode!.slice(2, 8)).toBe('130184');
      expect(['91', '92']).toContain(e.creditCode!.slice(0, 2));
    }
    expect(list.every((e) => e.name.startsWith('新乐市'))).toBe(true);
    expect(list.some((e) => e.name.endsWith('防水材料有限公司'))).toBe(true);
  });

  it('are often unlicensed, without a credit code, in a key region', () => {
    const inKey = Array.from({ length: 400 }, (_, i) => enterprise(9, membrane, '130184', i)).filter((e) => !e.creditCode).length;
    const elsewhere = Array.from({ length: 400 }, (_, i) => enterprise(9, membrane, '110105', i)).filter((e) => !e.creditCode).length;
    expect(inKey / 400).toBeGreaterThan(0.35);
    expect(elsewhere / 400).toBeLessThan(0.15);
  });

  it('name districts with their city', () => {
    expect(enterprise(1, productByCode('toy')!, '440515', 0).name.startsWith('汕头市澄海区')).toBe(true);
  });

  it('are many in a key region and few elsewhere', () => {
    for (const [product, regions] of KEY_REGIONS) {
      for (const region of regions) expect(populationSize(1, product, region)).toBeGreaterThanOrEqual(40);
    }
    expect(populationSize(1, 'waterproof_membrane', '110105')).toBeLessThanOrEqual(6);
  });
});

describe('cells', () => {
  it('have shares that add up to 1 over all products and counties', () => {
    let total = 0;
    for (const p of products) for (const c of counties()) total += cellShare('hotline', p.code, c);
    expect(total).toBeCloseTo(1, 6);
    expect(cellShare('hotline', 'no_such_product', '130184')).toBe(0);
  });

  it('are drawn in line with their shares, the key regions heavily', () => {
    const picker = new CellPicker(1, 'spotcheck');
    const rng = new Rng(1);
    let xinle = 0;
    let membranes = 0;
    const start = Date.parse('2026-11-16T00:00:00+08:00');
    // Spread over 100 days, so the day-to-day variation of product shares averages out.
    for (let day = 0; day < 100; day++) {
      for (let i = 0; i < 1000; i++) {
        const cell = picker.pick(rng, start + day * 86_400_000);
        if (cell.product.code !== 'waterproof_membrane') continue;
        membranes++;
        if (cell.regionCode === '130184') xinle++;
      }
    }
    const productShare = counties().reduce((sum, c) => sum + cellShare('spotcheck', 'waterproof_membrane', c), 0);
    expect(membranes / 100_000 / productShare).toBeGreaterThan(0.85);
    expect(membranes / 100_000 / productShare).toBeLessThan(1.15);
    // Half of the 30 % key-region share goes to each of Xinle and Taizihe.
    expect(cellShare('spotcheck', 'waterproof_membrane', '130184') / productShare).toBeCloseTo(0.15, 2);
    expect(xinle / membranes).toBeCloseTo(0.15, 1);
  });

  it('know the counties of a prefecture', () => {
    const shijiazhuang = countiesOfPrefecture('130184');
    expect(shijiazhuang).toContain('130184');
    expect(shijiazhuang).toContain('130102');
    expect(shijiazhuang.every((c) => c.startsWith('1301'))).toBe(true);
  });
});
