import { z } from 'zod';
import raw from '../../schemas/catalog/products.json' with { type: 'json' };

// The catalog is data edited by hand; validating it at import time means a typo (duplicate code,
// unknown hazard, a fail rate of 12 instead of 0.12) stops every service at start-up instead of
// silently mis-scoring one product.
const failedItemSchema = z.object({
  item: z.string().min(1).max(200),
  hazard: z.enum(['safety', 'performance', 'labeling']),
});

const productSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, 'lower snake_case ASCII'),
  nameZh: z.string().min(1),
  nameEn: z.string().min(1),
  category: z.enum([
    'agricultural',
    'auto_part',
    'building_material',
    'children',
    'electrical',
    'food_related',
    'fuel',
    'household',
    'safety_equipment',
    'textile',
    'vehicle',
  ]),
  // A = highest risk: graded supervision gives these the most attention.
  riskGrade: z.enum(['A', 'B', 'C']),
  typicalFailedItems: z.array(failedItemSchema).min(3).max(6),
  // Prior fail rate of 监督抽查 samples, the baseline a county's observed rate is compared to.
  nationalFailRate: z.number().gt(0).lt(1),
});

export const catalogSchema = z
  .array(productSchema)
  .min(1)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((p, i) => {
      if (seen.has(p.code)) {
        ctx.addIssue({ code: 'custom', message: `duplicate product code ${p.code}`, path: [i, 'code'] });
      }
      seen.add(p.code);
    });
  });

export type Product = z.infer<typeof productSchema>;
export type ProductCategory = Product['category'];

function load(data: unknown): readonly Product[] {
  const parsed = catalogSchema.safeParse(data);
  if (!parsed.success) {
    throw new Error(`schemas/catalog/products.json is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  return Object.freeze(parsed.data.map((p) => Object.freeze(p)));
}

export const products: readonly Product[] = load(raw);

const byCode = new Map(products.map((p) => [p.code, p]));

export function productByCode(code: string): Product | undefined {
  return byCode.get(code);
}

export function isProductCode(code: string): boolean {
  return byCode.has(code);
}
