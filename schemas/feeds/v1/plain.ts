import { isProductCode } from '../../../services/domain/catalog.ts';
import { normalizeCreditCode } from '../../../services/domain/credit-code.ts';
import { normalizeRegionCode } from '../../../services/domain/regions.ts';
import { DAY_MS, labelLookup, parseTimestamp, type SchemaContext } from './common.ts';
import { channels, harms, issues, kinds, type HotlineRecord } from './hotline.ts';
import { sourceTypes, type MediaRecord } from './media.ts';
import { hazards, levels, results, type SpotcheckRecord } from './spotcheck.ts';

// The happy path of the v1 schemas, written out by hand: zod builds a tree of checks and
// intermediate objects per message, which costs more than the rest of ingest together at tens of
// thousands of messages a second. The zod schemas stay the reference: each function here returns
// exactly what its schema's parse would, or undefined when it is not sure, and the caller then
// asks zod, which also gives the reason for a rejection. It may decline what zod accepts (a null
// inside an array, say); it must never accept what zod rejects, nor normalise differently
// (test/schemas/plain.test.ts checks both on simulator output, invalid messages included).

type Json = Record<string, unknown>;

/** Marks a field the fast path does not accept; the message then goes through zod. */
const NO = Symbol('no');
type No = typeof NO;

const text = (v: unknown, max: number): string | No => (typeof v === 'string' && v.length <= max ? v : NO);
const optionalText = (v: unknown, max: number): string | undefined | No => (v == null ? undefined : text(v, max));

function enumOf<const T extends Record<string, string>>(labels: T) {
  const lookup = labelLookup(labels);
  return (v: unknown): (keyof T & string) | No => (typeof v === 'string' ? (lookup.get(v) ?? NO) : NO);
}
const channel = enumOf(channels);
const kind = enumOf(kinds);
const issue = enumOf(issues);
const harm = enumOf(harms);
const sourceType = enumOf(sourceTypes);
const level = enumOf(levels);
const result = enumOf(results);
const hazardSet = new Set<string>(hazards);

function region(v: unknown): string | No {
  return typeof v === 'string' ? (normalizeRegionCode(v.trim()) ?? NO) : NO;
}

function product(v: unknown): string | No {
  return typeof v === 'string' && isProductCode(v) ? v : NO;
}

/** As `creditCode` in common.ts: undefined when absent, null when invalid, else normalised. */
function credit(v: unknown): string | null | undefined | No {
  if (v == null) return undefined;
  if (typeof v !== 'string' || v.length > 64) return NO;
  return normalizeCreditCode(v) ?? null;
}

function enterprise(v: unknown): { creditCode: string | null | undefined; name: string | undefined } | No {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return NO;
  const e = v as Json;
  const creditCode = credit(e.creditCode);
  const name = optionalText(e.name, 200);
  if (creditCode === NO || name === NO) return NO;
  return { creditCode, name };
}

export function plainValidatorsV1(ctx: SchemaContext) {
  function time(v: unknown): number | No {
    if (typeof v !== 'string' || v.length > 40) return NO;
    const ms = parseTimestamp(v);
    return ms === undefined || ms > ctx.now() + DAY_MS ? NO : ms;
  }

  function hotline(r: Json): HotlineRecord | undefined {
    const id = r.id;
    if (typeof id !== 'string' || id.length < 1 || id.length > 64) return undefined;
    const receivedAt = time(r.receivedAt);
    const ch = r.channel == null ? 'phone' : channel(r.channel);
    const k = kind(r.kind);
    const regionCode = region(r.regionCode);
    const productCode = product(r.productCode);
    const productName = optionalText(r.productName, 200);
    const ent = r.enterprise == null ? undefined : enterprise(r.enterprise);
    const iss = issue(r.issue);
    const h = r.harm == null ? 'none' : harm(r.harm);
    const description = optionalText(r.description, 4000);
    let complainant: HotlineRecord['complainant'];
    if (r.complainant != null) {
      const c = r.complainant;
      if (typeof c !== 'object' || Array.isArray(c)) return undefined;
      const phone = optionalText((c as Json).phone, 40);
      const name = optionalText((c as Json).name, 100);
      if (phone === NO || name === NO) return undefined;
      complainant = { phone, name };
    }
    if (receivedAt === NO || ch === NO || k === NO || regionCode === NO || productCode === NO || productName === NO) return undefined;
    if (ent === NO || iss === NO || h === NO || description === NO) return undefined;
    return { id, receivedAt, channel: ch, kind: k, regionCode, productCode, productName, enterprise: ent, issue: iss, harm: h, description, complainant };
  }

  function media(r: Json): MediaRecord | undefined {
    const id = r.id;
    if (typeof id !== 'string' || id.length < 1 || id.length > 128) return undefined;
    const publishedAt = time(r.publishedAt);
    const source = text(r.source, 200);
    const st = sourceType(r.sourceType);
    const url = optionalText(r.url, 2000);
    const title = optionalText(r.title, 500);
    const productCode = product(r.productCode);
    const sentiment = r.sentiment;
    if (typeof sentiment !== 'number' || !(sentiment >= -1 && sentiment <= 1)) return undefined;
    const reach = r.reach == null ? 0 : r.reach;
    if (typeof reach !== 'number' || !Number.isSafeInteger(reach) || reach < 0) return undefined;
    const exposure = r.exposure == null ? false : r.exposure;
    if (typeof exposure !== 'boolean') return undefined;
    if (publishedAt === NO || source === NO || st === NO || url === NO || title === NO || productCode === NO) return undefined;

    const regionCodes: string[] = [];
    if (r.regionCodes != null) {
      const raw = r.regionCodes;
      if (!Array.isArray(raw) || raw.length > 50) return undefined;
      for (const v of raw) {
        const code = region(v);
        if (code === NO) return undefined;
        if (!regionCodes.includes(code)) regionCodes.push(code);
      }
    }
    const enterpriseCreditCodes: (string | null)[] = [];
    if (r.enterpriseCreditCodes != null) {
      const raw = r.enterpriseCreditCodes;
      if (!Array.isArray(raw) || raw.length > 50) return undefined;
      for (const v of raw) {
        // A null element is valid (zod keeps it as undefined); rare enough to leave to zod.
        if (v == null) return undefined;
        const code = credit(v);
        if (code === NO || code === undefined) return undefined;
        enterpriseCreditCodes.push(code);
      }
    }
    return { id, publishedAt, source, sourceType: st, url, title, regionCodes, productCode, enterpriseCreditCodes, sentiment, reach, exposure };
  }

  function spotcheck(r: Json): SpotcheckRecord | undefined {
    const id = r.id;
    if (typeof id !== 'string' || id.length < 1 || id.length > 64) return undefined;
    const sampledAt = time(r.sampledAt);
    const publishedAt = r.publishedAt == null ? undefined : time(r.publishedAt);
    const lv = level(r.level);
    const regionCode = region(r.regionCode);
    const productCode = product(r.productCode);
    const ent = enterprise(r.enterprise);
    const batch = optionalText(r.batch, 100);
    const res = result(r.result);
    const lab = optionalText(r.lab, 200);
    if (sampledAt === NO || publishedAt === NO || lv === NO || regionCode === NO || productCode === NO) return undefined;
    if (ent === NO || batch === NO || res === NO || lab === NO) return undefined;
    const raw = r.failedItems;
    if (!Array.isArray(raw) || raw.length > 200) return undefined;
    if ((res === 'fail') !== (raw.length > 0)) return undefined;
    const failedItems: SpotcheckRecord['failedItems'] = [];
    for (const f of raw) {
      if (f === null || typeof f !== 'object' || Array.isArray(f)) return undefined;
      const item = text((f as Json).item, 200);
      const hazard = (f as Json).hazard;
      if (item === NO || typeof hazard !== 'string' || !hazardSet.has(hazard)) return undefined;
      failedItems.push({ item, hazard: hazard as SpotcheckRecord['failedItems'][number]['hazard'] });
    }
    return { id, sampledAt, publishedAt, level: lv, regionCode, productCode, enterprise: ent, batch, result: res, failedItems, lab };
  }

  return { hotline, media, spotcheck } as const;
}
