import type { ReasonCode } from '../../../schemas/dlq/headers.ts';
import { levels, type Level } from '../score/levels.ts';
import type { RegionLevel } from '../score/pass.ts';
import { fontFamily, formatPercent, passRateChart, trendChart } from './chart.ts';
import { escapeXml } from './escape.ts';
import { beijingDateTime, beijingMonthDay, describePeriod, type ReportKind } from './period.ts';
import type { FeedVolume, Rate, ReportData, WarningEventItem } from './types.ts';

// A report as an email: subject, HTML and plain text in Chinese. Both bodies are rendered from one
// list of blocks, so the plain-text part (which some bureaus' clients show, and which screen readers
// and SMS gateways use) carries exactly the facts the HTML does; charts are extra, never the only
// place a number appears.
//
// Charts in email. Inline <svg> is stripped by Gmail, never rendered by classic Outlook, and is being
// retired from Outlook on the web and the new Outlook for Windows (Microsoft, from September 2025);
// webmail sanitisers (QQ, 163, Coremail) keep only whitelisted tags, and <svg> is rarely on the list.
// An <img> pointing at an SVG attachment by Content-ID (multipart/related) survives sanitising, is
// drawn by Apple Mail, iOS Mail, Thunderbird and browser-based webmail that show inline images, and
// where a client will not draw it the reader still gets the alt text, the table under the chart, and
// trend.svg as an attachment to open in a browser. So email uses `images: 'cid'`. A file written
// with `qrm report --out` has no MIME parts to point at, so it gets the SVG inline (`images:
// 'inline'`, the default) and is self-contained. Only a PNG would show in every client; rendering one
// needs a rasteriser with CJK fonts, which this project does not ship.

export type ReportAttachment = {
  filename: string;
  content: string;
  contentType: 'image/svg+xml';
  /** Content-ID the HTML refers to as cid:… (nodemailer's `cid`). */
  cid: string;
  contentDisposition: 'inline';
};

export type RenderedReport = { subject: string; html: string; text: string; attachments: ReportAttachment[] };

export type RenderOptions = {
  /** Must match data.kind when given (kept for callers that pass it). */
  kind?: ReportKind;
  /** Replaces the default title (e.g. "产品质量风险周报"). */
  title?: string;
  /** Grafana link at the foot of the report; only http(s) URLs are linked. */
  dashboardUrl?: string;
  /** 'inline' (default): <svg> in the HTML; 'cid': <img src="cid:…"> plus SVG attachments, for email. */
  images?: 'inline' | 'cid';
  /** Rows shown per table before "另有 N 条" (default 20). */
  maxRows?: number;
};

export const kindNames: Record<ReportKind, string> = { daily: '日报', weekly: '周报', monthly: '月报' };
export const levelColors: Record<Level, string> = { I: '#c62828', II: '#ef6c00', III: '#f2b600', IV: '#1565c0' };
const levelColorNames: Record<Level, string> = { I: '红色', II: '橙色', III: '黄色', IV: '蓝色' };
const regionLevelNames: Record<RegionLevel, string> = { county: '县级', prefecture: '地市级', province: '省级' };
const feedNames: Record<FeedVolume['feed'], string> = { hotline: '12365 投诉举报', media: '舆情监测', spotcheck: '监督抽查' };
const flaggedNames: Record<FeedVolume['feed'], string> = { hotline: '其中投诉、举报', media: '其中媒体曝光', spotcheck: '其中不合格' };
const units: Record<FeedVolume['feed'], string> = { hotline: '件', media: '条', spotcheck: '批次' };
// Typed against the closed list, so a new reason code fails the type check until it has a name here.
const reasonNames: Record<ReasonCode, string> = {
  too_large: '消息过大',
  not_utf8: '非 UTF-8 编码',
  not_json: '不是 JSON',
  too_deep: '嵌套过深',
  not_object: '不是 JSON 对象',
  missing_field: '缺少必填字段',
  invalid_field: '字段值无效',
  invalid_enum: '取值不在允许范围',
  invalid_timestamp: '时间无效',
  future_timestamp: '时间晚于当前',
  unknown_region: '未知地区代码',
  unknown_product: '未知产品',
  inconsistent: '内容前后矛盾',
  storage_rejected: '数据库拒收',
};

type Tone = 'bad' | 'good' | 'muted';
type Cell = string | { text: string; level?: Level; tone?: Tone };
type Block =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string; tone?: Tone }
  | { type: 'list'; items: string[] }
  | { type: 'table'; columns: string[]; rows: Cell[][]; numeric?: number[]; empty: string; more?: string }
  | { type: 'chart'; name: string; svg: string; alt: string }
  | { type: 'link'; text: string; href: string };

export function renderReport(data: ReportData, opts: RenderOptions = {}): RenderedReport {
  if (opts.kind && opts.kind !== data.kind) throw new RangeError(`renderReport: asked for a ${opts.kind} report of ${data.kind} data`);
  const maxRows = opts.maxRows ?? 20;
  const period = describePeriod(data.kind, data.period);
  const title = opts.title ?? `${data.region ? data.region.name : ''}产品质量风险${kindNames[data.kind]}`;
  const w = data.warnings;
  const overall = data.passRates.overall.current;

  const subjectRate = overall.rate === null ? '本期无抽查结果' : `抽查合格率 ${formatPercent(overall.rate)}（目标 ${formatPercent(data.target)}）`;
  const subject = `【${title}】${period}：新发预警 ${w.opened.length} 条，升级 ${w.escalated.length} 次，解除 ${w.resolved.length} 条；${subjectRate}`;

  const blocks: Block[] = [];
  blocks.push({ type: 'paragraph', text: `统计期：${period}（北京时间）。数据截至 ${beijingDateTime(data.period.end)}。${data.region ? `范围：${data.region.name}（${data.region.code}）。` : ''}`, tone: 'muted' });

  blocks.push({ type: 'heading', text: '要点' });
  blocks.push({ type: 'list', items: summary(data) });

  // Trend: the picture a reader would rather look at than read, with its numbers by week below it.
  const weeks = weeklyTrend(data);
  blocks.push({ type: 'heading', text: '预警趋势（近 8 周，每日新发及升级预警，按级别）' });
  blocks.push({
    type: 'chart',
    name: 'trend',
    svg: trendChart(
      levels.map((l) => ({ label: `${l}级（${levelColorNames[l]}）`, color: levelColors[l], points: data.trend.map((d) => ({ x: d.start, y: d.counts[l] })) })),
      { title: '每日新发及升级预警（条）', yLabel: '条' },
    ),
    alt: `近 8 周每日新发及升级预警折线图，按级别；各周合计：${weeks.map((wk) => `${wk.label} ${wk.total} 条`).join('，')}`,
  });
  blocks.push({
    type: 'table',
    columns: ['周', ...levels.map((l) => `${l}级`), '合计'],
    rows: weeks.map((wk) => [wk.label, ...levels.map((l) => String(wk.counts[l])), String(wk.total)]),
    numeric: [1, 2, 3, 4, 5],
    empty: '无',
  });

  blocks.push({ type: 'heading', text: `新发预警（${w.opened.length} 条）` });
  blocks.push(
    table(
      ['级别', '产品', '地区', '层级', '评分', '发布时间'],
      w.opened.map((e) => [levelCell(e.level), e.productName, e.regionName, regionLevelNames[e.regionLevel], score(e.score), beijingDateTime(e.evaluatedAt)]),
      maxRows,
      '本期无新发预警。',
      [4],
    ),
  );
  blocks.push({ type: 'heading', text: `升级预警（${w.escalated.length} 次）` });
  blocks.push(
    table(
      ['级别', '产品', '地区', '层级', '评分', '升级时间'],
      w.escalated.map((e) => [{ text: `${e.previousLevel ?? '?'}级 → ${e.level}级`, level: e.level }, e.productName, e.regionName, regionLevelNames[e.regionLevel], score(e.score), beijingDateTime(e.evaluatedAt)]),
      maxRows,
      '本期无升级预警。',
      [4],
    ),
  );
  blocks.push({ type: 'heading', text: `解除预警（${w.resolved.length} 条）` });
  blocks.push(
    table(
      ['级别', '产品', '地区', '层级', '持续时间', '解除时间'],
      w.resolved.map((e) => [levelCell(e.level), e.productName, e.regionName, regionLevelNames[e.regionLevel], duration(e), beijingDateTime(e.evaluatedAt)]),
      maxRows,
      '本期无解除预警。',
    ),
  );
  const unacknowledged = w.open.filter((o) => !o.acknowledged).length;
  blocks.push({ type: 'heading', text: `期末未解除预警（${w.open.length} 条，未确认 ${unacknowledged} 条）` });
  blocks.push(
    table(
      ['级别', '产品', '地区', '层级', '评分', '发布时间', '确认'],
      w.open.map((o) => [levelCell(o.level), o.productName, o.regionName, regionLevelNames[o.regionLevel], score(o.score), beijingDateTime(o.openedAt), o.acknowledged ? '已确认' : { text: '未确认', tone: 'bad' }]),
      maxRows,
      '期末无未解除预警。',
      [4],
    ),
  );

  blocks.push({ type: 'heading', text: '评分最高的单元' });
  blocks.push(
    table(
      ['产品', '地区', '层级', '最高评分', '级别', '出现时间'],
      data.topCells.map((c) => [c.productName, c.regionName, regionLevelNames[c.regionLevel], score(c.maxScore), c.level ? levelCell(c.level) : { text: '未达预警', tone: 'muted' }, beijingDateTime(c.maxAt)]),
      maxRows,
      '本期无评分记录。',
      [3],
    ),
  );

  const target = formatPercent(data.target);
  const tested = data.passRates.products.filter((p) => p.current.samples > 0);
  const charted = tested.slice(0, 15);
  blocks.push({ type: 'heading', text: `监督抽查合格率（目标 ${target}）` });
  if (tested.length > 0) {
    blocks.push({
      type: 'chart',
      name: 'pass-rate',
      svg: passRateChart(
        charted.map((p) => ({ label: p.productName, rate: p.current.rate!, samples: p.current.samples, previousRate: p.previous.rate })),
        { target: data.target, title: tested.length > charted.length ? `合格率最低的 ${charted.length} 个产品` : '各产品合格率' },
      ),
      alt: `各产品抽查合格率条形图，目标 ${target}；${charted.map((p) => `${p.productName} ${formatPercent(p.current.rate!)}`).join('，')}`,
    });
  }
  blocks.push({
    type: 'table',
    columns: ['产品', '批次', '合格', '合格率', '上期合格率', '变化', `对照目标 ${target}`],
    rows: [
      ...data.passRates.products.map((p) => rateRow(p.productName, p.current, p.previous, data.target)),
      ...(data.passRates.products.length > 0 ? [rateRow('合计', overall, data.passRates.overall.previous, data.target)] : []),
    ],
    numeric: [1, 2, 3, 4, 5],
    empty: '本期及上期均无抽查结果。',
  });

  blocks.push({ type: 'heading', text: '数据量（按业务发生时间）' });
  blocks.push({
    type: 'table',
    columns: ['数据源', '本期', '上期', '变化', '细分'],
    rows: data.volumes.map((v) => [feedNames[v.feed], `${v.records} ${units[v.feed]}`, `${v.previousRecords} ${units[v.feed]}`, change(v.records, v.previousRecords), `${flaggedNames[v.feed]} ${v.flagged}（上期 ${v.previousFlagged}）`]),
    numeric: [1, 2, 3],
    empty: '无',
  });

  if (data.pipeline) {
    const p = data.pipeline;
    blocks.push({ type: 'heading', text: '数据管道运行情况' });
    blocks.push({
      type: 'list',
      items: [
        `评分：本期有评分记录的评分轮次 ${p.scoringPasses} 次，最近一次 ${p.lastScoringAt ? beijingDateTime(p.lastScoringAt) : '无'}。`,
        ...data.volumes.map((v) => `${feedNames[v.feed]}：最新一条数据时间 ${p.lastRecordAt[v.feed] ? beijingDateTime(p.lastRecordAt[v.feed]!) : '无（本期及上期均无数据）'}${v.records === 0 ? '；本期无数据，请检查数据接入' : ''}。`),
        `拒收消息（死信）：本期 ${p.deadLetterTotal} 条。`,
      ],
    });
    blocks.push(
      table(
        ['数据源', '原因', '条数'],
        p.deadLetters.map((d) => [feedName(d.feed), `${reasonName(d.reasonCode)}（${d.reasonCode}）`, String(d.count)]),
        maxRows,
        '本期无拒收消息。',
        [2],
      ),
    );
  }

  if (opts.dashboardUrl && /^https?:\/\//i.test(opts.dashboardUrl)) blocks.push({ type: 'link', text: '在仪表盘查看详情', href: opts.dashboardUrl });
  blocks.push({ type: 'paragraph', text: '本报告由 qrm 产品质量风险监测系统自动生成。评分与预警级别的计算方法见 docs/scoring.md。', tone: 'muted' });

  const images = opts.images ?? 'inline';
  const attachments: ReportAttachment[] = [];
  const html = toHtml(title, blocks, (chart) => {
    if (images === 'inline') return chart.svg;
    const cid = `${chart.name}.${data.kind}.${data.period.end.getTime()}@qrm`;
    attachments.push({ filename: `${chart.name}.svg`, content: chart.svg, contentType: 'image/svg+xml', cid, contentDisposition: 'inline' });
    const [, width, height] = /width="([\d.]+)" height="([\d.]+)"/.exec(chart.svg) ?? [];
    return `<img src="cid:${escapeXml(cid)}" width="${width}" height="${height}" alt="${escapeXml(chart.alt)}" style="display:block;max-width:100%;height:auto;border:0">`;
  });
  return { subject, html, text: toText(title, blocks), attachments };
}

function summary(data: ReportData): string[] {
  const w = data.warnings;
  const items: string[] = [];
  const acks = w.open.filter((o) => !o.acknowledged).length;
  items.push(
    `预警：新发 ${w.opened.length} 条${byLevel(w.opened)}，升级 ${w.escalated.length} 次，解除 ${w.resolved.length} 条；期末未解除 ${w.open.length} 条${byLevel(w.open)}，其中未确认 ${acks} 条。`,
  );
  const o = data.passRates.overall;
  const target = formatPercent(data.target);
  if (o.current.rate === null) {
    items.push(`监督抽查：本期无抽查结果（目标合格率 ${target}）。`);
  } else {
    const vs = o.previous.rate === null ? '上期无抽查结果' : `上期 ${formatPercent(o.previous.rate)}，${points(o.current.rate, o.previous.rate)}`;
    const below = data.passRates.products.filter((p) => p.current.rate !== null && p.current.rate < data.target);
    const list = below.slice(0, 5).map((p) => `${p.productName} ${formatPercent(p.current.rate!)}`).join('、');
    items.push(
      `监督抽查：${o.current.samples} 批次，合格率 ${formatPercent(o.current.rate)}（${vs}），${o.current.rate >= data.target ? '达到' : '低于'}目标 ${target}；` +
        (below.length ? `低于目标的产品 ${below.length} 个：${list}${below.length > 5 ? ' 等' : ''}。` : '各产品均达到目标。'),
    );
  }
  const v = Object.fromEntries(data.volumes.map((x) => [x.feed, x])) as Record<FeedVolume['feed'], FeedVolume>;
  items.push(
    `数据量：12365 热线 ${v.hotline.records} 件（${change(v.hotline.records, v.hotline.previousRecords)}，其中投诉、举报 ${v.hotline.flagged} 件），` +
      `舆情 ${v.media.records} 条（其中媒体曝光 ${v.media.flagged} 条），抽查结果 ${v.spotcheck.records} 批次（不合格 ${v.spotcheck.flagged} 批次）。`,
  );
  if (data.pipeline) {
    const p = data.pipeline;
    const top = p.deadLetters.slice(0, 3).map((d) => `${reasonName(d.reasonCode)} ${d.count} 条`).join('、');
    const silent = data.volumes.filter((x) => x.records === 0).map((x) => feedNames[x.feed]);
    items.push(
      `数据管道：拒收消息 ${p.deadLetterTotal} 条${top ? `（${top}）` : ''}；评分 ${p.scoringPasses} 轮，最近一次 ${p.lastScoringAt ? beijingDateTime(p.lastScoringAt) : '无'}` +
        (silent.length ? `；本期无数据：${silent.join('、')}。` : '。'),
    );
  }
  return items;
}

function weeklyTrend(data: ReportData) {
  const weeks: { label: string; counts: Record<Level, number>; total: number }[] = [];
  for (let i = 0; i < data.trend.length; i += 7) {
    const days = data.trend.slice(i, i + 7);
    const counts = { I: 0, II: 0, III: 0, IV: 0 };
    for (const d of days) for (const l of levels) counts[l] += d.counts[l];
    weeks.push({ label: `${beijingMonthDay(days[0]!.start)}–${beijingMonthDay(days[days.length - 1]!.start)}`, counts, total: levels.reduce((s, l) => s + counts[l], 0) });
  }
  return weeks;
}

function byLevel(items: readonly { level: Level }[]): string {
  const parts = levels.map((l) => [l, items.filter((i) => i.level === l).length] as const).filter(([, n]) => n > 0);
  return parts.length ? `（${parts.map(([l, n]) => `${l}级 ${n}`).join('、')}）` : '';
}

function rateRow(name: string, cur: Rate, prev: Rate, target: number): Cell[] {
  const status: Cell = cur.rate === null ? { text: '无结果', tone: 'muted' } : cur.rate >= target ? { text: '达标', tone: 'good' } : { text: '低于目标', tone: 'bad' };
  return [
    name,
    String(cur.samples),
    String(cur.passed),
    cur.rate === null ? '—' : { text: formatPercent(cur.rate), ...(cur.rate < target ? { tone: 'bad' as const } : {}) },
    prev.rate === null ? '—' : formatPercent(prev.rate),
    cur.rate === null || prev.rate === null ? '—' : points(cur.rate, prev.rate),
    status,
  ];
}

function table(columns: string[], rows: Cell[][], max: number, empty: string, numeric: number[] = []): Block {
  return { type: 'table', columns, rows: rows.slice(0, max), numeric, empty, ...(rows.length > max ? { more: `另有 ${rows.length - max} 条未列出，详见仪表盘。` } : {}) };
}

const levelCell = (l: Level): Cell => ({ text: `${l}级`, level: l });
const score = (s: number) => s.toFixed(1);
const reasonName = (code: string) => reasonNames[code as ReasonCode] ?? code;
const feedName = (f: string) => feedNames[f as FeedVolume['feed']] ?? f;

/** Change in percentage points: "上升 3.9 个百分点". */
function points(cur: number, prev: number): string {
  const d = Math.round((cur - prev) * 1000) / 10;
  return d === 0 ? '持平' : `${d > 0 ? '上升' : '下降'} ${Math.abs(d).toFixed(1)} 个百分点`;
}

function change(cur: number, prev: number): string {
  if (prev === 0) return cur === 0 ? '持平' : '上期为 0';
  const pct = Math.round(((cur - prev) / prev) * 100);
  return pct === 0 ? '持平' : `${pct > 0 ? '+' : ''}${pct}%`;
}

function duration(e: WarningEventItem): string {
  const hours = Math.max(0, Math.round((e.evaluatedAt.getTime() - e.openedAt.getTime()) / 3_600_000));
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return d > 0 ? `${d} 天${h ? ` ${h} 小时` : ''}` : `${h} 小时`;
}

// --- HTML: tables and inline styles only, which is what Outlook's Word engine and Gmail keep. ---
// Styles sit in double-quoted attributes: quotes inside them (font names) must be single quotes.

const css = {
  body: 'margin:0;padding:0;background:#f4f5f7;',
  wrap: 'max-width:760px;margin:0 auto;padding:16px;background:#ffffff;font-family:${fontFamily};font-size:14px;line-height:1.6;color:#222;',
  h1: 'font-size:20px;margin:0 0 4px;',
  h2: 'font-size:16px;margin:20px 0 8px;padding-bottom:4px;border-bottom:1px solid #ddd;',
  table: 'border-collapse:collapse;width:100%;font-size:13px;',
  th: 'text-align:left;background:#f0f2f5;border:1px solid #ddd;padding:4px 6px;white-space:nowrap;',
  td: 'border:1px solid #ddd;padding:4px 6px;vertical-align:top;',
  muted: 'color:#666;',
  bad: 'color:#c62828;font-weight:bold;',
  good: 'color:#2e7d32;',
};

function toHtml(title: string, blocks: Block[], chart: (b: Extract<Block, { type: 'chart' }>) => string): string {
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title></head>`,
    `<body style="${css.body}">`,
    `<div style="${css.wrap}">`,
    `<h1 style="${css.h1}">${escapeXml(title)}</h1>`,
  ];
  for (const b of blocks) {
    switch (b.type) {
      case 'heading':
        out.push(`<h2 style="${css.h2}">${escapeXml(b.text)}</h2>`);
        break;
      case 'paragraph':
        out.push(`<p style="margin:4px 0;${b.tone ? css[b.tone] : ''}">${escapeXml(b.text)}</p>`);
        break;
      case 'list':
        out.push(`<ul style="margin:4px 0;padding-left:20px;">${b.items.map((i) => `<li style="margin:2px 0;">${escapeXml(i)}</li>`).join('')}</ul>`);
        break;
      case 'table': {
        if (b.rows.length === 0) {
          out.push(`<p style="margin:4px 0;${css.muted}">${escapeXml(b.empty)}</p>`);
          break;
        }
        const align = (i: number) => (b.numeric?.includes(i) ? 'text-align:right;' : '');
        out.push(`<table role="presentation" cellpadding="0" cellspacing="0" style="${css.table}">`);
        out.push(`<tr>${b.columns.map((c, i) => `<th style="${css.th}${align(i)}">${escapeXml(c)}</th>`).join('')}</tr>`);
        for (const row of b.rows) out.push(`<tr>${row.map((c, i) => `<td style="${css.td}${align(i)}">${htmlCell(c)}</td>`).join('')}</tr>`);
        out.push('</table>');
        if (b.more) out.push(`<p style="margin:4px 0;${css.muted}">${escapeXml(b.more)}</p>`);
        break;
      }
      case 'chart':
        out.push(`<div style="margin:8px 0;">${chart(b)}</div>`);
        break;
      case 'link':
        out.push(`<p style="margin:12px 0;"><a href="${escapeXml(b.href)}" style="color:#1565c0;">${escapeXml(b.text)}</a></p>`);
        break;
    }
  }
  out.push('</div>', '</body>', '</html>');
  return out.join('\n');
}

function htmlCell(c: Cell): string {
  if (typeof c === 'string') return escapeXml(c);
  if (c.level) {
    const fg = c.level === 'III' ? '#222' : '#fff';
    return `<span style="display:inline-block;padding:0 6px;border-radius:3px;background:${levelColors[c.level]};color:${fg};white-space:nowrap;">${escapeXml(c.text)}</span>`;
  }
  return c.tone ? `<span style="${css[c.tone]}">${escapeXml(c.text)}</span>` : escapeXml(c.text);
}

// --- Plain text: the same blocks, tables as aligned columns (CJK characters are two columns wide). ---

function toText(title: string, blocks: Block[]): string {
  const out: string[] = [title, '='.repeat(Math.min(60, displayWidth(title))), ''];
  for (const b of blocks) {
    switch (b.type) {
      case 'heading':
        out.push('', `【${b.text}】`);
        break;
      case 'paragraph':
        out.push(b.text);
        break;
      case 'list':
        for (const i of b.items) out.push(`- ${i}`);
        break;
      case 'table': {
        if (b.rows.length === 0) {
          out.push(b.empty);
          break;
        }
        const rows = [b.columns, ...b.rows.map((r) => r.map((c) => (typeof c === 'string' ? c : c.text)))];
        const widths = b.columns.map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
        const line = (r: string[]) => r.map((c, i) => (b.numeric?.includes(i) ? padStart(c, widths[i]!) : padEnd(c, widths[i]!))).join('  ').trimEnd();
        out.push(line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line));
        if (b.more) out.push(b.more);
        break;
      }
      case 'chart':
        out.push(`［图］${b.alt}。`);
        break;
      case 'link':
        out.push('', `${b.text}：${b.href}`);
        break;
    }
  }
  return `${out.join('\n').trim()}\n`;
}

function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! >= 0x2e80 ? 2 : 1;
  return w;
}
const padEnd = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - displayWidth(s)));
const padStart = (s: string, w: number) => ' '.repeat(Math.max(0, w - displayWidth(s))) + s;
