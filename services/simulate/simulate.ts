import { isProductCode } from '../domain/catalog.ts';
import { isCounty } from '../domain/regions.ts';
import { PROFILES, TOPIC_SHARE } from './activity.ts';
import { DAY_MS } from './clock.ts';
import { CallerPool, hotlineRecord, mediaRecord, spotcheckRecord } from './generators.ts';
import { incidentSource } from './incidents.ts';
import { CellPicker } from './population.ts';
import { hashSeed, Rng } from './rng.ts';
import { Emitter, poissonArrivals, Stream, type Source } from './sources.ts';
import type { SimMessage, SimOptions, Topic } from './types.ts';

function check(opts: SimOptions): void {
  const fail = (why: string): never => {
    throw new RangeError(`simulate: ${why}`);
  };
  if (!Number.isInteger(opts.seed)) fail(`seed must be an integer, got ${opts.seed}`);
  if (Number.isNaN(opts.start.getTime())) fail('start is not a valid date');
  if (!(opts.durationSeconds >= 0)) fail(`durationSeconds must be >= 0, got ${opts.durationSeconds}`);
  if (!(opts.ratePerSecond >= 0)) fail(`ratePerSecond must be >= 0, got ${opts.ratePerSecond}`);
  if (!(opts.invalidRate >= 0 && opts.invalidRate <= 1)) fail(`invalidRate must be in [0, 1], got ${opts.invalidRate}`);
  // A valid record may not be stamped more than a day after it is processed.
  if (opts.now && opts.start.getTime() + opts.durationSeconds * 1000 > opts.now.getTime() + DAY_MS) {
    fail('the window ends more than a day after `now`: its valid records would be rejected as future-dated');
  }
  for (const i of opts.incidents) {
    if (!isProductCode(i.productCode)) fail(`incident product ${i.productCode} is not in the catalog`);
    if (!isCounty(i.regionCode)) fail(`incident region ${i.regionCode} is not a county-level code`);
    if (!(i.durationHours > 0) || !(i.intensity >= 1)) fail(`incident ${i.kind} needs durationHours > 0 and intensity >= 1`);
    if (Number.isNaN(i.start.getTime())) fail(`incident ${i.kind} has an invalid start`);
  }
}

function baseSource(topic: Topic, opts: SimOptions, emitter: Emitter, startMs: number, endMs: number): Source {
  const rng = new Rng(hashSeed(opts.seed, 'base', topic));
  const cells = new CellPicker(opts.seed, topic);
  const callers = new CallerPool();
  const arrivals = poissonArrivals(rng, (opts.ratePerSecond * TOPIC_SHARE[topic]) / 1000, PROFILES[topic], startMs, endMs);
  return new Stream(arrivals, (ms) => {
    const ctx = { seed: opts.seed, seq: emitter.nextSeq(topic), ms, cell: cells.pick(rng, ms) };
    const record =
      topic === 'hotline' ? hotlineRecord(rng, ctx, callers, false) : topic === 'media' ? mediaRecord(rng, ctx) : spotcheckRecord(rng, ctx);
    return emitter.message(rng, topic, record, ms, true);
  });
}

/**
 * The three feeds over [start, start + durationSeconds), merged in time order. Pure: the same
 * options give byte-identical messages. Each feed and each incident draws from its own random
 * stream, so declaring an incident leaves the ordinary traffic unchanged apart from id numbers.
 */
export function* simulate(opts: SimOptions): Generator<SimMessage> {
  check(opts);
  const startMs = opts.start.getTime();
  const endMs = startMs + opts.durationSeconds * 1000;
  const emitter = new Emitter(opts.seed, opts.invalidRate, opts.now?.getTime(), endMs);
  const sources: Source[] = [
    baseSource('hotline', opts, emitter, startMs, endMs),
    baseSource('media', opts, emitter, startMs, endMs),
    baseSource('spotcheck', opts, emitter, startMs, endMs),
    ...opts.incidents.map((incident, i) => incidentSource(incident, i, { emitter, ratePerSecond: opts.ratePerSecond, startMs, endMs })),
  ];
  for (;;) {
    // A linear scan: there are only a handful of sources.
    let next = sources[0]!;
    for (const s of sources) if (s.at < next.at) next = s;
    if (next.at === Infinity) return;
    yield next.emit();
  }
}
