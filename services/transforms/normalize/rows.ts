import type { Feed, HotlineRecord, MediaRecord, SpotcheckRecord } from '../../../schemas/feeds/v1/index.ts';
import { county } from '../../domain/regions.ts';
import { maskPhones, type PhoneHasher } from './pii.ts';

// Validated records to ClickHouse rows. Each row carries its source position so any stored value can
// be traced to one Kafka message, and the region hierarchy so rollups need no join.
//
// A row is encoded straight into one JSONCompactEachRow line (a JSON array in the order of
// `columns`), without an intermediate object: at tens of thousands of rows a second, the object and
// JSON.stringify walking its keys cost more than building the row. Strings that may hold any
// character go through JSON.stringify; the rest (enumeration values, digit codes, check-digit
// validated credit codes, hex hashes, times formatted here) cannot need escaping.

export type SourcePosition = { topic: string; partition: number; offset: string; ingestedAt: number };

export type Encoded = { line: string; defects: Defect[] };
export type Defect = 'invalid_credit_code';

export const tables: Record<Feed, string> = { hotline: 'complaints', media: 'media_items', spotcheck: 'spot_checks' };

const sourceColumns = ['source_topic', 'source_partition', 'source_offset', 'ingested_at'] as const;

/** Column order of each feed's lines. */
export const columns: Record<Feed, readonly string[]> = {
  hotline: [
    'id', 'received_at', 'channel', 'kind', 'region_code', 'prefecture_code', 'province_code', 'product_code', 'product_name',
    'enterprise_credit_code', 'enterprise_name', 'issue', 'harm', 'description', 'complainant_phone_hash', ...sourceColumns,
  ],
  media: [
    'id', 'published_at', 'source', 'source_type', 'url', 'title', 'region_codes', 'product_code', 'enterprise_credit_codes',
    'sentiment', 'reach', 'exposure', ...sourceColumns,
  ],
  spotcheck: [
    'id', 'sampled_at', 'published_at', 'level', 'region_code', 'prefecture_code', 'province_code', 'product_code',
    'enterprise_credit_code', 'enterprise_name', 'batch', 'result', 'failed_items.item', 'failed_items.hazard', 'lab', ...sourceColumns,
  ],
};

const q = JSON.stringify;
const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
const MAX_4_DIGIT_YEAR_MS = 253_402_300_800_000;

/**
 * ClickHouse DateTime64(3, 'UTC') text form: unambiguous whatever the server's time zone. Computed
 * from the epoch milliseconds (days to civil date, H. Hinnant's algorithm): Date#toISOString was a
 * visible share of ingest time. Outside 1970–9999 it falls back to toISOString.
 */
export function chTime(ms: number): string {
  if (!(ms >= 0 && ms < MAX_4_DIGIT_YEAR_MS) || !Number.isInteger(ms)) {
    const iso = new Date(ms).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  }
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1_000);
  return `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)}.${three(rest - second * 1_000)}`;
}

/** The epoch milliseconds of ClickHouse DateTime64 text in UTC ("2026-10-01 00:00:00.000"), chTime's inverse; NaN if it is none. */
export function chTimeMs(s: string): number {
  return Date.parse(`${s.replace(' ', 'T')}Z`);
}

// Every message of a Kafka batch shares its topic, partition and ingestion time: encode that once
// per batch, not once per row.
let lastPosition: { topic: string; partition: number; ingestedAt: number } | undefined;
let lastHead = '';
let lastTail = '';
function source(pos: SourcePosition): string {
  if (!lastPosition || lastPosition.topic !== pos.topic || lastPosition.partition !== pos.partition || lastPosition.ingestedAt !== pos.ingestedAt) {
    lastPosition = { topic: pos.topic, partition: pos.partition, ingestedAt: pos.ingestedAt };
    lastHead = `${q(pos.topic)},${pos.partition},`;
    lastTail = `,"${chTime(pos.ingestedAt)}"]`;
  }
  // Kafka offsets are decimal digits: a JSON number as they are, exact beyond 2^53.
  return lastHead + pos.offset + lastTail;
}

function hierarchy(code: string): string {
  const c = county(code);
  return `"${code}","${c?.prefecture.code ?? code.slice(0, 4)}","${c?.province.code ?? code.slice(0, 2)}"`;
}

export function hotlineLine(r: HotlineRecord, pos: SourcePosition, hashPhone: PhoneHasher): Encoded {
  const credit = r.enterprise?.creditCode;
  const phoneHash = r.complainant?.phone ? hashPhone(r.complainant.phone) : '';
  const line =
    `[${q(r.id)},"${chTime(r.receivedAt)}","${r.channel}","${r.kind}",${hierarchy(r.regionCode)},${q(r.productCode)},` +
    `${q(maskPhones(r.productName ?? ''))},"${credit ?? ''}",${q(r.enterprise?.name ?? '')},"${r.issue}","${r.harm}",` +
    `${q(maskPhones(r.description ?? ''))},"${phoneHash}",${source(pos)}`;
  return { line, defects: credit === null ? ['invalid_credit_code'] : [] };
}

export function mediaLine(r: MediaRecord, pos: SourcePosition): Encoded {
  const valid = r.enterpriseCreditCodes.filter((c): c is string => typeof c === 'string');
  const invalid = r.enterpriseCreditCodes.length - valid.length;
  const line =
    `[${q(r.id)},"${chTime(r.publishedAt)}",${q(r.source)},"${r.sourceType}",${q(r.url ?? '')},${q(r.title ?? '')},` +
    `${q(r.regionCodes)},${q(r.productCode)},${q([...new Set(valid)])},${q(r.sentiment)},${q(r.reach)},${r.exposure ? 1 : 0},${source(pos)}`;
  return { line, defects: Array.from({ length: invalid }, () => 'invalid_credit_code' as const) };
}

export function spotcheckLine(r: SpotcheckRecord, pos: SourcePosition): Encoded {
  const credit = r.enterprise.creditCode;
  const line =
    `[${q(r.id)},"${chTime(r.sampledAt)}",${r.publishedAt === undefined ? 'null' : `"${chTime(r.publishedAt)}"`},"${r.level}",` +
    `${hierarchy(r.regionCode)},${q(r.productCode)},"${credit ?? ''}",${q(r.enterprise.name ?? '')},${q(r.batch ?? '')},"${r.result}",` +
    `${q(r.failedItems.map((f) => f.item))},${q(r.failedItems.map((f) => f.hazard))},${q(r.lab ?? '')},${source(pos)}`;
  return { line, defects: credit === null ? ['invalid_credit_code'] : [] };
}

/** The encoder of one feed's validated records (decode.ts's output for that feed). */
export function lineBuilder(feed: Feed, hashPhone: PhoneHasher): (record: unknown, pos: SourcePosition) => Encoded {
  switch (feed) {
    case 'hotline':
      return (r, pos) => hotlineLine(r as HotlineRecord, pos, hashPhone);
    case 'media':
      return (r, pos) => mediaLine(r as MediaRecord, pos);
    case 'spotcheck':
      return (r, pos) => spotcheckLine(r as SpotcheckRecord, pos);
  }
}
