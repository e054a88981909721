import type { Product, ProductCategory } from '../domain/catalog.ts';
import { county } from '../domain/regions.ts';
import { compactBeijingDate, DAY_MS, formatBeijingDate, formatTimestamp, beijingYear, type TimestampStyle } from './clock.ts';
import { countiesOfPrefecture, enterprise, isKeyCell, populationSize, type Cell, type Enterprise } from './population.ts';
import { Rng, Weighted } from './rng.ts';

// Builders of valid records for the three feeds of contracts/feeds-v1.md. Each one exercises the
// variants the contract allows (Chinese labels, every timestamp form, 12-digit region codes,
// lower-case credit codes, absent and null optional fields), because the consumers must handle
// all of them and a simulator that only emits the tidy form would hide their bugs.

export type JsonRecord = Record<string, unknown>;

/** What a builder needs besides its random stream. */
export type BuildContext = { seed: number; seq: number; ms: number; cell: Cell };

const ZH_SHARE = 0.3;
type Label = readonly [value: string, zh: string];

function label(rng: Rng, [value, zh]: Label): string {
  return rng.chance(ZH_SHARE) ? zh : value;
}

const TIMESTAMP_STYLES = new Weighted<TimestampStyle>([
  ['offset', 35], ['utc', 12], ['utc_ms', 5], ['local_space', 33], ['local_t', 15],
]);

function timestamp(rng: Rng, ms: number): string {
  return formatTimestamp(ms, TIMESTAMP_STYLES.pick(rng));
}

/** An optional field: usually present, sometimes absent (undefined is dropped by JSON.stringify), rarely null. */
function optional<T>(rng: Rng, value: T, presentShare: number): T | null | undefined {
  const x = rng.next();
  if (x < presentShare) return value;
  return x < presentShare + (1 - presentShare) * 0.2 ? null : undefined;
}

const PAD3 = (n: number) => String(n).padStart(3, '0');
const PAD6 = (n: number) => String(n).padStart(6, '0');

/** The county code, or now and then the 12-digit statistical code of a township and village in it. */
function regionCode(rng: Rng, code: string): string {
  return rng.chance(0.12) ? `${code}${PAD3(rng.int(1, 220))}${PAD3(rng.int(0, 260))}` : code;
}

/**
 * A credit code as people type it: usually as registered, sometimes lower-case, and rarely with
 * a typo. A wrong check character does not make a record invalid (feeds-v1: the record is kept
 * without the enterprise link), so typos belong in valid traffic.
 */
function creditCodeAsTyped(rng: Rng, code: string): string {
  const x = rng.next();
  if (x < 0.015) {
    const i = rng.int(10, 16);
    const replacement = code[i] === '8' ? '3' : '8';
    return code.slice(0, i) + replacement + code.slice(i + 1);
  }
  return x < 0.115 ? code.toLowerCase() : code;
}

function enterpriseObject(rng: Rng, e: Enterprise): JsonRecord {
  // Either field may be missing; callers and inspectors often give only one of them.
  const withCode = e.creditCode !== undefined && rng.chance(0.8);
  const withName = !withCode || rng.chance(0.93);
  return {
    creditCode: withCode ? creditCodeAsTyped(rng, e.creditCode!) : undefined,
    name: withName ? e.name : undefined,
  };
}

function pickEnterprise(rng: Rng, ctx: BuildContext): Enterprise {
  const { product, regionCode: code } = ctx.cell;
  return enterprise(ctx.seed, product, code, rng.int(0, populationSize(ctx.seed, product.code, code) - 1));
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------- hotline

const CHANNELS = new Weighted<Label>([
  [['phone', '电话'], 50], [['web', '网站'], 15], [['app', 'app'], 8], [['wechat', '微信'], 20],
  [['letter', '信件'], 2], [['visit', '来访'], 5],
]);
const KIND = { complaint: ['complaint', '投诉'], report: ['report', '举报'], inquiry: ['inquiry', '咨询'], suggestion: ['suggestion', '建议'] } as const;
const KINDS = new Weighted<Label>([[KIND.complaint, 58], [KIND.report, 14], [KIND.inquiry, 22], [KIND.suggestion, 6]]);
// In a key region neighbours report unlicensed workshops more than customers complain.
const KINDS_KEY_REGION = new Weighted<Label>([[KIND.complaint, 45], [KIND.report, 32], [KIND.inquiry, 18], [KIND.suggestion, 5]]);
const KINDS_SURGE = new Weighted<Label>([[KIND.complaint, 75], [KIND.report, 20], [KIND.inquiry, 4], [KIND.suggestion, 1]]);

type IssueCode = 'quality_defect' | 'safety_hazard' | 'counterfeit' | 'false_labeling' | 'unlicensed' | 'short_weight' | 'other';
const ISSUE_LABEL: Record<IssueCode, string> = {
  quality_defect: '质量缺陷', safety_hazard: '安全隐患', counterfeit: '假冒伪劣', false_labeling: '虚假标识',
  unlicensed: '无证生产', short_weight: '短斤缺两', other: '其他',
};
const ISSUES = new Weighted<IssueCode>([
  ['quality_defect', 45], ['safety_hazard', 12], ['counterfeit', 12], ['false_labeling', 10], ['unlicensed', 5],
  ['short_weight', 6], ['other', 10],
]);
const ISSUES_KEY_REGION = new Weighted<IssueCode>([
  ['quality_defect', 35], ['safety_hazard', 10], ['counterfeit', 20], ['false_labeling', 8], ['unlicensed', 20],
  ['short_weight', 2], ['other', 5],
]);
const ISSUES_SURGE = new Weighted<IssueCode>([
  ['quality_defect', 30], ['safety_hazard', 50], ['counterfeit', 8], ['false_labeling', 4], ['unlicensed', 4],
  ['short_weight', 1], ['other', 3],
]);
// Inquiries and suggestions are not about a defect; most are filed under "other".
const ISSUES_NON_COMPLAINT = new Weighted<IssueCode>([['other', 70], ['quality_defect', 20], ['false_labeling', 10]]);

const HARMS = new Weighted<Label>([[['none', '无'], 68], [['property', '财产损失'], 25.5], [['injury', '人身伤害'], 6.4], [['death', '死亡'], 0.1]]);
const HARMS_SURGE = new Weighted<Label>([[['none', '无'], 35], [['property', '财产损失'], 40], [['injury', '人身伤害'], 24], [['death', '死亡'], 1]]);

const SYMPTOMS: Record<ProductCategory, readonly string[]> = {
  electrical: ['使用中发热冒烟', '外壳带电，有触电感', '插头处烧焦', '通电后起火'],
  building_material: ['施工后不久开裂', '强度明显不够', '有刺鼻异味', '雨后渗水'],
  children: ['小零件容易脱落，孩子险些误吞', '边缘锋利划伤孩子', '有刺鼻气味'],
  household: ['使用时漏气', '有刺鼻气味，家人头晕', '放置不稳容易倾倒'],
  textile: ['洗后严重褪色', '穿后皮肤过敏', '有刺鼻气味'],
  vehicle: ['刹车失灵', '充电时电池起火', '车速远超限速'],
  auto_part: ['更换后刹车异响、制动距离变长', '使用不久即损坏', '行驶中脱落'],
  fuel: ['加油后车辆抖动熄火', '尾气冒黑烟', '油耗明显增加'],
  food_related: ['加热后有异味', '接触食物后掉色', '容器开裂漏液'],
  agricultural: ['使用后作物减产', '质量与宣传严重不符', '田间使用很快破损'],
  safety_equipment: ['关键时刻失效', '一压就碎', '佩戴后仍有明显异味'],
};

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '华', '建国', '桂兰', '志强'];
const MOBILE_PREFIXES = ['130', '131', '132', '135', '136', '137', '138', '139', '150', '151', '152', '158', '159', '170', '176', '177', '180', '181', '186', '187', '188', '189', '199'];

type Caller = { phone: string; name: string | undefined };

/**
 * Complainants, some of whom call again: the downstream keyed hash of the phone exists to
 * recognise repeat callers, so the simulation has to contain them.
 */
export class CallerPool {
  private readonly recent: Caller[] = [];
  private nextSlot = 0;

  next(rng: Rng): Caller {
    if (this.recent.length > 0 && rng.chance(0.12)) return rng.pick(this.recent);
    const surname = rng.pick(SURNAMES);
    const style = rng.next();
    const caller: Caller = {
      phone: `${rng.pick(MOBILE_PREFIXES)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`,
      // Hotline operators often record only a surname and title.
      name: style < 0.5 ? surname + rng.pick(GIVEN) : style < 0.9 ? surname + (rng.chance(0.5) ? '先生' : '女士') : undefined,
    };
    // A bounded ring: memory stays flat however long the simulation runs.
    if (this.recent.length < 1000) this.recent.push(caller);
    else this.recent[this.nextSlot++ % 1000] = caller;
    return caller;
  }
}

function describe(rng: Rng, kind: string, issue: IssueCode, product: Product, regionCode: string): string {
  const name = product.nameZh;
  if (kind === 'inquiry') return `咨询${name}的国家标准和检验要求`;
  if (kind === 'suggestion') return `建议加强对本地${name}生产企业的监督抽查`;
  switch (issue) {
    case 'quality_defect':
      return `购买的${name}使用${rng.int(1, 11)}个月后出现问题，疑似${rng.pick(product.typicalFailedItems).item}不合格，要求退换`;
    case 'safety_hazard':
      return `${name}${rng.pick(SYMPTOMS[product.category])}，存在安全隐患`;
    case 'counterfeit':
      return `商家销售的${name}疑似假冒知名品牌，包装上厂名厂址无法核实`;
    case 'false_labeling':
      return `${name}标注的${rng.pick(product.typicalFailedItems).item}与实际不符`;
    case 'unlicensed':
      return `${county(regionCode)?.name ?? ''}有作坊无证生产${name}，夜间开工`;
    case 'short_weight':
      return `${name}标称重量与实际不符，少了约${rng.int(5, 20)}%`;
    case 'other':
      return `对所购${name}的质量有疑问，希望监管部门核查`;
  }
}

export function hotlineRecord(rng: Rng, ctx: BuildContext, callers: CallerPool, surge: boolean): JsonRecord {
  const { product, regionCode: code } = ctx.cell;
  const key = isKeyCell(product.code, code);
  const kindLabel = (surge ? KINDS_SURGE : key ? KINDS_KEY_REGION : KINDS).pick(rng);
  const kind = kindLabel[0];
  const complaintLike = kind === 'complaint' || kind === 'report';
  const issue = (complaintLike ? (surge ? ISSUES_SURGE : key ? ISSUES_KEY_REGION : ISSUES) : ISSUES_NON_COMPLAINT).pick(rng);
  const caller = rng.chance(0.85) ? callers.next(rng) : undefined;
  return {
    id: `12365-${code.slice(0, 4)}-${compactBeijingDate(ctx.ms)}-${PAD6(ctx.seq)}`,
    receivedAt: timestamp(rng, ctx.ms),
    channel: optional(rng, label(rng, CHANNELS.pick(rng)), 0.85),
    kind: label(rng, kindLabel),
    regionCode: regionCode(rng, code),
    productCode: product.code,
    productName: optional(rng, product.nameZh, 0.6),
    enterprise: rng.chance(surge ? 0.75 : 0.55) ? enterpriseObject(rng, pickEnterprise(rng, ctx)) : undefined,
    issue: rng.chance(ZH_SHARE) ? ISSUE_LABEL[issue] : issue,
    harm: complaintLike ? optional(rng, label(rng, (surge ? HARMS_SURGE : HARMS).pick(rng)), 0.8) : undefined,
    // Callers leave a callback number in the free text too: personal data where no field says so.
    description: optional(rng, describe(rng, kind, issue, product, code) + (caller && rng.chance(0.05) ? `，请回电${caller.phone}` : ''), 0.9),
    complainant: caller && { phone: caller.phone, name: caller.name },
  };
}

// ---------------------------------------------------------------- media

type SourceType = 'news' | 'social' | 'video' | 'forum' | 'ecommerce_review';
const SOURCE_TYPE_LABEL: Record<SourceType, string> = {
  news: '新闻', social: '社交', video: '视频', forum: '论坛', ecommerce_review: '电商评价',
};
const SOURCE_TYPES = new Weighted<SourceType>([['news', 25], ['social', 40], ['video', 12], ['forum', 10], ['ecommerce_review', 13]]);
const FOLLOW_UP_TYPES = new Weighted<SourceType>([['social', 60], ['video', 25], ['forum', 15]]);
export const BIG_OUTLETS = ['中央电视台', '央视财经', '新华社', '人民日报', '中国质量报', '新京报'] as const;
const NEWS_OUTLETS = [...BIG_OUTLETS, '某市电视台', '澎湃新闻', '南方都市报', '北京青年报', '中国消费者报', '齐鲁晚报', '燕赵都市报'];
const PLATFORMS: Record<Exclude<SourceType, 'news'>, readonly string[]> = {
  social: ['微博', '微信公众号', '今日头条'],
  video: ['抖音', '快手', '哔哩哔哩'],
  forum: ['百度贴吧', '知乎', '小红书'],
  ecommerce_review: ['京东商城', '淘宝', '拼多多', '天猫'],
};
const URL_HOSTS: Record<SourceType, string> = {
  news: 'news.example.cn', social: 'weibo.example.cn', video: 'video.example.cn', forum: 'bbs.example.cn',
  ecommerce_review: 'item.example.cn',
};
// Median audience by source type; reach is log-normal around it.
const MEDIAN_REACH: Record<SourceType, number> = { news: 50_000, social: 2_000, video: 20_000, forum: 500, ecommerce_review: 100 };
const MEAN_SENTIMENT: Record<SourceType, number> = { news: 0, social: -0.2, video: -0.1, forum: -0.15, ecommerce_review: -0.2 };

function sourceName(rng: Rng, type: SourceType): string {
  if (type === 'news') return rng.pick(NEWS_OUTLETS);
  const platform = rng.pick(PLATFORMS[type]);
  return type === 'ecommerce_review' ? platform : `${platform}用户${rng.int(10_000, 9_999_999)}`;
}

function mediaTitle(rng: Rng, product: Product, regionCode: string, sentiment: number): string {
  const place = county(regionCode)?.name ?? '';
  if (sentiment < -0.3) {
    return rng.pick([
      `${place}${product.nameZh}质量问题引关注`,
      `消费者投诉${product.nameZh}${rng.pick(product.typicalFailedItems).item}不达标`,
      `买到问题${product.nameZh}，维权难`,
    ]);
  }
  if (sentiment > 0.3) return `${place}开展${product.nameZh}质量提升行动`;
  return `${product.nameZh}选购指南：这几项指标要看清`;
}

function reach(rng: Rng, type: SourceType): number {
  return Math.round(MEDIAN_REACH[type] * Math.exp(rng.normal(0, 1.2)));
}

function mediaId(ctx: BuildContext): string {
  return `m-${compactBeijingDate(ctx.ms)}-${ctx.seq}`;
}

function creditCodesOf(rng: Rng, ctx: BuildContext, count: number): string[] {
  const codes: string[] = [];
  for (let i = 0; i < count * 3 && codes.length < count; i++) {
    const e = pickEnterprise(rng, ctx);
    if (e.creditCode) codes.push(creditCodeAsTyped(rng, e.creditCode));
  }
  return codes;
}

export function mediaRecord(rng: Rng, ctx: BuildContext): JsonRecord {
  const { product, regionCode: code } = ctx.cell;
  const type = SOURCE_TYPES.pick(rng);
  const source = sourceName(rng, type);
  const keyCellShift = isKeyCell(product.code, code) ? -0.25 : 0;
  // Rarely a big outlet runs an exposé unprompted; declared incidents add the ones a test relies on.
  const exposure = BIG_OUTLETS.includes(source as (typeof BIG_OUTLETS)[number]) && rng.chance(0.002);
  const sentiment = exposure ? rng.uniform(-0.95, -0.7) : clamp(rng.normal(MEAN_SENTIMENT[type] + keyCellShift, 0.35), -1, 1);
  const regionCount = rng.chance(0.5) ? 0 : rng.chance(0.85) ? 1 : rng.int(2, 3);
  const regions = regionCount === 0 ? [] : [regionCode(rng, code)];
  // A story that names several places names neighbours: counties of the same prefecture.
  for (let i = 1; i < regionCount; i++) regions.push(regionCode(rng, rng.pick(countiesOfPrefecture(code))));
  return {
    id: mediaId(ctx),
    publishedAt: timestamp(rng, ctx.ms),
    source,
    sourceType: rng.chance(ZH_SHARE) ? SOURCE_TYPE_LABEL[type] : type,
    url: optional(rng, `https://${URL_HOSTS[type]}/a/${ctx.seq}`, 0.7),
    title: optional(rng, mediaTitle(rng, product, code, sentiment), type === 'news' ? 0.9 : 0.4),
    regionCodes: regionCount === 0 ? optional(rng, [], 0.5) : regions,
    productCode: product.code,
    enterpriseCreditCodes: rng.chance(0.2) ? creditCodesOf(rng, ctx, rng.int(1, 2)) : optional(rng, [], 0.3),
    sentiment: round2(sentiment),
    reach: exposure ? rng.int(1_000_000, 30_000_000) : optional(rng, reach(rng, type), 0.85),
    exposure: exposure ? true : optional(rng, false, 0.5),
  };
}

const EXPOSE_TITLES = ['作坊无证生产、以次充好', '停产整改企业夜间照常生产', '假冒厂名厂址产品流向全国', '多项指标不合格仍在销售'];

/** A mainstream investigative exposé (媒体曝光): the kind of item that has started national incidents. */
export function exposeRecord(rng: Rng, ctx: BuildContext, intensity: number): JsonRecord {
  const { product, regionCode: code } = ctx.cell;
  const type: SourceType = rng.chance(0.7) ? 'news' : 'video';
  return {
    id: mediaId(ctx),
    publishedAt: timestamp(rng, ctx.ms),
    source: rng.pick(BIG_OUTLETS),
    sourceType: rng.chance(ZH_SHARE) ? SOURCE_TYPE_LABEL[type] : type,
    url: `https://${URL_HOSTS[type]}/a/${ctx.seq}`,
    title: `记者暗访：${county(code)?.name ?? ''}${product.nameZh}${rng.pick(EXPOSE_TITLES)}`,
    regionCodes: [code],
    productCode: product.code,
    enterpriseCreditCodes: creditCodesOf(rng, ctx, rng.int(1, 3)),
    sentiment: round2(rng.uniform(-0.95, -0.72)),
    reach: Math.round(1_000_000 * (1 + intensity * rng.uniform(0.2, 0.6))),
    exposure: true,
  };
}

/** A social post reacting to an exposé: negative, small audience, usually naming the county. */
export function followUpRecord(rng: Rng, ctx: BuildContext): JsonRecord {
  const { product, regionCode: code } = ctx.cell;
  const type = FOLLOW_UP_TYPES.pick(rng);
  return {
    id: mediaId(ctx),
    publishedAt: timestamp(rng, ctx.ms),
    source: sourceName(rng, type),
    sourceType: rng.chance(ZH_SHARE) ? SOURCE_TYPE_LABEL[type] : type,
    url: optional(rng, `https://${URL_HOSTS[type]}/a/${ctx.seq}`, 0.7),
    title: optional(rng, `转发：${county(code)?.name ?? ''}${product.nameZh}被曝光，家里用的是不是这种？`, 0.5),
    regionCodes: rng.chance(0.7) ? [regionCode(rng, code)] : undefined,
    productCode: product.code,
    sentiment: round2(clamp(rng.normal(-0.6, 0.2), -1, -0.1)),
    reach: Math.round(5_000 * Math.exp(rng.normal(0, 1))),
    exposure: optional(rng, false, 0.4),
  };
}

// ---------------------------------------------------------------- spot checks

const LEVEL = { national: ['national', '国家'], provincial: ['provincial', '省级'], municipal: ['municipal', '市级'], county: ['county', '县级'] } as const;
const LEVELS = new Weighted<Label>([[LEVEL.national, 10], [LEVEL.provincial, 35], [LEVEL.municipal, 35], [LEVEL.county, 20]]);
const PASS: Label = ['pass', '合格'];
const FAIL: Label = ['fail', '不合格'];
const PROVINCE_ABBR: Record<string, string> = {
  '11': 'BJ', '12': 'TJ', '13': 'HB', '14': 'SX', '15': 'NM', '21': 'LN', '22': 'JL', '23': 'HL', '31': 'SH',
  '32': 'JS', '33': 'ZJ', '34': 'AH', '35': 'FJ', '36': 'JX', '37': 'SD', '41': 'HA', '42': 'HU', '43': 'HN',
  '44': 'GD', '45': 'GX', '46': 'HI', '50': 'CQ', '51': 'SC', '52': 'GZ', '53': 'YN', '54': 'XZ', '61': 'SN',
  '62': 'GS', '63': 'QH', '64': 'NX', '65': 'XJ',
};

function lab(level: string, product: Product, regionCode: string): string {
  const c = county(regionCode)!;
  switch (level) {
    case 'national': return `国家${product.nameZh}质量检验检测中心`;
    case 'provincial': return `${c.province.name}产品质量监督检验研究院`;
    case 'municipal': return `${c.prefecture.name}产品质量检验所`;
    default: return `${c.name}检验检测中心`;
  }
}

/** Distinct failed items; `safetyFirst` puts one safety item in whenever the product has one. */
function failedItems(rng: Rng, product: Product, safetyFirst: boolean): JsonRecord[] {
  const pool = [...product.typicalFailedItems];
  const count = Math.min(pool.length, 1 + rng.poisson(safetyFirst ? 1 : 0.5));
  const chosen: typeof pool = [];
  const safety = pool.filter((i) => i.hazard === 'safety');
  if (safetyFirst && safety.length > 0) chosen.push(pool.splice(pool.indexOf(rng.pick(safety)), 1)[0]!);
  while (chosen.length < count) chosen.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
  return chosen.map(({ item, hazard }) => ({ item, hazard }));
}

export type SpotcheckShape = {
  /** Which enterprise of the cell was sampled; drawn from the population when absent. */
  enterpriseIndex?: number;
  /** Forces a failing result with a safety item, and a provincial campaign. */
  failing?: boolean;
};

export function spotcheckRecord(rng: Rng, ctx: BuildContext, shape: SpotcheckShape = {}): JsonRecord {
  const { product, regionCode: code } = ctx.cell;
  const e = shape.enterpriseIndex === undefined ? pickEnterprise(rng, ctx) : enterprise(ctx.seed, product, code, shape.enterpriseIndex);
  const levelLabel = shape.failing ? LEVEL.provincial : LEVELS.pick(rng);
  // Samples are tested for days to weeks before the result is published.
  const sampledMs = ctx.ms - rng.int(3, 45) * DAY_MS - rng.int(0, 8) * 3_600_000;
  let failRate = product.nationalFailRate * (isKeyCell(product.code, code) ? 2 : 1) * (e.creditCode ? 1 : 2);
  failRate = Math.min(0.9, failRate);
  const fail = shape.failing === true || rng.chance(failRate);
  return {
    id: `SC-${beijingYear(ctx.ms)}-${PROVINCE_ABBR[code.slice(0, 2)] ?? 'CN'}-${PAD6(ctx.seq)}`,
    // A date alone means 00:00 Beijing time that day.
    sampledAt: rng.chance(0.45) ? formatBeijingDate(sampledMs) : timestamp(rng, sampledMs),
    publishedAt: shape.failing ? timestamp(rng, ctx.ms) : optional(rng, timestamp(rng, ctx.ms), 0.85),
    level: label(rng, levelLabel),
    regionCode: regionCode(rng, code),
    productCode: product.code,
    enterprise: enterpriseObject(rng, e),
    batch: optional(rng, compactBeijingDate(sampledMs - rng.int(5, 90) * DAY_MS), 0.75),
    result: label(rng, fail ? FAIL : PASS),
    failedItems: fail ? failedItems(rng, product, shape.failing === true) : [],
    lab: optional(rng, lab(levelLabel[0], product, code), 0.85),
  };
}
