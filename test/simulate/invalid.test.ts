import { describe, expect, it } from 'vitest';
import { productByCode, isProductCode } from '../../services/domain/catalog.ts';
import { CallerPool, hotlineRecord, mediaRecord, spotcheckRecord, type JsonRecord } from '../../services/simulate/generators.ts';
import { corrupt, UNKNOWN_PRODUCT_CODES } from '../../services/simulate/invalid.ts';
import { Rng } from '../../services/simulate/rng.ts';
import type { Topic } from '../../services/simulate/types.ts';
import { rejection } from './contract-checker.ts';

const MS = Date.parse('2026-11-20T08:31:00+08:00');
const NOW = MS + 3_600_000;
const FUTURE = NOW + 5 * 86_400_000;

function record(rng: Rng, topic: Topic, seq: number): JsonRecord {
  const ctx = { seed: 1, seq, ms: MS, cell: { product: productByCode('waterproof_membrane')!, regionCode: '130184' } };
  if (topic === 'hotline') return hotlineRecord(rng, ctx, new CallerPool(), false);
  if (topic === 'media') return mediaRecord(rng, ctx);
  return spotcheckRecord(rng, ctx);
}

// What the independent contract checker should say for each kind of damage.
function expectedRejection(reason: string): string {
  const [kind, field] = reason.split(':');
  switch (kind) {
    case 'not_json': return 'not_json';
    case 'invalid_utf8': return 'not_utf8';
    case 'too_deep': return 'too_deep';
    case 'missing_required': return `missing:${field}`;
    case 'unknown_product': return 'invalid:productCode';
    case 'unknown_region': return 'invalid:regionCode';
    case 'bad_enum': return `invalid:${field}`;
    case 'sentiment_out_of_range': return 'invalid:sentiment';
    case 'future_timestamp': return `invalid:${field}`;
    case 'fail_without_failed_items': return 'fail_without_failed_items';
    default: throw new Error(`unexpected reason ${reason}`);
  }
}

describe('corrupt', () => {
  for (const topic of ['hotline', 'media', 'spotcheck'] as const) {
    it(`breaks exactly the rule it names, for ${topic}`, () => {
      const rng = new Rng(11);
      const seen = new Set<string>();
      for (let i = 0; i < 2000; i++) {
        const original = record(rng, topic, i);
        expect(rejection(topic, Buffer.from(JSON.stringify(original)), NOW)).toBeUndefined();
        const { value, reason } = corrupt(rng, topic, original, FUTURE);
        expect(rejection(topic, value, NOW), reason).toBe(expectedRejection(reason));
        seen.add(reason.split(':')[0]!);
      }
      const expected = ['not_json', 'invalid_utf8', 'missing_required', 'unknown_product', 'bad_enum', 'future_timestamp', 'too_deep'];
      if (topic !== 'media') expected.push('unknown_region');
      if (topic === 'media') expected.push('sentiment_out_of_range');
      if (topic === 'spotcheck') expected.push('fail_without_failed_items');
      expect([...seen].sort()).toEqual(expected.sort());
    });
  }

  it('removes the id from the record when it drops it, so the key can follow', () => {
    const rng = new Rng(12);
    for (let i = 0; i < 500; i++) {
      const r = record(rng, 'hotline', i);
      const { reason } = corrupt(rng, 'hotline', r, FUTURE);
      if (reason === 'missing_required:id') return expect(r.id).toBeUndefined();
    }
    throw new Error('no missing id in 500 tries');
  });

  it('uses unknown product codes that really are not in the catalog', () => {
    expect(UNKNOWN_PRODUCT_CODES.filter(isProductCode)).toEqual([]);
  });
});
