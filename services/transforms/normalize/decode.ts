import { isUtf8 } from 'node:buffer';
import type { z } from 'zod';
import type { ReasonCode } from '../../../schemas/dlq/headers.ts';
import { feedSchemasV1, type Feed } from '../../../schemas/feeds/v1/index.ts';
import { plainValidatorsV1 } from '../../../schemas/feeds/v1/plain.ts';

// Bytes from Kafka to a validated, normalised record, or a rejection with a reason. Cheap checks run
// first (size, UTF-8, nesting) so a hostile message costs little before JSON.parse sees it.

export type Rejection = { reasonCode: ReasonCode; reason: string; field?: string };
export type Decoded<R> = { ok: true; record: R } | { ok: false; rejection: Rejection };

export type DecodeOptions = { maxBytes: number; maxDepth: number; now: () => number };

export type FeedRecord<F extends Feed> = z.output<ReturnType<(typeof feedSchemasV1)[F]>>;


export function decoder<F extends Feed>(feed: F, opts: DecodeOptions): (value: Buffer | null) => Decoded<FeedRecord<F>> {
  const schema = feedSchemasV1[feed]({ now: opts.now });
  const plain = plainValidatorsV1({ now: opts.now })[feed] as (json: Record<string, unknown>) => FeedRecord<F> | undefined;
  return (value) => {
    if (!value || value.length === 0) return reject('not_json', 'empty message');
    if (value.length > opts.maxBytes) {
      return reject('too_large', `message is ${value.length} bytes, limit ${opts.maxBytes}`);
    }
    // Validated in C++ (simdutf) first, so the decode after it cannot meet a malformed sequence.
    if (!isUtf8(value)) return reject('not_utf8', 'message is not valid UTF-8');
    // As the WHATWG decoder did before: a leading byte-order mark is not part of the text.
    const text = value.toString('utf8', hasBom(value) ? 3 : 0);
    if (openingBrackets(value, opts.maxDepth) > opts.maxDepth) {
      const depth = jsonDepth(text);
      if (depth > opts.maxDepth) return reject('too_deep', `JSON nesting depth ${depth} exceeds ${opts.maxDepth}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return reject('not_json', `not JSON: ${(err as Error).message.slice(0, 120)}`);
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      return reject('not_object', 'expected a JSON object');
    }
    // The hand-written happy path first; zod decides (and explains) whatever it does not accept.
    const record = plain(json as Record<string, unknown>);
    if (record !== undefined) return { ok: true, record };
    const parsed = schema.safeParse(json);
    if (parsed.success) return { ok: true, record: parsed.data as FeedRecord<F> };
    return { ok: false, rejection: describeIssues(parsed.error.issues, json) };
  };
}

function reject(reasonCode: ReasonCode, reason: string): Decoded<never> {
  return { ok: false, rejection: { reasonCode, reason } };
}

const hasBom = (v: Buffer) => v.length >= 3 && v[0] === 0xef && v[1] === 0xbb && v[2] === 0xbf;

/**
 * Opening brackets in the message, counted up to just past `limit`: nesting can be no deeper than
 * their number, so a message with few of them (nearly all) needs no scan of its text. Searched as
 * bytes (memchr): '{' and '[' never occur inside a multi-byte UTF-8 sequence.
 */
export function openingBrackets(value: Buffer, limit: number): number {
  let n = 0;
  for (const bracket of [0x7b, 0x5b]) {
    for (let i = value.indexOf(bracket); i !== -1 && n <= limit; i = value.indexOf(bracket, i + 1)) n++;
  }
  return n;
}

/** Deepest nesting of objects and arrays, ignoring brackets inside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91 /* { [ */) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93 /* } ] */) depth--;
  }
  return max;
}

type Issue = z.core.$ZodIssue;

function describeIssues(issues: readonly Issue[], input: unknown): Rejection {
  const first = issues[0]!;
  const field = first.path.map(String).join('.');
  const parts = issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(record)'}: ${i.message}`);
  if (issues.length > 5) parts.push(`and ${issues.length - 5} more`);
  return { reasonCode: reasonOf(first, input), reason: parts.join('; '), ...(field ? { field } : {}) };
}

function reasonOf(issue: Issue, input: unknown): ReasonCode {
  if (issue.code === 'custom') {
    const reason = (issue.params as { reason?: ReasonCode } | undefined)?.reason;
    if (reason) return reason;
  }
  if (valueAt(input, issue.path) === undefined) return 'missing_field';
  if (issue.code === 'invalid_value') return 'invalid_enum';
  return 'invalid_field';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
