import { escapeXml } from './escape.ts';
import { beijingDateTime, beijingMonthDay } from './period.ts';

// Two small SVG charts drawn by hand (no chart library): a line chart of daily series and a bar
// chart of pass rates against a target. Output is deterministic — coordinates rounded to 0.1 px, no
// random ids, no clock — so the same data always gives byte-identical SVG and tests can assert on
// its structure. Every text is escaped; non-finite values are left out instead of becoming "NaN".

/** CJK-capable fonts on macOS, Windows and Linux, then the generic family. */
export const fontFamily = "'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',Arial,sans-serif";

export type ChartPoint = { x: Date; y: number };
export type ChartSeries = { label: string; color: string; points: readonly ChartPoint[] };

export type TrendChartOptions = {
  title?: string;
  /** Unit shown above the y axis, e.g. "条". */
  yLabel?: string;
  width?: number;
  height?: number;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FONT = 12;

/** A line chart of time series: one path per series, y from zero, weekly ticks for daily data. */
export function trendChart(series: readonly ChartSeries[], opts: TrendChartOptions = {}): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 280;
  const clean = series.map((s) => ({ ...s, points: s.points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x.getTime())) }));
  const all = clean.flatMap((s) => s.points);
  const xs = all.map((p) => p.x.getTime());
  let x0 = xs.length ? Math.min(...xs) : 0;
  let x1 = xs.length ? Math.max(...xs) : DAY;
  if (x1 === x0) [x0, x1] = [x0 - DAY / 2, x1 + DAY / 2];
  const ys = all.map((p) => p.y);
  const integer = ys.every((y) => Number.isInteger(y));
  const yTicks = niceTicks(Math.min(0, ...ys), Math.max(0, ...ys), 5, integer);
  const y0 = yTicks[0]!;
  const y1 = yTicks[yTicks.length - 1]!;

  const tickLabels = yTicks.map((v) => formatTick(v));
  const top = (opts.title ? 30 : 10) + (opts.yLabel ? 16 : 0);
  const left = Math.ceil(Math.max(...tickLabels.map((t) => textWidth(t, FONT)))) + 14;
  const legendRows = legendLayout(clean.map((s) => s.label), width - left - 16);
  const bottom = 24 + legendRows.height;
  const plot = { x: left, y: top, w: width - left - 16, h: height - top - bottom };
  const sx = (x: number) => plot.x + ((x - x0) / (x1 - x0)) * plot.w;
  const sy = (y: number) => plot.y + plot.h - ((y - y0) / (y1 - y0)) * plot.h;

  const out: string[] = [open(width, height, opts.title ?? '趋势图')];
  if (opts.title) out.push(`<text class="title" x="${n(left)}" y="20" font-size="14" font-weight="bold" fill="#222">${escapeXml(opts.title)}</text>`);
  if (opts.yLabel) out.push(`<text class="y-label" x="${n(left)}" y="${n(top - 6)}" fill="#666">${escapeXml(opts.yLabel)}</text>`);

  out.push('<g class="y-axis">');
  yTicks.forEach((v, i) => {
    const y = sy(v);
    out.push(`<line x1="${n(plot.x)}" y1="${n(y)}" x2="${n(plot.x + plot.w)}" y2="${n(y)}" stroke="${v === 0 ? '#999' : '#e6e6e6'}" stroke-width="1"/>`);
    out.push(`<text x="${n(plot.x - 6)}" y="${n(y + 4)}" text-anchor="end" fill="#666">${escapeXml(tickLabels[i]!)}</text>`);
  });
  out.push('</g>');

  const step = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 91 * DAY, 182 * DAY, 364 * DAY].find((s) => (x1 - x0) / s <= 8) ?? 364 * DAY;
  const label = step < DAY ? (d: Date) => beijingDateTime(d).slice(5) : beijingMonthDay;
  out.push('<g class="x-axis">');
  out.push(`<line x1="${n(plot.x)}" y1="${n(plot.y + plot.h)}" x2="${n(plot.x + plot.w)}" y2="${n(plot.y + plot.h)}" stroke="#999" stroke-width="1"/>`);
  for (let x = x0; x <= x1 + 1; x += step) {
    const px = sx(x);
    out.push(`<line x1="${n(px)}" y1="${n(plot.y + plot.h)}" x2="${n(px)}" y2="${n(plot.y + plot.h + 4)}" stroke="#999" stroke-width="1"/>`);
    out.push(`<text x="${n(px)}" y="${n(plot.y + plot.h + 17)}" text-anchor="middle" fill="#666">${escapeXml(label(new Date(x)))}</text>`);
  }
  out.push('</g>');

  out.push('<g class="series">');
  // Drawn last-first, so the first series (the most important, e.g. level I) lies on top.
  for (const s of [...clean].reverse()) {
    const pts = [...s.points].sort((a, b) => a.x.getTime() - b.x.getTime());
    const color = escapeXml(s.color);
    if (pts.length === 1) {
      out.push(`<circle cx="${n(sx(pts[0]!.x.getTime()))}" cy="${n(sy(pts[0]!.y))}" r="3" fill="${color}"/>`);
    } else if (pts.length > 1) {
      const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(sx(p.x.getTime()))} ${n(sy(p.y))}`).join(' ');
      out.push(`<path class="series-line" data-label="${escapeXml(s.label)}" d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>`);
    }
  }
  out.push('</g>');

  out.push(legend(clean, legendRows, plot.x, plot.y + plot.h + 30));
  out.push('</svg>');
  return out.join('\n');
}

export type PassRateBar = {
  label: string;
  /** Share of samples that passed, 0–1. */
  rate: number;
  samples: number;
  /** The previous period's rate, drawn as a marker on the bar. */
  previousRate?: number | null;
};

export type PassRateChartOptions = {
  /** Target pass rate, 0–1 (default 0.85). */
  target?: number;
  title?: string;
  width?: number;
};

const PASS = '#2e7d32';
const BELOW = '#c62828';

/**
 * Horizontal bars per product (names are long Chinese labels: they read better on the left than
 * under a column), 0–100 % so that the bar lengths are honest, the target as a dashed line, and the
 * previous period as a dark tick on each bar.
 */
export function passRateChart(rows: readonly PassRateBar[], opts: PassRateChartOptions = {}): string {
  const width = opts.width ?? 640;
  const target = opts.target ?? 0.85;
  const rowH = 24;
  const barH = 14;
  const maxLabel = 12 * FONT;
  const labels = rows.map((r) => truncate(r.label, maxLabel));
  const labelW = Math.ceil(Math.max(4 * FONT, ...labels.map((l) => textWidth(l, FONT)))) + 10;
  const valueW = 118;
  const top = (opts.title ? 30 : 10) + 16;
  const plot = { x: labelW, y: top, w: width - labelW - valueW, h: Math.max(1, rows.length) * rowH };
  const height = plot.y + plot.h + 22 + 26;
  const sx = (r: number) => plot.x + Math.min(1, Math.max(0, r)) * plot.w;

  const out: string[] = [open(width, height, opts.title ?? '抽查合格率')];
  if (opts.title) out.push(`<text class="title" x="4" y="20" font-size="14" font-weight="bold" fill="#222">${escapeXml(opts.title)}</text>`);

  out.push('<g class="x-axis">');
  for (const v of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    const x = sx(v);
    out.push(`<line x1="${n(x)}" y1="${n(plot.y)}" x2="${n(x)}" y2="${n(plot.y + plot.h)}" stroke="${v === 0 ? '#999' : '#e6e6e6'}" stroke-width="1"/>`);
    out.push(`<text x="${n(x)}" y="${n(plot.y + plot.h + 16)}" text-anchor="middle" fill="#666">${v * 100}%</text>`);
  }
  out.push('</g>');

  if (rows.length === 0) out.push(`<text x="${n(plot.x + 8)}" y="${n(plot.y + 16)}" fill="#666">本期无抽查结果</text>`);
  out.push('<g class="bars">');
  rows.forEach((r, i) => {
    const cy = plot.y + i * rowH + rowH / 2;
    out.push(`<text x="${n(plot.x - 8)}" y="${n(cy + 4)}" text-anchor="end" fill="#222">${escapeXml(labels[i]!)}</text>`);
    if (!Number.isFinite(r.rate)) {
      out.push(`<text x="${n(plot.x + 6)}" y="${n(cy + 4)}" fill="#666">—</text>`);
      return;
    }
    const below = r.rate < target;
    const value = `${formatPercent(r.rate)}（${r.samples}批次）`;
    out.push(
      `<rect class="bar" x="${n(plot.x)}" y="${n(cy - barH / 2)}" width="${n(sx(r.rate) - plot.x)}" height="${barH}" fill="${below ? BELOW : PASS}"><title>${escapeXml(`${r.label}：${value}`)}</title></rect>`,
    );
    if (r.previousRate !== undefined && r.previousRate !== null && Number.isFinite(r.previousRate)) {
      const px = sx(r.previousRate);
      out.push(`<line class="previous" x1="${n(px)}" y1="${n(cy - barH / 2 - 3)}" x2="${n(px)}" y2="${n(cy + barH / 2 + 3)}" stroke="#222" stroke-width="2"/>`);
    }
    out.push(`<text x="${n(plot.x + plot.w + 6)}" y="${n(cy + 4)}" fill="${below ? BELOW : '#222'}">${escapeXml(value)}</text>`);
  });
  out.push('</g>');

  const tx = sx(target);
  out.push(`<line class="target" x1="${n(tx)}" y1="${n(plot.y - 4)}" x2="${n(tx)}" y2="${n(plot.y + plot.h)}" stroke="${BELOW}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
  out.push(`<text class="target-label" x="${n(tx)}" y="${n(plot.y - 7)}" text-anchor="middle" fill="${BELOW}">目标 ${escapeXml(formatPercent(target))}</text>`);

  const ly = plot.y + plot.h + 36;
  out.push('<g class="legend">');
  out.push(`<rect class="legend-swatch" x="${n(plot.x)}" y="${n(ly - 10)}" width="12" height="12" fill="${PASS}"/><text x="${n(plot.x + 16)}" y="${n(ly)}" fill="#222">达到目标</text>`);
  out.push(`<rect class="legend-swatch" x="${n(plot.x + 90)}" y="${n(ly - 10)}" width="12" height="12" fill="${BELOW}"/><text x="${n(plot.x + 106)}" y="${n(ly)}" fill="#222">低于目标</text>`);
  out.push(`<line x1="${n(plot.x + 186)}" y1="${n(ly - 11)}" x2="${n(plot.x + 186)}" y2="${n(ly + 3)}" stroke="#222" stroke-width="2"/><text x="${n(plot.x + 194)}" y="${n(ly)}" fill="#222">上期</text>`);
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}

function open(width: number, height: number, label: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${n(height)}" viewBox="0 0 ${width} ${n(height)}" font-family="${fontFamily}" font-size="${FONT}" role="img" aria-label="${escapeXml(label)}">`,
    `<title>${escapeXml(label)}</title>`,
    // An explicit white ground: a mail client in dark mode would otherwise put dark text on black.
    `<rect class="background" x="0" y="0" width="${width}" height="${n(height)}" fill="#ffffff"/>`,
  ].join('\n');
}

type LegendLayout = { items: { x: number; row: number }[]; height: number };

function legendLayout(labels: readonly string[], width: number): LegendLayout {
  const items: LegendLayout['items'] = [];
  let x = 0;
  let row = 0;
  for (const l of labels) {
    const w = 16 + textWidth(l, FONT) + 18;
    if (x > 0 && x + w > width) [x, row] = [0, row + 1];
    items.push({ x, row });
    x += w;
  }
  return { items, height: labels.length ? (row + 1) * 18 + 8 : 0 };
}

function legend(series: readonly ChartSeries[], layout: LegendLayout, x0: number, y0: number): string {
  const out = ['<g class="legend">'];
  series.forEach((s, i) => {
    const { x, row } = layout.items[i]!;
    const y = y0 + row * 18;
    out.push(`<rect class="legend-swatch" x="${n(x0 + x)}" y="${n(y - 10)}" width="12" height="12" fill="${escapeXml(s.color)}"/>`);
    out.push(`<text x="${n(x0 + x + 16)}" y="${n(y)}" fill="#222">${escapeXml(s.label)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** Round ticks covering [min, max]: steps of 1, 2 or 5 × 10^k (at least 1 for counts). */
export function niceTicks(min: number, max: number, target: number, integer: boolean): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  if (integer) step = Math.max(1, Math.round(step));
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step / 2; i++) ticks.push(Number((lo + i * step).toFixed(10)));
  return ticks;
}

/** Width of a text at a font size: CJK and full-width characters are square, the rest about 0.6 em. */
export function textWidth(text: string, size: number): number {
  let w = 0;
  for (const ch of text) w += ch.codePointAt(0)! >= 0x2e80 ? size : size * 0.6;
  return w;
}

function truncate(text: string, max: number): string {
  if (textWidth(text, FONT) <= max) return text;
  let out = '';
  for (const ch of text) {
    if (textWidth(`${out}${ch}…`, FONT) > max) break;
    out += ch;
  }
  return `${out}…`;
}

export function formatPercent(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

function formatTick(v: number): string {
  return String(Number(v.toFixed(2)));
}

/** A coordinate: 0.1 px is finer than any screen, and keeps the output short and stable. */
function n(v: number): string {
  const r = Math.round(v * 10) / 10;
  return String(r === 0 ? 0 : r);
}
