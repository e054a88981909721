import type { WarningEventV1 } from '../../../schemas/outputs/warning-event.ts';
import { displayScore, levelColour, levelName, productName, regionChain, type Level } from './names.ts';

// What one warning says in an email, built once and then written out as plain text and as HTML:
// the two parts of a message cannot drift apart if neither decides what to show.

export type ItemView = {
  level: Level;
  /** "II级预警（橙色）" */
  badge: string;
  /** "新乐市 防水卷材" */
  title: string;
  fields: [label: string, value: string][];
  evidence: { formula: string; rows: string[][] } | null;
  samples: [source: string, ids: string][];
  dashboardUrl: string;
};

export const evidenceColumns = ['信号', '观测', '期望', 'z', '贡献', '发现'] as const;

const sourceLabel: Record<string, string> = { complaints: '12365 投诉举报', spotcheck: '监督抽查', media: '舆情监测' };

// Keys of the evidence object built in transforms/score/evidence.ts; a key added there and not here
// still shows, under its own name.
const measureLabel: Record<string, string> = {
  windowDays: '窗口天数',
  weightedVoices: '加权诉求量',
  voices1d: '1日诉求',
  voices7d: '7日诉求',
  voices28d: '28日诉求',
  complaints7d: '7日投诉',
  callers7d: '7日来电人数',
  dispersion: '离散度',
  samples90d: '90日抽检批次',
  failed90d: '90日不合格批次',
  samples365d: '365日抽检批次',
  failed365d: '365日不合格批次',
  shrunkFailRate90d: '90日不合格率（收缩估计）',
  shrunkFailRate365d: '365日不合格率（收缩估计）',
  productFailRate: '全国基准不合格率',
  negativity: '负面度',
  exposureReach: '曝光传播量',
};

const regionLevelLabel: Record<WarningEventV1['regionLevel'], string> = { county: '县级', prefecture: '地市级', province: '省级' };

// A list of a hundred record ids helps nobody in an email; the dashboard has them all.
const SAMPLE_IDS_SHOWN = 10;

const levelOrder: Record<Level, number> = { I: 0, II: 1, III: 2, IV: 3 };

/** Most severe first, then highest score: the order a reader should work through them. */
export function bySeverity(a: { event: WarningEventV1 }, b: { event: WarningEventV1 }): number {
  return levelOrder[a.event.level] - levelOrder[b.event.level] || b.event.score - a.event.score;
}

/** "新乐市 防水卷材": the short label subjects and lists use. */
export function shortLabel(event: WarningEventV1): string {
  return `${regionChain(event.regionCode).at(-1)} ${productName(event.productCode)}`;
}

export function changeText(event: WarningEventV1): string {
  const from = event.previousLevel ? levelName(event.previousLevel) : '原等级';
  switch (event.event) {
    case 'opened':
      return `新发预警（${levelName(event.level)}）`;
    case 'escalated':
      return `由 ${from} 升至 ${levelName(event.level)}`;
    case 'deescalated':
      return `由 ${from} 降至 ${levelName(event.level)}`;
    case 'resolved':
      return `预警解除（解除前为 ${levelName(event.level)}）`;
    case 'acknowledged':
      return `已确认（${levelName(event.level)}）`;
  }
}

export function itemView(item: { event: WarningEventV1; dashboardUrl: string }): ItemView {
  const e = item.event;
  const product = productName(e.productCode);
  const colour = levelColour[e.level].zh;
  const coverage = e.regionLevel !== 'county' && e.evidence ? `，${e.evidence.counties} 个区县有数据` : '';
  const threshold = e.evidence ? `（${levelName(e.level)}阈值 ${e.evidence.thresholds[e.level]}）` : '';
  return {
    level: e.level,
    badge: `${levelName(e.level)}预警（${colour}）`,
    title: shortLabel(e),
    fields: [
      ['等级', `${levelName(e.level)}（${colour}）`],
      ['产品', `${product}（${e.productCode}）`],
      ['地区', `${regionChain(e.regionCode).join(' ')}（${e.regionCode}，${regionLevelLabel[e.regionLevel]}${coverage}）`],
      ['风险评分', `${displayScore(e.score)}${threshold}`],
      ['变化', changeText(e)],
      ['预警编号', e.warningId],
      ['首次预警', beijingTime(e.openedAt)],
      ['本次评估', beijingTime(e.evaluatedAt)],
    ],
    evidence: e.evidence && {
      formula: e.evidence.formula,
      rows: e.evidence.signals.map((s) => [
        sourceLabel[s.source] ?? s.source,
        measures(s.observed),
        measures(s.expected),
        formatNumber(s.z),
        `${formatNumber(s.contribution)} 分`,
        s.findings.join('；') || '—',
      ]),
    },
    samples: Object.entries(e.evidence?.samples ?? {})
      .filter(([, ids]) => ids.length > 0)
      .map(([source, ids]) => [
        sourceLabel[source] ?? source,
        ids.slice(0, SAMPLE_IDS_SHOWN).join('、') + (ids.length > SAMPLE_IDS_SHOWN ? ` 等 ${ids.length} 条` : ''),
      ]),
    dashboardUrl: item.dashboardUrl,
  };
}

function measures(values: Record<string, number | string>): string {
  return Object.entries(values)
    .map(([key, v]) => `${measureLabel[key] ?? key} ${typeof v === 'number' ? formatNumber(v) : v}`)
    .join('，');
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(3)));
}

// Bureaus work in Beijing time; the contract carries UTC.
function beijingTime(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 8 * 3_600_000);
  return `${shifted.toISOString().slice(0, 16).replace('T', ' ')}（北京时间）`;
}
