import { z } from 'zod';
import { isProductCode } from '../../../services/domain/catalog.ts';
import { normalizeCreditCode } from '../../../services/domain/credit-code.ts';
import { normalizeRegionCode } from '../../../services/domain/regions.ts';

// Value rules shared by the three v1 feeds (../../shared/contracts/feeds-v1.md, "Common value rules").
// Refinements carry a `reason` in their params so that a rejection is counted under a small fixed set
// of reasons while the readable message still names the field.

export type SchemaContext = { now: () => number };

export const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

const isoWithOffset =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;
const localTime = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses the timestamp forms the contract allows into epoch milliseconds: ISO 8601 with an offset, or
 * a Beijing-local time (no offset, or a bare date meaning 00:00 that day). Returns undefined for
 * anything else, including impossible calendar dates such as 2026-02-30.
 */
export function parseTimestamp(raw: string): number | undefined {
  const s = raw.trim();
  let m = isoWithOffset.exec(s);
  let offsetMs = BEIJING_OFFSET_MS;
  if (m) {
    const tz = m[8]!;
    if (tz === 'Z') offsetMs = 0;
    else {
      const sign = tz.startsWith('-') ? -1 : 1;
      const digits = tz.slice(1).replace(':', '');
      const h = Number(digits.slice(0, 2));
      const min = Number(digits.slice(2, 4));
      if (h > 14 || min > 59) return undefined;
      offsetMs = sign * (h * 60 + min) * 60_000;
    }
  } else {
    m = localTime.exec(s) ?? dateOnly.exec(s);
    if (!m) return undefined;
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC rolls 2026-02-30 over into March; a real date survives the round trip.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  return utc - offsetMs;
}

export const timestamp = (ctx: SchemaContext) =>
  z
    .string()
    .max(40)
    .meta({ description: 'ISO 8601 with offset, or Beijing local time (YYYY-MM-DD HH:mm:ss, YYYY-MM-DDTHH:mm:ss, or a date meaning 00:00); at most 1 day in the future' })
    .transform((raw, c) => {
      const ms = parseTimestamp(raw);
      if (ms === undefined) {
        c.addIssue({ code: 'custom', message: `not a contract timestamp: ${JSON.stringify(raw.slice(0, 40))}`, params: { reason: 'invalid_timestamp' } });
        return z.NEVER;
      }
      if (ms > ctx.now() + DAY_MS) {
        c.addIssue({ code: 'custom', message: 'more than 1 day in the future', params: { reason: 'future_timestamp' } });
        return z.NEVER;
      }
      return ms;
    });

export const regionCode = z
  .string()
  .meta({ description: 'GB/T 2260 county-level code (6 digits) or 12-digit statistical code, reduced to its first six; must be a known county-level division' })
  .transform((raw, c) => {
  const code = normalizeRegionCode(raw.trim());
  if (!code) {
    c.addIssue({ code: 'custom', message: `not a known county-level GB/T 2260 code: ${JSON.stringify(raw.slice(0, 20))}`, params: { reason: 'unknown_region' } });
    return z.NEVER;
  }
  return code;
});

export const productCode = z
  .string()
  .meta({ description: 'a code from the product catalog, schemas/catalog/products.json' })
  .transform((raw, c) => {
  if (!isProductCode(raw)) {
    c.addIssue({ code: 'custom', message: `not in the product catalog: ${JSON.stringify(raw.slice(0, 60))}`, params: { reason: 'unknown_product' } });
    return z.NEVER;
  }
  return raw;
});

/**
 * An invalid credit code does not reject the record. Output: undefined when absent, null when given
 * but invalid (the row keeps no enterprise link and the defect is counted), else the normalised code.
 */
export const creditCode = z
  .string()
  .max(64)
  .nullish()
  .transform((raw) => (raw == null ? undefined : (normalizeCreditCode(raw) ?? null)))
  .meta({ description: 'GB 32100-2015 unified social credit code; lower case accepted; an invalid code is dropped, not rejected' });

/** Every accepted spelling (English value or Chinese label) to its English value. */
export function labelLookup<const T extends Record<string, string>>(labels: T): Map<string, keyof T & string> {
  const lookup = new Map<string, keyof T & string>();
  for (const [en, zh] of Object.entries(labels)) {
    lookup.set(en, en);
    if (zh) lookup.set(zh, en);
  }
  return lookup;
}

/** An enumeration that accepts the English value or its Chinese label, and yields the English value. */
export function bilingualEnum<const T extends Record<string, string>>(labels: T) {
  const lookup = labelLookup(labels);
  // A real enum on the input side, so the generated JSON Schema lists every accepted spelling.
  return z.enum([...lookup.keys()] as [string, ...string[]]).transform((raw) => lookup.get(raw)!);
}

/** `optional` in the contract: absent or null. */
export const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

export const enterprise = z.object({
  creditCode,
  name: optional(z.string().max(200)),
});
