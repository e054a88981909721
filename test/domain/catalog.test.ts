import { describe, expect, it } from 'vitest';
import raw from '../../schemas/catalog/products.json' with { type: 'json' };
import { catalogSchema, isProductCode, productByCode, products } from '../../services/domain/catalog.ts';

// Every product domain.md names as a priority, one code each (auto parts, fuels and appliance
// sizes separately), plus the codes the feed contract quotes.
const REQUIRED = [
  'wire_cable', 'waterproof_membrane', 'coating', 'wood_panel', 'toy', 'fertilizer',
  'drip_irrigation_tape', 'agricultural_film', 'farm_machinery_part', 'cement', 'glass',
  'wall_material', 'insulation_material', 'sintered_brick', 'cement_water_pipe', 'steel_rebar',
  'liquor', 'small_appliance', 'large_appliance', 'energy_saving_lamp', 'electric_motor',
  'water_saving_product', 'furniture', 'flooring', 'textile', 'clothing', 'food_contact_product',
  'electric_bicycle', 'brake_lining', 'auto_filter', 'turbocharger', 'auto_battery', 'auto_lamp',
  'bearing', 'tyre', 'gasoline', 'diesel',
];

describe('product catalog', () => {
  it('covers every priority product of the domain brief and the contract', () => {
    expect(REQUIRED.filter((code) => !isProductCode(code))).toEqual([]);
  });

  it('has 45–60 products with unique snake_case codes', () => {
    expect(products.length).toBeGreaterThanOrEqual(45);
    expect(products.length).toBeLessThanOrEqual(60);
    expect(new Set(products.map((p) => p.code)).size).toBe(products.length);
  });

  it('looks products up by code', () => {
    const p = productByCode('wire_cable');
    expect(p?.nameZh).toBe('电线电缆');
    expect(p?.typicalFailedItems.map((i) => i.item)).toContain('导体电阻');
    expect(productByCode('Wire_Cable')).toBeUndefined();
    expect(isProductCode('solar_panel')).toBe(false);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(products)).toBe(true);
    expect(Object.isFrozen(products[0])).toBe(true);
  });

  it('rejects a catalog with a duplicate code, a bad hazard or an impossible fail rate', () => {
    const first = raw[0]!;
    expect(catalogSchema.safeParse([...raw, first]).success).toBe(false);
    expect(
      catalogSchema.safeParse([{ ...first, typicalFailedItems: [...first.typicalFailedItems.slice(0, 2), { item: 'x', hazard: 'fatal' }] }]).success,
    ).toBe(false);
    expect(catalogSchema.safeParse([{ ...first, nationalFailRate: 12 }]).success).toBe(false);
    expect(catalogSchema.safeParse([{ ...first, code: 'Wire-Cable' }]).success).toBe(false);
    expect(catalogSchema.safeParse(raw).success).toBe(true);
  });
});
