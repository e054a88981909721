import { DAY_MS } from './clock.ts';
import type { WeeklyProfile } from './activity.ts';
import type { JsonRecord } from './generators.ts';
import { corrupt } from './invalid.ts';
import type { Rng } from './rng.ts';
import type { SimMessage, Topic } from './types.ts';

/** A time-ordered stream of messages; `at` is the time of the next one, Infinity when done. */
export type Source = { readonly at: number; emit(): SimMessage };

/** A Source from a clock of arrival times and a builder for the message at each. */
export class Stream implements Source {
  at: number;

  constructor(
    private readonly nextTime: () => number,
    private readonly build: (ms: number) => SimMessage,
  ) {
    this.at = nextTime();
  }

  emit(): SimMessage {
    // Records carry whole seconds; flooring keeps the merged output in order.
    const message = this.build(Math.floor(this.at / 1000) * 1000);
    this.at = this.nextTime();
    return message;
  }
}

/**
 * Arrival times of a Poisson process whose rate follows a weekly profile, in [from, to), by
 * thinning (Lewis and Shedler 1979): candidates at the peak rate, each kept with probability
 * rate(t) / peak.
 */
export function poissonArrivals(rng: Rng, meanPerMs: number, profile: WeeklyProfile, from: number, to: number): () => number {
  const peak = meanPerMs * profile.max;
  let t = from;
  return () => {
    if (!(peak > 0)) return Infinity;
    for (;;) {
      t += rng.exponential(peak);
      if (t >= to) return Infinity;
      if (rng.next() * profile.max < profile.at(t)) return t;
    }
  };
}

/** Fixed arrival times (sorted here) as a clock. */
export function scheduled(times: readonly number[]): () => number {
  const sorted = [...times].sort((a, b) => a - b);
  let i = 0;
  return () => (i < sorted.length ? sorted[i++]! : Infinity);
}

const EMPTY_KEY_SHARE = 0.03;
const YEAR_MS = 365 * DAY_MS;

/** Per-run state every source shares: id sequences and the rules for making a message invalid. */
export class Emitter {
  private readonly seqs: Record<Topic, number> = { hotline: 0, media: 0, spotcheck: 0 };

  constructor(
    readonly seed: number,
    private readonly invalidRate: number,
    private readonly nowMs: number | undefined,
    private readonly endMs: number,
  ) {}

  /** The next number of a topic's ids: ids are unique because these never repeat within a run. */
  nextSeq(topic: Topic): number {
    return ++this.seqs[topic];
  }

  /** Encodes `record`, or with probability invalidRate a broken version of it when `mayBeInvalid`. */
  message(rng: Rng, topic: Topic, record: JsonRecord, ms: number, mayBeInvalid: boolean): SimMessage {
    const time = new Date(ms);
    const emptyKey = rng.chance(EMPTY_KEY_SHARE);
    if (mayBeInvalid && rng.chance(this.invalidRate)) {
      const { value, reason } = corrupt(rng, topic, record, this.futureMs(rng));
      return { topic, key: keyOf(record, emptyKey), value, valid: false, invalidReason: reason, time };
    }
    return { topic, key: keyOf(record, emptyKey), value: Buffer.from(JSON.stringify(record)), valid: true, time };
  }

  // With a known processing time, just past the one-day tolerance; without one, years past the
  // window, so the record is still "in the future" whenever the output is replayed.
  private futureMs(rng: Rng): number {
    if (this.nowMs !== undefined) return this.nowMs + rng.uniform(2, 30) * DAY_MS;
    return this.endMs + rng.uniform(3, 10) * YEAR_MS;
  }
}

function keyOf(record: JsonRecord, empty: boolean): string {
  return !empty && typeof record.id === 'string' ? record.id : '';
}
