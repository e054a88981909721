import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPass } from '../../../services/app/scoring.ts';
import { DEFAULT_ALARM_Z } from '../../../services/transforms/score/alarm.ts';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import { insertRows } from '../../../services/sinks/clickhouse/insert.ts';
import { chTime } from '../../../services/transforms/normalize/rows.ts';
import { reportData } from '../../../services/transforms/reports/data.ts';
import { renderReport } from '../../../services/transforms/reports/render.ts';
import type { ReportData } from '../../../services/transforms/reports/types.ts';
import type { WarningEvent } from '../../../services/transforms/warnings/state.ts';
import { openClickHouse, tempDir, testConfig } from '../../support/app.ts';
import { background, complaint, hours, mediaItem, spotCheck } from '../../support/rows.ts';
import { checkXml, textOf } from './xml.ts';

// Reports against chDB with a few weeks of controlled history. Times are written in Beijing time
// (bj) because that is how the report periods are defined; the weekly report is the one the risk
// centre gets on Monday 2026-10-05 at 00:00, covering 2026-09-28 to 2026-10-04.

const bj = (s: string) => new Date(`${s}+08:00`);
const WEEK_END = bj('2026-10-05T00:00:00');
const PASS_AT = bj('2026-10-02T08:00:00');
let ch: ClickHouse;
let passEvents: WarningEvent[] = [];

type W = { id: string; event: string; at: string; level: string; prev?: string; score: number; product: string; region: string; regionLevel?: string; opened: string };
const warning = (w: W) => ({
  warning_id: w.id,
  event: w.event,
  evaluated_at: chTime(bj(w.at).getTime()),
  product_code: w.product,
  region_code: w.region,
  region_level: w.regionLevel ?? 'county',
  level: w.level,
  previous_level: w.prev ?? '',
  score: w.score,
  opened_at: chTime(bj(w.opened).getTime()),
  evidence: '',
});

const wire = { product: 'wire_cable', region: '130184' };
const coat = { product: 'coating', region: '130637' };
const wood = { product: 'wood_panel', region: '371721' };
const membrane = { product: 'waterproof_membrane', region: '211011' };
const fert = { product: 'fertilizer', region: '1301', regionLevel: 'prefecture' };
const glass = { product: 'glass', region: '320102' };

const warnings: W[] = [
  // W1: opened before the week, escalated in it, still open.
  { id: 'W1', event: 'opened', at: '2026-09-20T10:00:00', level: 'III', score: 52, opened: '2026-09-20T10:00:00', ...wire },
  { id: 'W1', event: 'escalated', at: '2026-09-30T10:00:00', level: 'II', prev: 'III', score: 74.25, opened: '2026-09-20T10:00:00', ...wire },
  // W2: opened and resolved within the week.
  { id: 'W2', event: 'opened', at: '2026-09-29T10:00:00', level: 'IV', score: 33, opened: '2026-09-29T10:00:00', ...coat },
  { id: 'W2', event: 'resolved', at: '2026-10-02T13:00:00', level: 'IV', prev: 'IV', score: 12, opened: '2026-09-29T10:00:00', ...coat },
  // W3: opened in the week at level I and acknowledged by the bureau.
  { id: 'W3', event: 'opened', at: '2026-10-01T10:00:00', level: 'I', score: 91.5, opened: '2026-10-01T10:00:00', ...wood },
  { id: 'W3', event: 'acknowledged', at: '2026-10-01T12:00:00', level: 'I', score: 91.5, opened: '2026-10-01T10:00:00', ...wood },
  // W4: August, resolved on 1 September: in the August report and open at its end; not in the week.
  { id: 'W4', event: 'opened', at: '2026-08-15T10:00:00', level: 'IV', score: 31, opened: '2026-08-15T10:00:00', ...membrane },
  { id: 'W4', event: 'resolved', at: '2026-09-01T10:00:00', level: 'IV', prev: 'IV', score: 5, opened: '2026-08-15T10:00:00', ...membrane },
  // W5: a prefecture warning opened in the week, still open.
  { id: 'W5', event: 'opened', at: '2026-10-03T10:00:00', level: 'II', score: 71, opened: '2026-10-03T10:00:00', ...fert },
  // W6: after the cut-off (Monday 01:00): in no report for the week.
  { id: 'W6', event: 'opened', at: '2026-10-05T01:00:00', level: 'I', score: 95, opened: '2026-10-05T01:00:00', ...coat },
  // August's edges in Beijing time: 31 July 23:59:59.999 is July; 1 August 00:00 is August;
  // 31 August 23:59:59.999 is August; 1 September 00:00 is September.
  { id: 'B1', event: 'opened', at: '2026-07-31T23:59:59.999', level: 'IV', score: 30, opened: '2026-07-31T23:59:59.999', ...glass },
  { id: 'B2', event: 'opened', at: '2026-08-01T00:00:00', level: 'IV', score: 30, opened: '2026-08-01T00:00:00', ...glass, region: '320104' },
  { id: 'B3', event: 'opened', at: '2026-08-31T23:59:59.999', level: 'IV', score: 30, opened: '2026-08-31T23:59:59.999', ...glass, region: '320105' },
  { id: 'B4', event: 'opened', at: '2026-09-01T00:00:00', level: 'IV', score: 30, opened: '2026-09-01T00:00:00', ...glass, region: '320106' },
  ...(['B1', 'B2', 'B3', 'B4'] as const).map((id, i): W => ({ id, event: 'resolved', at: '2026-09-10T10:00:00', level: 'IV', prev: 'IV', score: 3, opened: '2026-08-01T00:00:00', ...glass, region: ['320102', '320104', '320105', '320106'][i]! })),
];

// Spot checks, by the time their result was published (Beijing).
const checks = [
  // This week: wire_cable 16 pass + 4 fail published, 1 pass without a publication date (sampled
  // in the week) = 17 / 21; coating 10 / 10; one escaping name, 1 fail of 1.
  ...Array.from({ length: 16 }, (_, i) => spotCheck(`wc-p-${i}`, bj(`2026-09-${String(28 + (i % 3)).padStart(2, '0')}T09:00:00`).getTime(), { product: 'wire_cable', region: '130102' })),
  ...Array.from({ length: 4 }, (_, i) => spotCheck(`wc-f-${i}`, bj('2026-10-01T09:00:00').getTime(), { product: 'wire_cable', region: '130102', result: 'fail' })),
  { ...spotCheck('wc-unpublished', 0, { product: 'wire_cable', region: '130102' }), sampled_at: chTime(bj('2026-10-03T09:00:00').getTime()), published_at: null },
  ...Array.from({ length: 10 }, (_, i) => spotCheck(`co-p-${i}`, bj('2026-10-04T23:59:59').getTime(), { product: 'coating', region: '130637' })),
  spotCheck('evil-1', bj('2026-10-02T09:00:00').getTime(), { product: 'evil_product', region: '130637', result: 'fail' }),
  // Previous week: wire_cable 9 / 10.
  ...Array.from({ length: 10 }, (_, i) => spotCheck(`wc-prev-${i}`, bj('2026-09-24T09:00:00').getTime(), { product: 'wire_cable', region: '130102', result: i === 0 ? 'fail' : 'pass' })),
  // After the cut-off, and two weeks back: in neither week.
  spotCheck('wc-late', bj('2026-10-05T00:00:00').getTime(), { product: 'wire_cable', region: '130102', result: 'fail' }),
  spotCheck('wc-old', bj('2026-09-20T09:00:00').getTime(), { product: 'wire_cable', region: '130102', result: 'fail' }),
  // August's edges: 31 July 23:59 is July (the monthly report's previous period), 1 August 00:00 is August.
  spotCheck('aug-edge-in', bj('2026-08-01T00:00:00').getTime(), { product: 'glass', region: '320102' }),
  spotCheck('aug-edge-out', bj('2026-07-31T23:59:59').getTime(), { product: 'glass', region: '320102', result: 'fail' }),
];

const mediaRows = [
  ...background(60, PASS_AT.getTime(), (i, t) => mediaItem(`m-bg-${i}`, t, { product: 'toy', regions: ['440515'] })),
  mediaItem('expose-1', PASS_AT.getTime() - hours(3), { product: 'toy', regions: ['440515'], sentiment: -0.9, reach: 2_000_000, exposure: true }),
];

beforeAll(async () => {
  ch = await openClickHouse(testConfig({ QRM_DATA_DIR: tempDir() }));
  // A real scoring pass first, on media alone: an exposé in Chenghai opens a real warning in the
  // week. The other rows are written after it so the pass neither sees nor resolves them.
  await insertRows(ch, 'media_items', mediaRows);
  passEvents = (await runPass(ch, PASS_AT, DEFAULT_ALARM_Z)).events;
  await insertRows(ch, 'warnings', warnings.map(warning));
  await insertRows(ch, 'spot_checks', checks);
  await insertRows(ch, 'products', [{ code: 'evil_product', name_zh: '<b>"毒"&产品</b>', name_en: 'evil', category: 'household', risk_grade: 'A', national_fail_rate: 0.1, typical_failed_items: [] }]);
  await insertRows(ch, 'complaints', [
    complaint('c-1', bj('2026-09-28T09:00:00').getTime(), { region: '130184' }),
    complaint('c-2', bj('2026-09-30T09:00:00').getTime(), { region: '130184' }),
    complaint('c-3', bj('2026-10-03T09:00:00').getTime(), { region: '130102', kind: 'report' }),
    complaint('c-4', bj('2026-10-03T10:00:00').getTime(), { region: '440515', kind: 'inquiry' }),
    complaint('c-5', bj('2026-10-04T23:00:00').getTime(), { region: '440515', kind: 'suggestion' }),
    complaint('c-prev-1', bj('2026-09-25T09:00:00').getTime(), { region: '130184' }),
    complaint('c-prev-2', bj('2026-09-26T09:00:00').getTime(), { region: '130184' }),
  ]);
  // Top cells: two scores of wire_cable in Xinle in the week (the pass stored the toy cells).
  await insertRows(
    ch,
    'risk_scores',
    [
      { at: '2026-09-30T10:00:00', score: 74.25, level: 'II' },
      { at: '2026-10-01T10:00:00', score: 40, level: 'III' },
    ].map((s) => ({ evaluated_at: chTime(bj(s.at).getTime()), product_code: 'wire_cable', region_code: '130184', region_level: 'county', score: s.score, level: s.level, complaint_z: 0, spotcheck_z: 0, media_z: 0, evidence: '{}' })),
  );
  const dead = (offset: number, feed: string, reason: string, at: string) => ({
    source_topic: `qrm.${feed}`,
    source_partition: 0,
    source_offset: offset,
    feed,
    message_key: '',
    reason_code: reason,
    reason: reason,
    field: '',
    size_bytes: 10,
    excerpt: '',
    rejected_at: chTime(bj(at).getTime()),
  });
  await insertRows(ch, 'dead_letters', [
    dead(1, 'hotline', 'missing_field', '2026-09-29T09:00:00'),
    dead(2, 'hotline', 'missing_field', '2026-09-30T09:00:00'),
    dead(3, 'media', 'not_json', '2026-10-01T09:00:00'),
    dead(4, 'media', 'not_json', '2026-09-20T09:00:00'),
  ]);
});

afterAll(async () => ch?.close());

const ids = (items: { warningId: string }[]) => items.map((i) => i.warningId).sort();
const passOpened = () => passEvents.filter((e) => e.event === 'opened');

describe('weekly report data', () => {
  let data: ReportData;
  beforeAll(async () => {
    data = await reportData(ch, { kind: 'weekly', at: WEEK_END });
  });

  it('covers the 7 days before the cut-off and the 7 days before that', () => {
    expect(data.period).toEqual({ start: bj('2026-09-28T00:00:00'), end: WEEK_END });
    expect(data.previousPeriod).toEqual({ start: bj('2026-09-21T00:00:00'), end: bj('2026-09-28T00:00:00') });
    expect(data.region).toBeNull();
  });

  it('lists warnings opened, escalated and resolved in the period, with names', () => {
    // The real pass warned on the exposé (county level; no rollup with one county).
    expect(passOpened().length).toBeGreaterThan(0);
    expect(passOpened().every((e) => e.productCode === 'toy' && e.regionCode === '440515')).toBe(true);
    expect(ids(data.warnings.opened)).toEqual(['W2', 'W3', 'W5', ...passOpened().map((e) => e.warningId)].sort());
    expect(ids(data.warnings.escalated)).toEqual(['W1']);
    expect(ids(data.warnings.resolved)).toEqual(['W2']);
    const w1 = data.warnings.escalated[0]!;
    expect(w1).toMatchObject({ level: 'II', previousLevel: 'III', score: 74.3, productName: '电线电缆', regionName: '河北省石家庄市新乐市' });
    const toy = data.warnings.opened.find((w) => w.productCode === 'toy')!;
    expect(toy.productName).toBe('儿童玩具');
    expect(toy.regionName).toContain('澄海');
    expect(data.warnings.opened.find((w) => w.warningId === 'W5')!.regionName).toBe('河北省石家庄市');
    // Most severe first.
    expect(data.warnings.opened[0]!.level).toBe('I');
  });

  it('lists the warnings open at the end, acknowledged or not', () => {
    expect(ids(data.warnings.open)).toEqual(['W1', 'W3', 'W5', ...passOpened().map((e) => e.warningId)].sort());
    expect(data.warnings.open.find((w) => w.warningId === 'W3')!.acknowledged).toBe(true);
    expect(data.warnings.open.find((w) => w.warningId === 'W1')).toMatchObject({ acknowledged: false, level: 'II', openedAt: bj('2026-09-20T10:00:00') });
  });

  it('ranks cells by their highest score in the period', () => {
    const wire = data.topCells.find((c) => c.productCode === 'wire_cable')!;
    expect(wire).toMatchObject({ maxScore: 74.3, level: 'II', maxAt: bj('2026-09-30T10:00:00'), warningPasses: 2 });
    const scores = data.topCells.map((c) => c.maxScore);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(data.topCells.some((c) => c.productCode === 'toy')).toBe(true);
  });

  it('counts new and raised warnings per Beijing day and level over 8 weeks', () => {
    expect(data.trend).toHaveLength(56);
    expect(data.trend[0]!.day).toBe('2026-08-10');
    expect(data.trend[55]!.day).toBe('2026-10-04');
    const day = (d: string) => data.trend.find((t) => t.day === d)!.counts;
    expect(day('2026-09-30')).toEqual({ I: 0, II: 1, III: 0, IV: 0 });
    expect(day('2026-10-01')).toEqual({ I: 1, II: 0, III: 0, IV: 0 });
    expect(day('2026-08-15').IV).toBe(1);
    // The August edges: 31 August 23:59:59.999 and 1 September 00:00 are different Beijing days.
    expect(day('2026-08-31').IV).toBe(1);
    expect(day('2026-09-01').IV).toBe(1);
    const total = data.trend.reduce((s, d) => s + d.counts.I + d.counts.II + d.counts.III + d.counts.IV, 0);
    // W1 ×2, W2, W3, W4, W5, B3, B4 and the pass's openings (B1 and B2 are before the 8 weeks, W6 after).
    expect(total).toBe(8 + passOpened().length);
  });

  it('computes spot-check pass rates by product against the previous week', () => {
    const wire = data.passRates.products.find((p) => p.productCode === 'wire_cable')!;
    expect(wire.current).toEqual({ samples: 21, passed: 17, rate: 17 / 21 });
    expect(wire.previous).toEqual({ samples: 10, passed: 9, rate: 0.9 });
    expect(data.passRates.products.find((p) => p.productCode === 'coating')!.current.rate).toBe(1);
    expect(data.passRates.overall.current).toEqual({ samples: 32, passed: 27, rate: 27 / 32 });
    expect(data.target).toBe(0.85);
    // Worst first.
    expect(data.passRates.products.map((p) => p.productCode)).toEqual(['evil_product', 'wire_cable', 'coating']);
  });

  it('counts records per feed in both periods', () => {
    const v = Object.fromEntries(data.volumes.map((x) => [x.feed, x]));
    expect(v.hotline).toMatchObject({ records: 5, flagged: 3, previousRecords: 2, previousFlagged: 2 });
    expect(v.spotcheck).toMatchObject({ records: 32, flagged: 5, previousRecords: 10, previousFlagged: 1 });
    const published = (m: Record<string, unknown>) => Date.parse(`${String(m.published_at).replace(' ', 'T')}Z`);
    const inWeek = (s: Date, e: Date) => mediaRows.filter((m) => published(m) >= s.getTime() && published(m) < e.getTime()).length;
    expect(v.media).toMatchObject({ records: inWeek(data.period.start, data.period.end), flagged: 1, previousRecords: inWeek(data.previousPeriod.start, data.previousPeriod.end) });
  });

  it('reports dead letters by reason and scoring health', () => {
    expect(data.pipeline).toMatchObject({
      deadLetterTotal: 3,
      deadLetters: [
        { feed: 'hotline', reasonCode: 'missing_field', count: 2 },
        { feed: 'media', reasonCode: 'not_json', count: 1 },
      ],
      // The real pass and the two evaluation times of the hand-written scores.
      scoringPasses: 3,
      lastScoringAt: PASS_AT,
    });
    expect(data.pipeline!.lastRecordAt.hotline).toEqual(bj('2026-10-04T23:00:00'));
  });
});

describe('weekly report rendering', () => {
  let data: ReportData;
  beforeAll(async () => {
    data = await reportData(ch, { kind: 'weekly', at: WEEK_END });
  });

  it('says the key facts in the subject, the HTML and the text alike', () => {
    const r = renderReport(data, { kind: 'weekly', dashboardUrl: 'https://grafana.example.gov.cn/d/qrm' });
    const opened = 3 + passOpened().length;
    expect(r.subject).toBe(`【产品质量风险周报】2026-09-28 至 2026-10-04：新发预警 ${opened} 条，升级 1 次，解除 1 条；抽查合格率 84.4%（目标 85.0%）`);
    const html = textOf(r.html);
    for (const fact of [`新发 ${opened} 条`, '升级 1 次', '解除 1 条', '合格率 84.4%', '目标 85.0%', '低于目标的产品 2 个', '81.0%', '90.0%', '下降 9.0 个百分点', '拒收消息 3 条', '缺少必填字段 2 条', '评分 3 轮']) {
      expect(r.text).toContain(fact);
      expect(html).toContain(fact);
    }
    // Every summary line of the text is in the HTML word for word.
    const bullets = r.text.split('\n').filter((l) => l.startsWith('- ')).map((l) => l.slice(2));
    expect(bullets.length).toBeGreaterThanOrEqual(4);
    for (const b of bullets) expect(html).toContain(b);
    expect(r.html).toContain('href="https://grafana.example.gov.cn/d/qrm"');
    expect(r.text).toContain('https://grafana.example.gov.cn/d/qrm');
  });

  it('draws the trend with 56 points per level and the pass rates against 85 %', () => {
    const r = renderReport(data);
    const svgs = r.html.match(/<svg[\s\S]*?<\/svg>/g)!;
    expect(svgs).toHaveLength(2);
    const [trend, rates] = svgs as [string, string];
    checkXml(trend);
    checkXml(rates);
    const paths = [...trend.matchAll(/<path class="series-line"[^>]* d="([^"]+)"/g)].map((m) => m[1]!);
    expect(paths).toHaveLength(4);
    for (const d of paths) expect(d.match(/[ML]/g)).toHaveLength(56);
    expect(rates.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(rates).toContain('目标 85.0%');
    expect(rates).toContain('class="target"');
    expect(r.html).not.toMatch(/NaN|undefined|Infinity/);
    expect(r.attachments).toEqual([]);
    // The whole document is well formed: every tag closed, every attribute quoted once.
    checkXml(r.html, { html: true });
    checkXml(renderReport(data, { images: 'cid' }).html, { html: true });
  });

  it('escapes names from data in HTML and SVG, and leaves them as they are in the text', () => {
    const r = renderReport(data);
    expect(r.html).not.toContain('<b>"毒"');
    expect(r.html).toContain('&lt;b&gt;&quot;毒&quot;&amp;产品&lt;/b&gt;');
    checkXml(r.html.match(/<svg[\s\S]*?<\/svg>/g)![1]!);
    expect(r.text).toContain('<b>"毒"&产品</b>');
  });

  it('for email, points <img> at SVG attachments by Content-ID', () => {
    const r = renderReport(data, { images: 'cid' });
    expect(r.html).not.toContain('<svg');
    expect(r.attachments.map((a) => a.filename)).toEqual(['trend.svg', 'pass-rate.svg']);
    for (const a of r.attachments) {
      expect(a.contentType).toBe('image/svg+xml');
      expect(r.html).toContain(`src="cid:${a.cid}"`);
      checkXml(a.content);
    }
    expect(r.html).toMatch(/<img src="cid:[^"]+" width="640" height="280" alt="近 8 周/);
  });

  it('is deterministic', async () => {
    const again = await reportData(ch, { kind: 'weekly', at: WEEK_END });
    expect(renderReport(again).html).toBe(renderReport(data).html);
  });

  it('refuses to render data of another kind', () => {
    expect(() => renderReport(data, { kind: 'monthly' })).toThrow(/monthly/);
  });
});

describe('monthly report', () => {
  let data: ReportData;
  beforeAll(async () => {
    // Run on 3 September: the month is August in Beijing time.
    data = await reportData(ch, { kind: 'monthly', at: bj('2026-09-03T08:00:00') });
  });

  it('covers the previous calendar month in Beijing time, edges included exactly', () => {
    expect(data.period).toEqual({ start: bj('2026-08-01T00:00:00'), end: bj('2026-09-01T00:00:00') });
    expect(data.previousPeriod).toEqual({ start: bj('2026-07-01T00:00:00'), end: bj('2026-08-01T00:00:00') });
    expect(ids(data.warnings.opened)).toEqual(['B2', 'B3', 'W4']);
    // W4 was resolved on 1 September: open at the end of August, as is B1 from July.
    expect(ids(data.warnings.open)).toEqual(['B1', 'B2', 'B3', 'W4']);
    const glass = data.passRates.products.find((p) => p.productCode === 'glass')!;
    expect(glass.current).toEqual({ samples: 1, passed: 1, rate: 1 });
    expect(glass.previous).toEqual({ samples: 1, passed: 0, rate: 0 });
    expect(data.trend[55]!.day).toBe('2026-08-31');
  });

  it('renders as 月报 for the month', () => {
    const r = renderReport(data);
    expect(r.subject).toMatch(/^【产品质量风险月报】2026年8月：新发预警 3 条/);
    expect(r.text).toContain('统计期：2026年8月（北京时间）');
    expect(r.html).toContain('85.0%');
  });
});

describe('daily digest for a bureau', () => {
  it('keeps to the region and leaves the pipeline out', async () => {
    const at = bj('2026-10-03T20:00:00');
    const data = await reportData(ch, { kind: 'daily', at, regionPrefix: '1301' });
    expect(data.period).toEqual({ start: bj('2026-10-02T20:00:00'), end: at });
    expect(data.region).toEqual({ code: '1301', name: '河北省石家庄市' });
    expect(ids(data.warnings.opened)).toEqual(['W5']);
    expect(ids(data.warnings.open)).toEqual(['W1', 'W5']);
    expect(data.pipeline).toBeNull();
    expect(data.volumes.find((v) => v.feed === 'hotline')).toMatchObject({ records: 1, flagged: 1 });
    expect(data.passRates.products.map((p) => p.productCode)).toEqual(['wire_cable']);
    const r = renderReport(data, { kind: 'daily' });
    expect(r.subject).toMatch(/^【河北省石家庄市产品质量风险日报】2026-10-02 20:00 至 2026-10-03 20:00：新发预警 1 条/);
    expect(r.text).not.toContain('数据管道');
    expect(r.text).toContain('范围：河北省石家庄市（1301）');
  });

  it('renders an empty day without gaps or NaN', async () => {
    const data = await reportData(ch, { kind: 'daily', at: bj('2026-06-01T08:00:00'), regionPrefix: '65' });
    expect(data.warnings.opened).toEqual([]);
    expect(data.passRates.overall.current.rate).toBeNull();
    const r = renderReport(data);
    expect(r.subject).toContain('新发预警 0 条');
    expect(r.subject).toContain('本期无抽查结果');
    expect(r.html).not.toMatch(/NaN|undefined|Infinity|null/);
    expect(r.text).toContain('本期无新发预警。');
    checkXml(r.html.match(/<svg[\s\S]*?<\/svg>/)![0]);
  });

  it('rejects a region prefix that is not a code prefix', async () => {
    await expect(reportData(ch, { kind: 'daily', at: WEEK_END, regionPrefix: "13' OR 1=1" })).rejects.toThrow(/region prefix/);
  });
});
