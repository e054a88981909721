import { isCounty } from '../domain/regions.ts';
import { formatTimestamp } from './clock.ts';
import type { JsonRecord } from './generators.ts';
import { Rng, Weighted } from './rng.ts';
import type { Topic } from './types.ts';

// Ways a message breaks feeds-v1, each one a rejection the consumer must route to the dead-letter
// topic. Only rules the contract states as rejections are broken here: an optional field with a
// strange value, or a bad credit code, is not a rejection and is left to the valid traffic.

export type InvalidKind =
  | 'not_json'
  | 'invalid_utf8'
  | 'missing_required'
  | 'unknown_product'
  | 'unknown_region'
  | 'bad_enum'
  | 'sentiment_out_of_range'
  | 'future_timestamp'
  | 'fail_without_failed_items'
  | 'too_deep';

type TopicRules = {
  required: readonly string[];
  enums: Readonly<Record<string, readonly string[]>>;
  timestamp: string;
  kinds: Weighted<InvalidKind>;
};

const COMMON: ReadonlyArray<readonly [InvalidKind, number]> = [
  ['not_json', 1], ['invalid_utf8', 1], ['missing_required', 1.5], ['unknown_product', 1], ['bad_enum', 1],
  ['future_timestamp', 1], ['too_deep', 0.5],
];

const RULES: Record<Topic, TopicRules> = {
  hotline: {
    required: ['id', 'receivedAt', 'kind', 'regionCode', 'productCode', 'issue'],
    enums: { kind: ['complaints', 'feedback', '投拆'], issue: ['defect', '质量问题', 'safety'] },
    timestamp: 'receivedAt',
    kinds: new Weighted([...COMMON, ['unknown_region', 1]]),
  },
  media: {
    required: ['id', 'publishedAt', 'source', 'sourceType', 'productCode', 'sentiment'],
    enums: { sourceType: ['newspaper', '微博', 'tv'] },
    timestamp: 'publishedAt',
    kinds: new Weighted([...COMMON, ['sentiment_out_of_range', 1]]),
  },
  spotcheck: {
    required: ['id', 'sampledAt', 'level', 'regionCode', 'productCode', 'enterprise', 'result'],
    enums: { level: ['district', '区级', 'city'], result: ['failed', '不合格品', 'ok'] },
    timestamp: 'sampledAt',
    kinds: new Weighted([...COMMON, ['unknown_region', 1], ['fail_without_failed_items', 1]]),
  },
};

// Plausible near misses, none of them in the catalog (a test keeps it that way).
export const UNKNOWN_PRODUCT_CODES = ['waterproof_membranes', 'solar_panel', '电线电缆', 'lithium_cell', 'pv_module'];

const BAD_UTF8: readonly (readonly number[])[] = [
  [0xff], // never valid in UTF-8
  [0xc3, 0x28], // lead byte followed by a non-continuation byte
  [0xed, 0xa0, 0x80], // an encoded UTF-16 surrogate
  [0xd6, 0xca, 0xc1, 0xbf], // "质量" in GBK: an upstream system sending its legacy encoding
];
const NOT_JSON = ['<html><body><h1>502 Bad Gateway</h1></body></html>', '', 'ERROR: upstream timeout'];
const NESTING_DEPTH = 1000;
const MARK = 'XBADUTF8X';

export type Invalid = { value: Buffer; reason: string };

/**
 * Breaks one rule of the contract in `record`, which it modifies (a removed `id` is gone from the
 * record too, so the caller's key follows). `futureMs` is an instant more than a day after the
 * messages will be processed.
 */
export function corrupt(rng: Rng, topic: Topic, record: JsonRecord, futureMs: number): Invalid {
  const rules = RULES[topic];
  const kind = rules.kinds.pick(rng);
  let reason: string = kind;
  switch (kind) {
    case 'not_json': {
      const text = JSON.stringify(record);
      // A cut anywhere before the closing brace leaves an unterminated object: the classic
      // half-written message.
      const body = rng.chance(0.6) ? text.slice(0, rng.int(1, text.length - 1)) : rng.pick(NOT_JSON);
      return { value: Buffer.from(body), reason };
    }
    case 'invalid_utf8': {
      const field = ['description', 'title', 'source', 'lab', 'productName'].find((f) => typeof record[f] === 'string') ?? 'description';
      record[field] = MARK + String(record[field] ?? '');
      const bytes = Buffer.from(JSON.stringify(record));
      const at = bytes.indexOf(MARK);
      const value = Buffer.concat([bytes.subarray(0, at), Buffer.from(rng.pick(BAD_UTF8)), bytes.subarray(at + MARK.length)]);
      return { value, reason: `${kind}:${field}` };
    }
    case 'missing_required': {
      const field = rng.pick(rules.required);
      delete record[field];
      reason = `${kind}:${field}`;
      break;
    }
    case 'unknown_product':
      record.productCode = rng.pick(UNKNOWN_PRODUCT_CODES);
      break;
    case 'unknown_region':
      record.regionCode = unknownRegion(rng);
      break;
    case 'bad_enum': {
      const field = rng.pick(Object.keys(rules.enums));
      record[field] = rng.pick(rules.enums[field]!);
      reason = `${kind}:${field}`;
      break;
    }
    case 'sentiment_out_of_range':
      record.sentiment = rng.pick([1.5, -1.2, 2, -3.7, 10]);
      break;
    case 'future_timestamp':
      record[rules.timestamp] = formatTimestamp(futureMs, rng.chance(0.5) ? 'offset' : 'local_space');
      reason = `${kind}:${rules.timestamp}`;
      break;
    case 'fail_without_failed_items':
      record.result = rng.chance(0.7) ? 'fail' : '不合格';
      if (rng.chance(0.5)) record.failedItems = [];
      else delete record.failedItems;
      break;
    case 'too_deep': {
      // Valid JSON that would blow a recursive validator's stack or budget; real records are
      // three levels deep.
      const text = JSON.stringify(record);
      const nested = `${text.slice(0, -1)},"attachments":${'['.repeat(NESTING_DEPTH)}${']'.repeat(NESTING_DEPTH)}}`;
      return { value: Buffer.from(nested), reason };
    }
  }
  return { value: Buffer.from(JSON.stringify(record)), reason };
}

function unknownRegion(rng: Rng): string {
  for (;;) {
    const code = String(rng.int(100_000, 999_999));
    if (!isCounty(code)) return rng.chance(0.3) ? `${code}${String(rng.int(0, 999_999)).padStart(6, '0')}` : code;
  }
}
