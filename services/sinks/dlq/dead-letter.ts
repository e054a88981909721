import type { IHeaders } from 'kafkajs';
import type { DlqHeaders } from '../../../schemas/dlq/headers.ts';
import type { Rejection } from '../../transforms/normalize/decode.ts';
import { maskPhones } from '../../transforms/normalize/pii.ts';
import { chTime, type SourcePosition } from '../../transforms/normalize/rows.ts';

// A rejected message, as written to qrm.dlq (original key and bytes, reason headers) and as recorded
// in the dead_letters table (bounded excerpt with personal data removed).

export type DeadLetter = { key: Buffer | null; value: Buffer | null; position: SourcePosition; rejection: Rejection; feed: string };

const EXCERPT_BYTES = 512;

export function dlqHeaders(d: DeadLetter): IHeaders {
  const h: DlqHeaders = {
    'qrm-schema': 'qrm.dlq/v1',
    'qrm-source-topic': d.position.topic,
    'qrm-source-partition': String(d.position.partition),
    'qrm-source-offset': d.position.offset,
    'qrm-rejected-at': new Date(d.position.ingestedAt).toISOString(),
    'qrm-reason-code': d.rejection.reasonCode,
    'qrm-reason': d.rejection.reason,
    ...(d.rejection.field ? { 'qrm-field': d.rejection.field } : {}),
  };
  return h;
}

export function deadLetterRow(d: DeadLetter): Record<string, unknown> {
  return {
    source_topic: d.position.topic,
    source_partition: d.position.partition,
    source_offset: d.position.offset,
    feed: d.feed,
    message_key: d.key ? d.key.toString('utf8').slice(0, 128) : '',
    reason_code: d.rejection.reasonCode,
    reason: d.rejection.reason.slice(0, 1000),
    field: d.rejection.field ?? '',
    size_bytes: d.value?.length ?? 0,
    excerpt: excerpt(d.value),
    rejected_at: chTime(d.position.ingestedAt),
  };
}

/**
 * The first bytes of the message as text, with the complainant object and anything that looks like a
 * phone number removed: a rejected hotline ticket still carries personal data.
 */
export function excerpt(value: Buffer | null): string {
  if (!value) return '';
  let text = value.subarray(0, EXCERPT_BYTES * 4).toString('utf8');
  try {
    if (value.length > 1_048_576) throw new Error('too large to parse for an excerpt');
    const parsed = JSON.parse(value.toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && 'complainant' in parsed) {
      text = JSON.stringify({ ...parsed, complainant: '[redacted]' });
    }
  } catch {
    // Not JSON: fall back to masking the raw text below. A name in a broken message cannot be found
    // reliably, so the complainant field's value is cut out by pattern as well.
    text = text.replace(/"complainant"\s*:\s*\{[^}]*\}?/g, '"complainant":"[redacted]"');
  }
  const masked = maskPhones(text).replace(/\uFFFD/g, '?');
  return Buffer.from(masked, 'utf8').subarray(0, EXCERPT_BYTES).toString('utf8').replace(/\uFFFD$/, '');
}
