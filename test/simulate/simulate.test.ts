import { describe, expect, it } from 'vitest';
import { normalizeCreditCode } from '../../services/domain/credit-code.ts';
import { normalizeRegionCode } from '../../services/domain/regions.ts';
import { simulate } from '../../services/simulate/index.ts';
import type { SimMessage, SimOptions } from '../../services/simulate/types.ts';
import { contractTime, rejection } from './contract-checker.ts';

const START = new Date('2026-11-16T00:00:00+08:00'); // a Monday in Beijing
const base: SimOptions = { seed: 42, start: START, durationSeconds: 86_400, ratePerSecond: 0.5, invalidRate: 0.1, incidents: [] };

function first(n: number, opts: SimOptions): SimMessage[] {
  const out: SimMessage[] = [];
  for (const m of simulate(opts)) {
    out.push(m);
    if (out.length === n) break;
  }
  return out;
}

const fingerprint = (ms: SimMessage[]) =>
  ms.map((m) => `${m.topic}|${m.key}|${m.time.toISOString()}|${m.valid}|${m.invalidReason ?? ''}|${m.value.toString('base64')}`).join('\n');

const parse = (m: SimMessage) => JSON.parse(m.value.toString('utf8')) as Record<string, any>;

// One larger sample shared by the checks below: 20k messages over about 11 days.
const SAMPLE_OPTS: SimOptions = { ...base, durationSeconds: 30 * 86_400, ratePerSecond: 0.02 };
const sample = first(20_000, SAMPLE_OPTS);
const endMs = START.getTime() + SAMPLE_OPTS.durationSeconds * 1000;
const valid = sample.filter((m) => m.valid);

describe('simulate', () => {
  it('is byte-identical for the same seed and options, and differs for another seed', () => {
    const a = fingerprint(first(3000, base));
    expect(fingerprint(first(3000, base))).toBe(a);
    expect(fingerprint(first(3000, { ...base, seed: 43 }))).not.toBe(a);
  });

  it('emits messages in time order within the window', () => {
    for (let i = 1; i < sample.length; i++) expect(sample[i]!.time >= sample[i - 1]!.time).toBe(true);
    expect(sample[0]!.time.getTime()).toBeGreaterThanOrEqual(START.getTime());
    expect(sample.at(-1)!.time.getTime()).toBeLessThan(endMs);
  });

  it('splits the feeds about 70/25/5', () => {
    const share = (t: string) => sample.filter((m) => m.topic === t).length / sample.length;
    expect(share('hotline')).toBeCloseTo(0.7, 1);
    expect(share('media')).toBeCloseTo(0.25, 1);
    expect(share('spotcheck')).toBeGreaterThan(0.03);
    expect(share('spotcheck')).toBeLessThan(0.07);
  });

  it('makes the requested share of messages invalid', () => {
    const invalidShare = sample.filter((m) => !m.valid).length / sample.length;
    // Binomial sd at n = 20,000 and p = 0.1 is 0.0021.
    expect(Math.abs(invalidShare - 0.1)).toBeLessThan(0.01);
  });

  it('emits only contract-valid messages when invalidRate is 0', () => {
    const clean = first(3000, { ...base, invalidRate: 0 });
    expect(clean.every((m) => m.valid)).toBe(true);
  });

  it('emits valid messages that satisfy every rule of the contract', () => {
    const problems = valid.map((m) => rejection(m.topic, m.value, endMs)).filter((p) => p !== undefined);
    expect(problems).toEqual([]);
  });

  it('emits invalid messages that the contract rejects, with a reason', () => {
    const invalid = sample.filter((m) => !m.valid);
    expect(invalid.length).toBeGreaterThan(1000);
    const accepted = invalid.filter((m) => rejection(m.topic, m.value, endMs) === undefined);
    expect(accepted.map((m) => m.invalidReason)).toEqual([]);
    const kinds = new Set(invalid.map((m) => m.invalidReason!.split(':')[0]));
    expect([...kinds].sort()).toEqual([
      'bad_enum', 'fail_without_failed_items', 'future_timestamp', 'invalid_utf8', 'missing_required', 'not_json',
      'sentiment_out_of_range', 'too_deep', 'unknown_product', 'unknown_region',
    ]);
  });

  it('uses the record id as key, sometimes empty, and ids are unique', () => {
    const ids = valid.map((m) => parse(m).id as string);
    expect(new Set(ids).size).toBe(ids.length);
    const keyed = valid.filter((m) => m.key !== '');
    expect(keyed.every((m) => m.key === parse(m).id)).toBe(true);
    const emptyShare = 1 - keyed.length / valid.length;
    expect(emptyShare).toBeGreaterThan(0.01);
    expect(emptyShare).toBeLessThan(0.06);
  });

  it('stamps each record with the message time', () => {
    for (const m of valid) {
      const r = parse(m);
      const field = m.topic === 'hotline' ? 'receivedAt' : 'publishedAt';
      if (r[field] != null) expect(contractTime(r[field])).toBe(m.time.getTime());
      if (m.topic === 'spotcheck') expect(contractTime(r.sampledAt)).toBeLessThan(m.time.getTime() - 2 * 86_400_000);
    }
  });

  it('mixes every variant the contract allows', () => {
    const records = valid.map((m) => ({ topic: m.topic, r: parse(m) }));
    const hotline = records.filter((x) => x.topic === 'hotline').map((x) => x.r);
    const media = records.filter((x) => x.topic === 'media').map((x) => x.r);
    const spot = records.filter((x) => x.topic === 'spotcheck').map((x) => x.r);
    const timestamps = [...hotline.map((r) => r.receivedAt), ...media.map((r) => r.publishedAt)] as string[];
    const styles = {
      offset: /\+08:00$/, utc: /:\d{2}Z$/, utcMs: /\.\d{3}Z$/, localSpace: /^\S+ \d{2}:\d{2}:\d{2}$/, localT: /T\d{2}:\d{2}:\d{2}$/,
    };
    for (const [style, re] of Object.entries(styles)) {
      expect(timestamps.filter((t) => re.test(t)).length, style).toBeGreaterThan(100);
    }
    expect(spot.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.sampledAt)).length).toBeGreaterThan(50);

    const zhShare = hotline.filter((r) => /[\u4e00-\u9fff]/.test(r.kind)).length / hotline.length;
    expect(zhShare).toBeGreaterThan(0.25);
    expect(zhShare).toBeLessThan(0.35);
    expect(media.some((r) => /[\u4e00-\u9fff]/.test(r.sourceType))).toBe(true);
    expect(spot.some((r) => r.level === '省级') && spot.some((r) => r.result === '合格')).toBe(true);

    expect(hotline.filter((r) => r.regionCode.length === 12).length).toBeGreaterThan(100);
    const codes = [...hotline, ...spot].map((r) => r.enterprise?.creditCode).filter((c): c is string => typeof c === 'string');
    expect(codes.some((c) => c !== c.toUpperCase() && normalizeCreditCode(c))).toBe(true);
    // Typos: allowed by the contract (the record is kept without the enterprise link), and rare.
    const typos = codes.filter((c) => !normalizeCreditCode(c)).length / codes.length;
    expect(typos).toBeGreaterThan(0);
    expect(typos).toBeLessThan(0.03);

    expect(hotline.some((r) => r.channel === null)).toBe(true);
    expect(hotline.some((r) => !('channel' in r))).toBe(true);
  });

  it('gives enterprises a stable identity: one credit code, one name, in its own county', () => {
    const nameOf = new Map<string, string>();
    for (const m of valid) {
      const r = parse(m);
      const e = r.enterprise;
      const code = typeof e?.creditCode === 'string' ? normalizeCreditCode(e.creditCode) : undefined;
      if (!code || typeof e.name !== 'string') continue;
      expect(nameOf.get(code) ?? e.name).toBe(e.name);
      nameOf.set(code, e.name);
      expect(code.slice(2, 8)).toBe(normalizeRegionCode(r.regionCode));
    }
    expect(nameOf.size).toBeGreaterThan(1000);
  });

  it('has repeat callers and realistic mobile numbers', () => {
    const phones = valid.filter((m) => m.topic === 'hotline').map((m) => parse(m).complainant?.phone).filter(Boolean) as string[];
    expect(phones.every((p) => /^1[3-9]\d{9}$/.test(p))).toBe(true);
    const repeats = phones.length - new Set(phones).size;
    expect(repeats / phones.length).toBeGreaterThan(0.05);
    expect(repeats / phones.length).toBeLessThan(0.3);
  });

  it('gives the key regions of the domain brief heavy activity for their products', () => {
    const membrane = valid.map(parse).filter((r) => r.productCode === 'waterproof_membrane' && r.regionCode);
    const inXinle = membrane.filter((r) => normalizeRegionCode(r.regionCode) === '130184').length;
    expect(inXinle / membrane.length).toBeGreaterThan(0.08);
  });

  it('has fewer complaints at weekends and at night', () => {
    const byDay = new Map<number, number>();
    const byHour = new Array<number>(24).fill(0);
    const fourWeeks = simulate({ ...base, durationSeconds: 28 * 86_400, ratePerSecond: 0.02, invalidRate: 0 });
    for (const m of fourWeeks) {
      if (m.topic !== 'hotline') continue;
      const local = m.time.getTime() + 8 * 3_600_000;
      const weekday = (Math.floor(local / 86_400_000) + 3) % 7; // 0 = Monday
      byDay.set(weekday, (byDay.get(weekday) ?? 0) + 1);
      byHour[new Date(local).getUTCHours()]!++;
    }
    const weekdays = [0, 1, 2, 3, 4].map((d) => byDay.get(d)!);
    const weekend = [5, 6].map((d) => byDay.get(d)!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(weekend) / mean(weekdays)).toBeLessThan(0.7);
    expect(mean(weekend) / mean(weekdays)).toBeGreaterThan(0.35);
    expect(byHour[10]! / byHour[3]!).toBeGreaterThan(10);
  });

  it('refuses options that cannot be honoured', () => {
    expect(() => first(1, { ...base, invalidRate: 1.5 })).toThrow(RangeError);
    expect(() => first(1, { ...base, ratePerSecond: -1 })).toThrow(RangeError);
    expect(() => first(1, { ...base, now: new Date(START.getTime() - 86_400_000) })).toThrow(/future/);
    const incident = { kind: 'complaint_surge', productCode: 'toy', regionCode: '440515', start: START, durationHours: 1, intensity: 2 } as const;
    expect(() => first(1, { ...base, incidents: [{ ...incident, productCode: 'toys' }] })).toThrow(/toys/);
    expect(() => first(1, { ...base, incidents: [{ ...incident, regionCode: '440500' }] })).toThrow(/440500/);
    expect(() => first(1, { ...base, incidents: [{ ...incident, intensity: 0 }] })).toThrow(/intensity/);
  });

  it('puts future-dated timestamps more than a day after `now` when given', () => {
    const now = new Date(START.getTime() + 86_400_000);
    const future = first(20_000, { ...base, invalidRate: 0.5, now }).filter((m) => m.invalidReason?.startsWith('future_timestamp'));
    expect(future.length).toBeGreaterThan(100);
    for (const m of future) {
      const r = parse(m);
      const ms = contractTime(m.topic === 'hotline' ? r.receivedAt : m.topic === 'media' ? r.publishedAt : r.sampledAt);
      expect(ms).toBeGreaterThan(now.getTime() + 86_400_000);
      expect(ms).toBeLessThan(now.getTime() + 31 * 86_400_000);
    }
  });
});
