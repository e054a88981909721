import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import { insertRows } from '../../../services/sinks/clickhouse/insert.ts';
import { scorePass, type ScoredCell } from '../../../services/transforms/score/pass.ts';
import { openClickHouse, tempDir, testConfig } from '../../support/app.ts';
import { background, complaint, hours } from '../../support/rows.ts';

// What the complaint baseline must not be fooled by (docs/scoring.md): steady cells of 14 complaints a
// week, each with a new outbreak in the last seven days. The clean twin shows what it scores on a
// plain history; the others add an outbreak eight weeks ago, an outbreak in the weeks the seasonal
// factor reads a year back (the same season, or the weeks it is compared with), or a history that
// began 60 weeks ago.

const T = Date.UTC(2026, 9, 1, 0, 0, 0);
const DAY = 24;
let ch: ClickHouse;
let cells: ScoredCell[];

/** `n` complaints spread evenly over the `days` days that end `endDaysBack` days before T. */
const burst = (id: string, n: number, endDaysBack: number, days: number, o: { product: string; region: string }) =>
  Array.from({ length: n }, (_, i) => complaint(`${id}-${i}`, T - hours(DAY * endDaysBack) - hours((DAY * days * (i + 0.5)) / n), o));

type Case = {
  product: string;
  region: string;
  /** An earlier outbreak of 60 complaints over seven days, ending this many days before T. */
  earlier?: number;
};

const CASES = {
  clean: { product: 'stroller', region: '130184' },
  // The earlier outbreak lies inside the seven-day window's twelve reference weeks.
  recent: { product: 'stroller', region: '130637', earlier: 56 },
  // Complaints began 60 weeks ago, inside the weeks the seasonal factor reads a year back.
  young: { product: 'stroller', region: '371721' },
  // An outbreak 52 weeks ago: the same weeks last year, which the seasonal factor reads as the season.
  lastYear: { product: 'stroller', region: '420106', earlier: 52 * 7 - 3 },
  // An outbreak 60 weeks ago: among the weeks last year's season is compared with.
  beforeLastYear: { product: 'stroller', region: '510107', earlier: 60 * 7 },
} satisfies Record<string, Case>;

beforeAll(async () => {
  ch = await openClickHouse(testConfig({ QRM_DATA_DIR: tempDir() }));
  for (const [name, cell] of Object.entries<Case>(CASES)) {
    await insertRows(ch, 'complaints', [
      ...background(name === 'young' ? 420 : 500, T, (i, t) => complaint(`${name}-bg-${i}`, t, cell)),
      ...burst(`${name}-now`, 36, 0, 7, cell),
      ...(cell.earlier === undefined ? [] : burst(`${name}-then`, 60, cell.earlier, 7, cell)),
    ]);
  }
  cells = await scorePass(ch, new Date(T));
});

afterAll(async () => ch?.close());

const complaintSignal = (cell: { product: string; region: string }) => {
  const c = cells.find((x) => x.productCode === cell.product && x.regionCode === cell.region && x.regionLevel === 'county');
  const signal = c?.evidence.signals.find((x) => x.source === 'complaints');
  return { level: c?.level, z: c?.complaintZ ?? 0, expected: Number(signal?.expected.weightedVoices) };
};

describe('the complaint baseline', () => {
  it('warns on a new outbreak over a clean history', () => {
    expect(complaintSignal(CASES.clean).level).toBeDefined();
  });

  it('is not masked by an earlier outbreak among its reference weeks', () => {
    const { level, z } = complaintSignal(CASES.recent);
    expect(level).toBeDefined();
    expect(z).toBeGreaterThan(complaintSignal(CASES.clean).z * 0.8);
  });

  it('is not raised by an outbreak in the same weeks last year, nor lowered by one in the weeks before them', () => {
    const clean = complaintSignal(CASES.clean);
    for (const cell of [CASES.lastYear, CASES.beforeLastYear]) {
      const s = complaintSignal(cell);
      expect(s.level).toBeDefined();
      // Within 5 %: an outbreak's smallest day-tail in a neighbouring week is within that week's noise
      // and stays. Unhandled, the outbreak would move it by +75 % and -25 %.
      expect(Math.abs(s.expected / clean.expected - 1)).toBeLessThan(0.05);
    }
  });

  it("reads the weeks before a cell's first complaint as no season, not as quiet weeks", () => {
    const young = complaintSignal(CASES.young);
    expect(young.level).toBeDefined();
    expect(young.expected).toBeCloseTo(complaintSignal(CASES.clean).expected, 1);
  });
});
