import { describe, expect, it } from 'vitest';
import { feedSchemasV1, feeds, type Feed } from '../../schemas/feeds/v1/index.ts';
import { plainValidatorsV1 } from '../../schemas/feeds/v1/plain.ts';
import { simulate } from '../../services/simulate/index.ts';
import { hotlineRecord, mediaRecord, spotcheckRecord } from '../support/fixtures.ts';

// The hand-written fast path must agree with the zod schemas it stands in for: whatever it
// accepts, zod accepts with the same normalised record; whatever zod rejects, it declines. It may
// decline what zod accepts (that message just takes the slower path), but on ordinary traffic it
// should not, or it would be no faster.

const START = new Date('2026-11-16T00:00:00+08:00');
const NOW = START.getTime() + 10 * 86_400_000;
const ctx = { now: () => NOW };
const zod = { hotline: feedSchemasV1.hotline(ctx), media: feedSchemasV1.media(ctx), spotcheck: feedSchemasV1.spotcheck(ctx) };
const plain = plainValidatorsV1(ctx);

type Outcome = { feed: Feed; fast: unknown; reference: { success: boolean; data?: unknown } };

function both(feed: Feed, json: Record<string, unknown>): Outcome {
  return { feed, fast: plain[feed](json), reference: zod[feed].safeParse(json) };
}

function expectAgreement(o: Outcome, what: string) {
  if (o.fast !== undefined) {
    expect(o.reference.success, `${what}: fast path accepted what zod rejects`).toBe(true);
    expect(o.fast, what).toStrictEqual(stripUndefined(o.reference.data));
  }
}

/** zod leaves absent optional keys out or sets them undefined depending on the schema; compare values only. */
function stripUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripUndefined);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, stripUndefined(x)]));
}

const sample = (() => {
  const out: { topic: Feed; value: Buffer; valid: boolean }[] = [];
  for (const m of simulate({ seed: 7, start: START, durationSeconds: 3 * 86_400, ratePerSecond: 0.2, invalidRate: 0.25, incidents: [], now: new Date(NOW) })) {
    out.push({ topic: m.topic, value: m.value, valid: m.valid });
    if (out.length === 20_000) break;
  }
  return out;
})();

describe('plain validators agree with the zod schemas', () => {
  it('on simulator output, valid and invalid, with every timestamp form and label', () => {
    let fastValid = 0;
    let valid = 0;
    for (const m of sample) {
      let json: unknown;
      try {
        json = JSON.parse(m.value.toString('utf8'));
      } catch {
        continue;
      }
      if (json === null || typeof json !== 'object' || Array.isArray(json)) continue;
      const o = both(m.topic, json as Record<string, unknown>);
      expectAgreement({ ...o, fast: o.fast === undefined ? undefined : stripUndefined(o.fast) }, `${m.topic} ${m.value.toString('utf8').slice(0, 200)}`);
      if (o.reference.success) valid++;
      if (o.fast !== undefined) fastValid++;
    }
    expect(valid).toBeGreaterThan(10_000);
    // The fast path takes nearly all valid traffic (it declines only rare shapes, e.g. null array items).
    expect(fastValid / valid).toBeGreaterThan(0.99);
  });

  const variants: [Feed, Record<string, unknown>][] = [
    ['hotline', hotlineRecord(1)],
    ['hotline', hotlineRecord(2, { channel: null, harm: undefined, kind: '投诉', issue: '质量缺陷', receivedAt: '2026-11-17T08:31:00+08:00' })],
    ['hotline', hotlineRecord(3, { channel: '', receivedAt: '2026-11-17 08:31' })],
    ['hotline', hotlineRecord(4, { receivedAt: ' 2026-11-17T08:31:00.123456Z ' })],
    ['hotline', hotlineRecord(5, { receivedAt: '2026-02-30 08:00:00' })],
    ['hotline', hotlineRecord(6, { receivedAt: '2026-12-25T08:00:00+08:00' })],
    ['hotline', hotlineRecord(7, { regionCode: '130184102000', enterprise: { creditCode: '91130184ma07l8xq45' } })],
    ['hotline', hotlineRecord(8, { enterprise: { creditCode: '91130184MA07L8XQ46', name: null } })],
    ['hotline', hotlineRecord(9, { enterprise: [] })],
    ['hotline', hotlineRecord(10, { complainant: null, description: 'x'.repeat(4001) })],
    ['hotline', hotlineRecord(11, { complainant: { phone: 13800138000 } })],
    ['hotline', hotlineRecord(12, { id: '' })],
    ['hotline', hotlineRecord(13, { productCode: ' toy' })],
    ['hotline', hotlineRecord(14, { regionCode: ' 130184 ' })],
    ['hotline', hotlineRecord(15, { extra: { deep: [1, 2, 3] } })],
    ['media', mediaRecord(1)],
    ['media', mediaRecord(2, { regionCodes: ['130184', '130184102000', '130102'], enterpriseCreditCodes: ['91130184ma07l8xq45', 'bad'] })],
    ['media', mediaRecord(3, { enterpriseCreditCodes: [null], reach: null, exposure: null, url: null })],
    ['media', mediaRecord(4, { sentiment: -1, reach: 0 })],
    ['media', mediaRecord(5, { sentiment: 1.0001 })],
    ['media', mediaRecord(6, { reach: 1.5 })],
    ['media', mediaRecord(7, { reach: -1 })],
    ['media', mediaRecord(8, { exposure: 'true' })],
    ['media', mediaRecord(9, { regionCodes: Array.from({ length: 51 }, () => '130184') })],
    ['media', mediaRecord(10, { sourceType: '新闻', source: '' })],
    ['media', mediaRecord(11, { publishedAt: '2026-11-17' })],
    ['spotcheck', spotcheckRecord(1)],
    ['spotcheck', spotcheckRecord(2, { result: '合格', failedItems: [] })],
    ['spotcheck', spotcheckRecord(3, { result: 'pass' })],
    ['spotcheck', spotcheckRecord(4, { failedItems: [] })],
    ['spotcheck', spotcheckRecord(5, { failedItems: [{ item: 'x', hazard: 'safety', extra: 1 }] })],
    ['spotcheck', spotcheckRecord(6, { failedItems: [{ item: 'x', hazard: '安全' }] })],
    ['spotcheck', spotcheckRecord(7, { enterprise: null })],
    ['spotcheck', spotcheckRecord(8, { publishedAt: null, sampledAt: '2026-11-03', level: '省级' })],
    ['spotcheck', spotcheckRecord(9, { publishedAt: 'yesterday' })],
  ];

  it.each(variants.map(([feed, json], i) => [i, feed, json] as const))('variant %i (%s)', (_, feed, json) => {
    const o = both(feed, JSON.parse(JSON.stringify(json)) as Record<string, unknown>);
    expectAgreement({ ...o, fast: o.fast === undefined ? undefined : stripUndefined(o.fast) }, JSON.stringify(json));
  });

  it('accepts the ordinary variants itself', () => {
    for (const i of [0, 1, 3, 6, 7, 13, 14, 15, 16, 18, 24, 25, 26, 27, 30, 33]) {
      const [feed, json] = variants[i]!;
      expect(plain[feed](JSON.parse(JSON.stringify(json)) as Record<string, unknown>), `variant ${i}`).toBeDefined();
    }
  });

  it('covers every feed', () => {
    expect(Object.keys(plain).sort()).toEqual([...feeds].sort());
  });
});
