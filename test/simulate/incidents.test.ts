import { describe, expect, it } from 'vitest';
import { productByCode } from '../../services/domain/catalog.ts';
import { normalizeRegionCode } from '../../services/domain/regions.ts';
import { parseIncident, simulate } from '../../services/simulate/index.ts';
import type { Incident, SimMessage, SimOptions } from '../../services/simulate/types.ts';
import { contractTime } from './contract-checker.ts';

const START = new Date('2026-11-16T00:00:00+08:00');
const DEFAULT_START = new Date('2026-11-18T00:00:00+08:00');

describe('parseIncident', () => {
  it('fills in the defaults', () => {
    expect(parseIncident('complaint_surge:waterproof_membrane:130184', DEFAULT_START)).toEqual({
      kind: 'complaint_surge',
      productCode: 'waterproof_membrane',
      regionCode: '130184',
      start: DEFAULT_START,
      durationHours: 48,
      intensity: 10,
    });
  });

  it('reads options, including a start whose colons are part of the time', () => {
    const i = parseIncident('media_expose:toy:440515:start=2026-11-20T08:30:00+08:00:hours=12:intensity=3.5', DEFAULT_START);
    expect(i.start.toISOString()).toBe('2026-11-20T00:30:00.000Z');
    expect(i.durationHours).toBe(12);
    expect(i.intensity).toBe(3.5);
  });

  it('takes local Beijing time, options in any order, and a 12-digit region code', () => {
    const i = parseIncident('spotcheck_failures:wood_panel:371721102000:intensity=8:start=2026-11-20 08:00:00', DEFAULT_START);
    expect(i.regionCode).toBe('371721');
    expect(i.start.toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(i.intensity).toBe(8);
    expect(i.durationHours).toBe(24);
  });

  it('says what is wrong with a bad spec', () => {
    expect(() => parseIncident('flood:toy:440515', DEFAULT_START)).toThrow(/unknown kind flood/);
    expect(() => parseIncident('media_expose:toys:440515', DEFAULT_START)).toThrow(/unknown product code toys/);
    expect(() => parseIncident('media_expose:toy:999999', DEFAULT_START)).toThrow(/999999 is not a county/);
    expect(() => parseIncident('media_expose:toy', DEFAULT_START)).toThrow(/expected kind:productCode:regionCode/);
    expect(() => parseIncident('media_expose:toy:440515:hours=0', DEFAULT_START)).toThrow(/hours/);
    expect(() => parseIncident('media_expose:toy:440515:intensity=0.5', DEFAULT_START)).toThrow(/intensity/);
    expect(() => parseIncident('media_expose:toy:440515:start=yesterday', DEFAULT_START)).toThrow(/start=yesterday/);
    expect(() => parseIncident('media_expose:toy:440515:colour=red', DEFAULT_START)).toThrow(/cannot read options/);
    expect(() => parseIncident('media_expose:toy:440515:hours=1:hours=2', DEFAULT_START)).toThrow(/twice/);
  });
});

// Four days; each incident covers 48 hours from the start of day 2.
const OPTS: SimOptions = { seed: 7, start: START, durationSeconds: 4 * 86_400, ratePerSecond: 0.1, invalidRate: 0.05, incidents: [] };
const WINDOW_START = new Date('2026-11-17T00:00:00+08:00');
const WINDOW_END = WINDOW_START.getTime() + 48 * 3_600_000;

function incident(kind: Incident['kind'], productCode: string, regionCode: string, intensity: number): Incident {
  return { kind, productCode, regionCode, start: WINDOW_START, durationHours: 48, intensity };
}

type Parsed = { m: SimMessage; r: Record<string, any> };

function cellRecords(opts: SimOptions, topic: SimMessage['topic'], productCode: string, regionCode: string): Parsed[] {
  const out: Parsed[] = [];
  for (const m of simulate(opts)) {
    if (m.topic !== topic || !m.valid) continue;
    const r = JSON.parse(m.value.toString('utf8'));
    const regions: string[] = topic === 'media' ? (r.regionCodes ?? []) : [r.regionCode];
    if (r.productCode === productCode && regions.some((c) => normalizeRegionCode(c) === regionCode)) out.push({ m, r });
  }
  return out;
}

const inWindow = ({ m }: Parsed) => m.time >= WINDOW_START && m.time.getTime() < WINDOW_END;
const isSafety = (issue: string) => issue === 'safety_hazard' || issue === '安全隐患';

describe('complaint_surge', () => {
  // A quiet cell far from any key region: only the surge floor makes it visible.
  const cell = ['small_appliance', '110105'] as const;
  const quiet = cellRecords(OPTS, 'hotline', ...cell);
  const surged = cellRecords({ ...OPTS, incidents: [incident('complaint_surge', ...cell, 10)] }, 'hotline', ...cell);

  it('multiplies the complaints of its cell inside its window only', () => {
    const before = quiet.filter(inWindow).length;
    const during = surged.filter(inWindow).length;
    expect(during).toBeGreaterThan(50);
    expect(during).toBeGreaterThan(5 * Math.max(before, 1));
    // Ordinary traffic runs on its own random stream, so outside the window nothing changes.
    expect(surged.filter((p) => !inWindow(p)).map((p) => p.r.receivedAt)).toEqual(quiet.filter((p) => !inWindow(p)).map((p) => p.r.receivedAt));
  });

  it('brings more safety hazards and injuries', () => {
    const during = surged.filter(inWindow).map((p) => p.r);
    const safety = during.filter((r) => isSafety(r.issue)).length / during.length;
    const injured = during.filter((r) => ['injury', '人身伤害', 'death', '死亡'].includes(r.harm)).length / during.length;
    expect(safety).toBeGreaterThan(0.3);
    expect(injured).toBeGreaterThan(0.1);
  });

  it('also surges a key region, on top of its heavy base traffic', () => {
    const key = ['waterproof_membrane', '130184'] as const;
    const plain = cellRecords(OPTS, 'hotline', ...key).filter(inWindow).length;
    const surge = cellRecords({ ...OPTS, incidents: [incident('complaint_surge', ...key, 10)] }, 'hotline', ...key).filter(inWindow).length;
    expect(plain).toBeGreaterThan(5);
    expect(surge).toBeGreaterThan(5 * plain);
  });
});

describe('spotcheck_failures', () => {
  const cell = ['wood_panel', '371721'] as const;
  const plain = cellRecords(OPTS, 'spotcheck', ...cell);
  const cluster = cellRecords({ ...OPTS, incidents: [incident('spotcheck_failures', ...cell, 6)] }, 'spotcheck', ...cell);
  const failing = (list: Parsed[]) => list.filter(inWindow).filter((p) => p.r.result === 'fail' || p.r.result === '不合格');

  it('publishes exactly `intensity` extra failing checks in the window, at several enterprises', () => {
    const extra = failing(cluster).filter((p) => !failing(plain).some((q) => q.r.sampledAt === p.r.sampledAt && q.r.enterprise?.name === p.r.enterprise?.name));
    expect(failing(cluster).length - failing(plain).length).toBe(6);
    expect(extra).toHaveLength(6);
    expect(new Set(extra.map((p) => p.r.enterprise.name ?? p.r.enterprise.creditCode)).size).toBeGreaterThanOrEqual(3);
    const safetyItems = new Set(productByCode('wood_panel')!.typicalFailedItems.filter((i) => i.hazard === 'safety').map((i) => i.item));
    for (const { r, m } of extra) {
      expect(r.failedItems.some((i: { item: string }) => safetyItems.has(i.item))).toBe(true);
      expect(contractTime(r.publishedAt)).toBe(m.time.getTime());
    }
  });
});

describe('media_expose', () => {
  const cell = ['waterproof_membrane', '130184'] as const;
  const plain = cellRecords(OPTS, 'media', ...cell);
  const exposed = cellRecords({ ...OPTS, incidents: [incident('media_expose', ...cell, 10)] }, 'media', ...cell);

  it('emits one exposé from a big outlet at the incident start', () => {
    const exposes = exposed.filter((p) => p.r.exposure === true && p.m.time.getTime() === WINDOW_START.getTime());
    expect(exposes).toHaveLength(1);
    const { r } = exposes[0]!;
    expect(r.reach).toBeGreaterThanOrEqual(1_000_000);
    expect(r.sentiment).toBeLessThanOrEqual(-0.7);
    expect(['中央电视台', '央视财经', '新华社', '人民日报', '中国质量报', '新京报']).toContain(r.source);
    expect(r.regionCodes).toEqual(['130184']);
  });

  it('is followed by many negative posts about the cell', () => {
    const negative = (list: Parsed[]) => list.filter(inWindow).filter((p) => p.r.sentiment < 0).length;
    expect(negative(exposed) - negative(plain)).toBeGreaterThan(30);
  });
});
