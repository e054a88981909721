import { describe, expect, it } from 'vitest';
import { productByCode } from '../../services/domain/catalog.ts';
import { normalizeCreditCode } from '../../services/domain/credit-code.ts';
import {
  BIG_OUTLETS,
  CallerPool,
  exposeRecord,
  followUpRecord,
  hotlineRecord,
  spotcheckRecord,
} from '../../services/simulate/generators.ts';
import { Rng } from '../../services/simulate/rng.ts';
import { contractTime, rejection } from './contract-checker.ts';

const MS = Date.parse('2026-11-20T10:00:00+08:00');
const toy = productByCode('toy')!;
const ctx = (seq: number) => ({ seed: 3, seq, ms: MS, cell: { product: toy, regionCode: '440515' } });
const safetyItems = new Set(toy.typicalFailedItems.filter((i) => i.hazard === 'safety').map((i) => i.item));

describe('hotlineRecord', () => {
  it('builds ids from prefecture, Beijing date and sequence', () => {
    const r = hotlineRecord(new Rng(1), ctx(123), new CallerPool(), false);
    expect(r.id).toBe('12365-4405-20261120-000123');
  });

  it('puts many more safety hazards in a surge', () => {
    const rng = new Rng(2);
    const callers = new CallerPool();
    const safetyShare = (surge: boolean) => {
      let n = 0;
      for (let i = 0; i < 2000; i++) if (['safety_hazard', '安全隐患'].includes(hotlineRecord(rng, ctx(i), callers, surge).issue as string)) n++;
      return n / 2000;
    };
    expect(safetyShare(true)).toBeGreaterThan(3 * safetyShare(false));
  });

  it('sometimes leaves the caller phone in the free text, as real tickets do', () => {
    const rng = new Rng(3);
    const callers = new CallerPool();
    const leaks = Array.from({ length: 3000 }, (_, i) => hotlineRecord(rng, ctx(i), callers, false)).filter(
      (r) => typeof r.description === 'string' && /1[3-9]\d{9}/.test(r.description),
    );
    expect(leaks.length).toBeGreaterThan(20);
  });
});

describe('CallerPool', () => {
  it('brings back earlier callers about one time in eight', () => {
    const rng = new Rng(4);
    const pool = new CallerPool();
    const phones = Array.from({ length: 5000 }, () => pool.next(rng).phone);
    const repeats = 1 - new Set(phones).size / phones.length;
    expect(repeats).toBeGreaterThan(0.09);
    expect(repeats).toBeLessThan(0.15);
  });
});

describe('spotcheckRecord', () => {
  it('fails with at least one safety item, provincial and published, when told to', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const r = spotcheckRecord(rng, ctx(i), { enterpriseIndex: i % 7, failing: true });
      expect(['fail', '不合格']).toContain(r.result);
      expect(['provincial', '省级']).toContain(r.level);
      expect((r.failedItems as { item: string }[]).some((f) => safetyItems.has(f.item))).toBe(true);
      expect(contractTime(r.publishedAt)).toBe(MS);
    }
  });

  it('fails about as often as the prior says, more in a key region', () => {
    const rng = new Rng(6);
    let fails = 0;
    for (let i = 0; i < 4000; i++) {
      const r = spotcheckRecord(rng, ctx(i));
      if (r.result === 'fail' || r.result === '不合格') fails++;
      else expect(r.failedItems).toEqual([]);
    }
    // Chenghai is a key toy region (×2), and half its producers are unlicensed (×2 again).
    const rate = fails / 4000;
    expect(rate).toBeGreaterThan(2 * toy.nationalFailRate);
    expect(rate).toBeLessThan(4 * toy.nationalFailRate);
  });
});

describe('exposeRecord and followUpRecord', () => {
  it('make a big-outlet exposé and negative posts, both contract-valid', () => {
    const rng = new Rng(7);
    const e = exposeRecord(rng, ctx(1), 10);
    expect(e.exposure).toBe(true);
    expect(BIG_OUTLETS).toContain(e.source);
    expect(e.reach as number).toBeGreaterThanOrEqual(1_000_000);
    expect(e.sentiment as number).toBeLessThanOrEqual(-0.7);
    for (const code of e.enterpriseCreditCodes as string[]) expect(normalizeCreditCode(code)?.slice(2, 8) ?? '440515').toBe('440515');
    expect(rejection('media', Buffer.from(JSON.stringify(e)), MS)).toBeUndefined();
    for (let i = 0; i < 200; i++) {
      const f = followUpRecord(rng, ctx(i));
      expect(f.sentiment as number).toBeLessThan(0);
      expect(f.exposure === true).toBe(false);
      expect(rejection('media', Buffer.from(JSON.stringify(f)), MS)).toBeUndefined();
    }
  });
});
