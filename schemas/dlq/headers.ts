import { z } from 'zod';

// Headers on every message in qrm.dlq. The value is the rejected message's original bytes and the key
// its original key; these headers say where it came from and why it was refused. Kafka header values
// are bytes; all of these are UTF-8 strings.

export const reasonCodes = [
  'too_large',
  'not_utf8',
  'not_json',
  'too_deep',
  'not_object',
  'missing_field',
  'invalid_field',
  'invalid_enum',
  'invalid_timestamp',
  'future_timestamp',
  'unknown_region',
  'unknown_product',
  'inconsistent',
  'storage_rejected',
] as const;

export type ReasonCode = (typeof reasonCodes)[number];

export const dlqHeadersV1 = z.object({
  'qrm-schema': z.literal('qrm.dlq/v1').describe('version of this header set'),
  'qrm-source-topic': z.string().min(1).describe('topic the message was read from'),
  'qrm-source-partition': z.string().regex(/^\d+$/).describe('partition it was read from'),
  'qrm-source-offset': z.string().regex(/^\d+$/).describe('its offset in that partition'),
  'qrm-rejected-at': z.iso.datetime().describe('when qrm rejected it (UTC, ISO 8601)'),
  'qrm-reason-code': z.enum(reasonCodes).describe('why, from a closed list; metrics count by this'),
  'qrm-reason': z.string().min(1).describe('readable reason naming the field and what was wrong'),
  'qrm-field': z.string().optional().describe('dotted path of the offending field, when there is one'),
});

export type DlqHeaders = z.infer<typeof dlqHeadersV1>;
