import { isProductCode } from '../../services/domain/catalog.ts';
import { normalizeRegionCode } from '../../services/domain/regions.ts';
import type { Topic } from '../../services/simulate/types.ts';

// An independent reading of contracts/feeds-v1.md, written from the contract text rather than from
// the simulator, so the simulator's notion of "valid" is checked against the contract itself.
// Returns why a message would be rejected, or undefined when it would be accepted.

const DAY_MS = 86_400_000;
const MAX_DEPTH = 16;

const ENUMS = {
  channel: ['phone', '电话', 'web', '网站', 'app', 'wechat', '微信', 'letter', '信件', 'visit', '来访'],
  kind: ['complaint', '投诉', 'report', '举报', 'inquiry', '咨询', 'suggestion', '建议'],
  issue: ['quality_defect', '质量缺陷', 'safety_hazard', '安全隐患', 'counterfeit', '假冒伪劣', 'false_labeling', '虚假标识', 'unlicensed', '无证生产', 'short_weight', '短斤缺两', 'other', '其他'],
  harm: ['none', '无', 'property', '财产损失', 'injury', '人身伤害', 'death', '死亡'],
  sourceType: ['news', '新闻', 'social', '社交', 'video', '视频', 'forum', '论坛', 'ecommerce_review', '电商评价'],
  level: ['national', '国家', 'provincial', '省级', 'municipal', '市级', 'county', '县级'],
  result: ['pass', '合格', 'fail', '不合格'],
  hazard: ['safety', 'performance', 'labeling'],
} as const;

/** Instant of a contract timestamp, or NaN. */
export function contractTime(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(`${text}T00:00:00+08:00`);
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}$/.test(text)) return Date.parse(`${text.replace(' ', 'T')}+08:00`);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return Date.parse(text);
  return Number.NaN;
}

function depth(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  let max = 0;
  for (const c of children) max = Math.max(max, depth(c));
  return max + 1;
}

type Rec = Record<string, unknown>;
const absent = (v: unknown) => v === undefined || v === null;
const isStr = (v: unknown, min: number, max: number) => typeof v === 'string' && v.length >= min && v.length <= max;

export function rejection(topic: Topic, value: Buffer, nowMs: number): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch {
    return 'not_utf8';
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'not_json';
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return 'not_object';
  if (depth(json) > MAX_DEPTH) return 'too_deep';
  const r = json as Rec;

  const problems: string[] = [];
  const need = (field: string, ok: boolean) => {
    if (absent(r[field])) problems.push(`missing:${field}`);
    else if (!ok) problems.push(`invalid:${field}`);
  };
  const may = (field: string, ok: boolean) => {
    if (!absent(r[field]) && !ok) problems.push(`invalid:${field}`);
  };
  const time = (field: string) => {
    const ms = contractTime(r[field]);
    return !Number.isNaN(ms) && ms <= nowMs + DAY_MS;
  };
  const oneOf = (field: keyof typeof ENUMS) => (ENUMS[field] as readonly unknown[]).includes(r[field]);
  const region = (v: unknown) => typeof v === 'string' && normalizeRegionCode(v) !== undefined;
  const product = () => typeof r.productCode === 'string' && isProductCode(r.productCode);
  const enterprise = (v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) &&
    ['creditCode', 'name'].every((k) => absent((v as Rec)[k]) || typeof (v as Rec)[k] === 'string');

  switch (topic) {
    case 'hotline':
      need('id', isStr(r.id, 1, 64));
      need('receivedAt', time('receivedAt'));
      may('channel', oneOf('channel'));
      need('kind', oneOf('kind'));
      need('regionCode', region(r.regionCode));
      need('productCode', product());
      may('productName', isStr(r.productName, 0, 200));
      may('enterprise', enterprise(r.enterprise));
      need('issue', oneOf('issue'));
      may('harm', oneOf('harm'));
      may('description', isStr(r.description, 0, 4000));
      may('complainant', typeof r.complainant === 'object' && !Array.isArray(r.complainant));
      break;
    case 'media':
      need('id', isStr(r.id, 1, 128));
      need('publishedAt', time('publishedAt'));
      need('source', isStr(r.source, 1, 200));
      need('sourceType', oneOf('sourceType'));
      may('url', isStr(r.url, 0, 2000));
      may('title', isStr(r.title, 0, 500));
      may('regionCodes', Array.isArray(r.regionCodes) && r.regionCodes.length <= 50 && r.regionCodes.every(region));
      need('productCode', product());
      may('enterpriseCreditCodes', Array.isArray(r.enterpriseCreditCodes) && r.enterpriseCreditCodes.length <= 50 && r.enterpriseCreditCodes.every((c) => typeof c === 'string'));
      need('sentiment', typeof r.sentiment === 'number' && r.sentiment >= -1 && r.sentiment <= 1);
      may('reach', Number.isInteger(r.reach) && (r.reach as number) >= 0);
      may('exposure', typeof r.exposure === 'boolean');
      break;
    case 'spotcheck': {
      need('id', isStr(r.id, 1, 64));
      need('sampledAt', time('sampledAt'));
      may('publishedAt', time('publishedAt'));
      need('level', oneOf('level'));
      need('regionCode', region(r.regionCode));
      need('productCode', product());
      need('enterprise', enterprise(r.enterprise));
      may('batch', isStr(r.batch, 0, 100));
      need('result', oneOf('result'));
      const failed = r.result === 'fail' || r.result === '不合格';
      const items = absent(r.failedItems) ? [] : r.failedItems;
      const itemsOk =
        Array.isArray(items) &&
        items.every((i: Rec) => isStr(i?.item, 1, 200) && (ENUMS.hazard as readonly unknown[]).includes(i.hazard)) &&
        (failed ? items.length > 0 : items.length === 0);
      if (!itemsOk) problems.push(failed ? 'fail_without_failed_items' : 'invalid:failedItems');
      may('lab', isStr(r.lab, 0, 200));
      break;
    }
  }
  return problems[0];
}
