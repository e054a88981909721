import { describe, expect, it } from 'vitest';
import { niceTicks, passRateChart, textWidth, trendChart, type ChartSeries } from '../../../services/transforms/reports/chart.ts';
import { checkXml } from './xml.ts';

const DAY = 86_400_000;
const start = Date.UTC(2026, 7, 9, 16); // 2026-08-10 00:00 in Beijing
const days = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => ({ x: new Date(start + i * DAY), y: f(i) }));
const count = (svg: string, re: RegExp) => svg.match(re)?.length ?? 0;

describe('trendChart', () => {
  const series: ChartSeries[] = [
    { label: 'I级（红色）', color: '#c62828', points: days(56, (i) => i % 5) },
    { label: 'IV级（蓝色）', color: '#1565c0', points: days(56, (i) => (i > 40 ? 7 : 1)) },
  ];

  it('draws one path per series with every point, axes, ticks and a legend', () => {
    const svg = trendChart(series, { title: '每日新发及升级预警（条）', yLabel: '条' });
    checkXml(svg);
    expect(count(svg, /<path class="series-line"/g)).toBe(2);
    for (const [, d] of svg.matchAll(/<path class="series-line"[^>]* d="([^"]+)"/g)) expect(d!.match(/[ML]/g)).toHaveLength(56);
    expect(count(svg, /<rect class="legend-swatch"/g)).toBe(2);
    expect(svg).toContain('>I级（红色）</text>');
    // Weekly ticks on 56 days, labelled in Beijing time.
    expect([...svg.matchAll(/>(\d\d-\d\d)<\/text>/g)].map((m) => m[1])).toEqual(['08-10', '08-17', '08-24', '08-31', '09-07', '09-14', '09-21', '09-28']);
    // y from zero to a round number at or above the maximum (7).
    expect([...svg.matchAll(/text-anchor="end" fill="#666">([\d.]+)</g)].map((m) => Number(m[1]))).toEqual([0, 2, 4, 6, 8]);
    expect(svg).toContain("font-family=\"'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC'");
  });

  it('stays inside its box', () => {
    const svg = trendChart(series, { width: 500, height: 240 });
    for (const m of svg.matchAll(/ (?:x|x1|x2|cx)="(-?[\d.]+)"/g)) expect(Number(m[1])).toBeGreaterThanOrEqual(0), expect(Number(m[1])).toBeLessThanOrEqual(500);
    for (const m of svg.matchAll(/ (?:y|y1|y2|cy)="(-?[\d.]+)"/g)) expect(Number(m[1])).toBeGreaterThanOrEqual(0), expect(Number(m[1])).toBeLessThanOrEqual(240);
    for (const [, d] of svg.matchAll(/ d="([^"]+)"/g)) for (const v of d!.match(/-?[\d.]+/g)!) expect(Number(v)).toBeGreaterThanOrEqual(0);
  });

  it('is deterministic', () => {
    expect(trendChart(series)).toBe(trendChart(series.map((s) => ({ ...s, points: [...s.points] }))));
  });

  it('leaves out values that are not numbers instead of printing NaN', () => {
    const svg = trendChart([{ label: 'a', color: '#000', points: [...days(3, (i) => i), { x: new Date(start + 3 * DAY), y: Number.NaN }, { x: new Date(Number.NaN), y: 1 }] }]);
    checkXml(svg);
    expect(svg.match(/ d="([^"]+)"/)![1]!.match(/[ML]/g)).toHaveLength(3);
  });

  it('draws empty, flat and single-point data without breaking', () => {
    for (const s of [[], [{ label: 'a', color: '#000', points: [] }], [{ label: 'a', color: '#000', points: days(56, () => 0) }], [{ label: 'a', color: '#000', points: days(1, () => 4) }]]) {
      const svg = trendChart(s);
      checkXml(svg);
    }
    expect(trendChart([{ label: 'a', color: '#000', points: days(1, () => 4) }])).toContain('<circle');
  });

  it('escapes labels and colours', () => {
    const svg = trendChart([{ label: '<script>&', color: '"/><script>', points: days(2, (i) => i) }]);
    checkXml(svg);
    expect(svg).not.toContain('<script>');
  });
});

describe('passRateChart', () => {
  const rows = [
    { label: '钢筋混凝土用热轧带肋钢筋（一个很长的名字）', rate: 0.62, samples: 40, previousRate: 0.7 },
    { label: '电线电缆', rate: 17 / 21, samples: 21, previousRate: 0.9 },
    { label: '涂料', rate: 1, samples: 10, previousRate: null },
  ];

  it('draws a bar per product, the 85 % target line and the previous period', () => {
    const svg = passRateChart(rows, { title: '各产品合格率' });
    checkXml(svg);
    expect(count(svg, /<rect class="bar"/g)).toBe(3);
    expect(count(svg, /<line class="previous"/g)).toBe(2);
    expect(count(svg, /<line class="target"/g)).toBe(1);
    expect(svg).toContain('目标 85.0%');
    expect(svg).toContain('81.0%（21批次）');
    // Bars below the target are red, at or above green.
    expect([...svg.matchAll(/<rect class="bar"[^>]* fill="(#\w+)"/g)].map((m) => m[1])).toEqual(['#c62828', '#c62828', '#2e7d32']);
    // Long names are cut with an ellipsis, in full in the tooltip.
    expect(svg).toMatch(/>钢筋混凝土用热轧带肋[^<（]*…<\/text>/);
    expect(svg).toContain('<title>钢筋混凝土用热轧带肋钢筋（一个很长的名字）：62.0%（40批次）</title>');
  });

  it('puts the target where 85 % is on the axis', () => {
    const svg = passRateChart(rows, { target: 0.85 });
    const x = (re: RegExp) => Number(svg.match(re)![1]);
    const zero = x(/<line x1="([\d.]+)"[^>]*\/>\n<text[^>]*>0%</);
    const full = x(/<line x1="([\d.]+)"[^>]*\/>\n<text[^>]*>100%</);
    expect(x(/<line class="target" x1="([\d.]+)"/)).toBeCloseTo(zero + 0.85 * (full - zero), 0);
  });

  it('says so when there is nothing to draw', () => {
    const svg = passRateChart([]);
    checkXml(svg);
    expect(svg).toContain('本期无抽查结果');
    expect(count(svg, /<rect class="bar"/g)).toBe(0);
  });
});

describe('chart helpers', () => {
  it('picks round ticks', () => {
    expect(niceTicks(0, 7, 5, true)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0, 0, 5, true)).toEqual([0, 1]);
    expect(niceTicks(0, 1, 5, false)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 230, 5, true)).toEqual([0, 50, 100, 150, 200, 250]);
  });

  it('measures CJK text as full width', () => {
    expect(textWidth('涂料', 12)).toBe(24);
    expect(textWidth('ab', 10)).toBe(12);
  });
});
