import { createWriteStream, type WriteStream } from 'node:fs';
import { productByCode } from '../../services/domain/catalog.ts';
import { CREDIT_CODE_ALPHABET, makeCreditCode } from '../../services/domain/credit-code.ts';
import { formatBeijingDate, formatTimestamp } from '../../services/simulate/clock.ts';
import type { Rng } from '../../services/simulate/rng.ts';

// Valid feeds-v1 messages for the evaluation, in their plainest form: the decoding variants are the
// unit tests' business, and a tidy record keeps the scenario's counts exactly what its label says.

export const TOPICS = { hotline: 'qrm.hotline.complaints', media: 'qrm.media.sentiment', spotcheck: 'qrm.spotcheck.results' } as const;
type Topic = keyof typeof TOPICS;

export type Enterprise = { creditCode: string; name: string };

/** A deterministic pool of enterprises for one (product, county) cell. */
export function enterprises(rng: Rng, regionCode: string, n: number): Enterprise[] {
  return Array.from({ length: n }, (_, i) => {
    const tail = Array.from({ length: 9 }, () => rng.pick([...CREDIT_CODE_ALPHABET])).join('');
    return { creditCode: makeCreditCode(`91${regionCode}${tail}`), name: `评估企业${regionCode}-${i + 1}` };
  });
}

/** An eleven-digit mobile number; the space is large enough that two callers never share one. */
export const phone = (rng: Rng): string => `13${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;

/** A time during Beijing office hours (08:00–20:59) of the day that begins at `dayStartMs`. */
export const officeHour = (rng: Rng, dayStartMs: number): number => dayStartMs + rng.int(8 * 3600, 21 * 3600 - 1) * 1000;

const ts = (ms: number) => formatTimestamp(ms, 'offset');

export type Complaint = {
  id: string;
  ms: number;
  productCode: string;
  regionCode: string;
  phone: string;
  enterprise?: Enterprise;
  /** Voice weight 1 + safety hazard + 2·injury (score.sql's severity weighting). */
  issue?: 'quality_defect' | 'safety_hazard';
  harm?: 'none' | 'property' | 'injury';
};

export function complaint(c: Complaint): Record<string, unknown> {
  return {
    id: c.id,
    receivedAt: ts(c.ms),
    channel: 'phone',
    kind: 'complaint',
    regionCode: c.regionCode,
    productCode: c.productCode,
    enterprise: c.enterprise,
    issue: c.issue ?? 'quality_defect',
    harm: c.harm ?? 'none',
    complainant: { phone: c.phone },
  };
}

/** The hotline's usual mix of severities: mostly defects, some hazards, a few injuries. */
export function ordinarySeverity(rng: Rng): Pick<Complaint, 'issue' | 'harm'> {
  const x = rng.next();
  return { issue: x < 0.12 ? 'safety_hazard' : 'quality_defect', harm: rng.chance(0.05) ? 'injury' : rng.chance(0.25) ? 'property' : 'none' };
}

export type SpotCheck = {
  id: string;
  sampledMs: number;
  publishedMs: number;
  productCode: string;
  regionCode: string;
  enterprise: Enterprise;
  fail: boolean;
  /** With a failure: whether a safety item failed (otherwise one of the product's other items). */
  safety?: boolean;
};

export function spotCheck(rng: Rng, s: SpotCheck): Record<string, unknown> {
  const items = productByCode(s.productCode)!.typicalFailedItems;
  const pool = items.filter((i) => (i.hazard === 'safety') === Boolean(s.safety));
  const failedItems = s.fail ? [rng.pick(pool.length > 0 ? pool : items)] : [];
  return {
    id: s.id,
    sampledAt: formatBeijingDate(s.sampledMs),
    publishedAt: ts(s.publishedMs),
    level: 'provincial',
    regionCode: s.regionCode,
    productCode: s.productCode,
    enterprise: s.enterprise,
    result: s.fail ? 'fail' : 'pass',
    failedItems,
  };
}

export type MediaItem = {
  id: string;
  ms: number;
  productCode: string;
  regionCode: string;
  source: string;
  sourceType: 'news' | 'social' | 'video' | 'forum' | 'ecommerce_review';
  sentiment: number;
  reach: number;
  exposure?: boolean;
};

export function mediaItem(m: MediaItem): Record<string, unknown> {
  return {
    id: m.id,
    publishedAt: ts(m.ms),
    source: m.source,
    sourceType: m.sourceType,
    regionCodes: [m.regionCode],
    productCode: m.productCode,
    sentiment: Math.round(m.sentiment * 100) / 100,
    reach: Math.round(m.reach),
    exposure: m.exposure ?? false,
  };
}

/** One line of the backtest's input: {"topic", "key", "value"}, as `qrm simulate --out` writes them. */
export const eventLine = (topic: Topic, value: Record<string, unknown>): string => `${JSON.stringify({ topic: TOPICS[topic], key: value.id, value })}\n`;

/** Where generators put their messages; `write` returns the line it wrote. */
export type Sink = { write(topic: Topic, value: Record<string, unknown>): Promise<string> | string };

/** An events file on disk. */
export class EventsFile implements Sink {
  private readonly out: WriteStream;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
  }

  async write(topic: Topic, value: Record<string, unknown>): Promise<string> {
    const line = eventLine(topic, value);
    await this.writeLine(line);
    return line;
  }

  /** Resolves once the stream can take more, so a generator of millions of lines stays in flat memory. */
  async writeLine(line: string): Promise<void> {
    if (!this.out.write(line)) await new Promise<void>((r) => this.out.once('drain', r));
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
