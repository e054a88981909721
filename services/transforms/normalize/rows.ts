import type { Feed, HotlineRecord, MediaRecord, SpotcheckRecord } from '../../../schemas/feeds/v1/index.ts';
import { county } from '../../domain/regions.ts';
import { maskPhones, type PhoneHasher } from './pii.ts';

// Validated records to ClickHouse rows. Each row carries its source position so any stored value can
// be traced to one Kafka message, and the region hierarchy so rollups need no join.

export type SourcePosition = { topic: string; partition: number; offset: string; ingestedAt: number };

export type Row = Record<string, unknown>;
export type Built = { row: Row; defects: Defect[] };
export type Defect = 'invalid_credit_code';

export const tables: Record<Feed, string> = { hotline: 'complaints', media: 'media_items', spotcheck: 'spot_checks' };

/** ClickHouse DateTime64(3, 'UTC') text form: unambiguous whatever the server's time zone. */
export function chTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

// Every message of a Kafka batch shares its ingestion time: format it once, not once per row.
let lastIngestedMs = NaN;
let lastIngestedText = '';
function ingestedAt(ms: number): string {
  if (ms !== lastIngestedMs) {
    lastIngestedText = chTime(ms);
    lastIngestedMs = ms;
  }
  return lastIngestedText;
}

const prefectureOf = (code: string) => county(code)?.prefecture.code ?? code.slice(0, 4);
const provinceOf = (code: string) => county(code)?.province.code ?? code.slice(0, 2);

export function hotlineRow(r: HotlineRecord, pos: SourcePosition, hashPhone: PhoneHasher): Built {
  const credit = r.enterprise?.creditCode;
  return {
    row: {
      id: r.id,
      received_at: chTime(r.receivedAt),
      channel: r.channel,
      kind: r.kind,
      region_code: r.regionCode,
      prefecture_code: prefectureOf(r.regionCode),
      province_code: provinceOf(r.regionCode),
      product_code: r.productCode,
      product_name: maskPhones(r.productName ?? ''),
      enterprise_credit_code: credit ?? '',
      enterprise_name: r.enterprise?.name ?? '',
      issue: r.issue,
      harm: r.harm,
      description: maskPhones(r.description ?? ''),
      complainant_phone_hash: r.complainant?.phone ? hashPhone(r.complainant.phone) : '',
      source_topic: pos.topic,
      source_partition: pos.partition,
      source_offset: pos.offset,
      ingested_at: ingestedAt(pos.ingestedAt),
    },
    defects: credit === null ? ['invalid_credit_code'] : [],
  };
}

export function mediaRow(r: MediaRecord, pos: SourcePosition): Built {
  const valid = r.enterpriseCreditCodes.filter((c): c is string => typeof c === 'string');
  const invalid = r.enterpriseCreditCodes.length - valid.length;
  return {
    row: {
      id: r.id,
      published_at: chTime(r.publishedAt),
      source: r.source,
      source_type: r.sourceType,
      url: r.url ?? '',
      title: r.title ?? '',
      region_codes: r.regionCodes,
      product_code: r.productCode,
      enterprise_credit_codes: [...new Set(valid)],
      sentiment: r.sentiment,
      reach: r.reach,
      exposure: r.exposure ? 1 : 0,
      source_topic: pos.topic,
      source_partition: pos.partition,
      source_offset: pos.offset,
      ingested_at: ingestedAt(pos.ingestedAt),
    },
    defects: Array.from({ length: invalid }, () => 'invalid_credit_code' as const),
  };
}

export function spotcheckRow(r: SpotcheckRecord, pos: SourcePosition): Built {
  const credit = r.enterprise.creditCode;
  return {
    row: {
      id: r.id,
      sampled_at: chTime(r.sampledAt),
      published_at: r.publishedAt === undefined ? null : chTime(r.publishedAt),
      level: r.level,
      region_code: r.regionCode,
      prefecture_code: prefectureOf(r.regionCode),
      province_code: provinceOf(r.regionCode),
      product_code: r.productCode,
      enterprise_credit_code: credit ?? '',
      enterprise_name: r.enterprise.name ?? '',
      batch: r.batch ?? '',
      result: r.result,
      'failed_items.item': r.failedItems.map((f) => f.item),
      'failed_items.hazard': r.failedItems.map((f) => f.hazard),
      lab: r.lab ?? '',
      source_topic: pos.topic,
      source_partition: pos.partition,
      source_offset: pos.offset,
      ingested_at: ingestedAt(pos.ingestedAt),
    },
    defects: credit === null ? ['invalid_credit_code'] : [],
  };
}
