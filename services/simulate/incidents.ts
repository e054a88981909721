import { isProductCode, productByCode } from '../domain/catalog.ts';
import { normalizeRegionCode } from '../domain/regions.ts';
import { PROFILES, TOPIC_SHARE } from './activity.ts';
import { HOUR_MS, parseBeijingTimestamp } from './clock.ts';
import { CallerPool, exposeRecord, followUpRecord, hotlineRecord, spotcheckRecord } from './generators.ts';
import { cellShare, populationSize, type Cell } from './population.ts';
import { hashSeed, Rng } from './rng.ts';
import { poissonArrivals, scheduled, Stream, type Emitter, type Source } from './sources.ts';
import type { Incident, IncidentKind, Topic } from './types.ts';

// Declared incidents: the events a demo or a test expects the risk engine to find. Each one runs
// on its own random stream, so adding an incident leaves the ordinary traffic as it was.

const DEFAULTS: Record<IncidentKind, { hours: number; intensity: number }> = {
  complaint_surge: { hours: 48, intensity: 10 },
  spotcheck_failures: { hours: 24, intensity: 6 },
  media_expose: { hours: 48, intensity: 10 },
};
const OPTION = /:(start|hours|intensity)=(.*?)(?=:(?:start|hours|intensity)=|$)/y;

/**
 * Parses the CLI form `kind:productCode:regionCode[:start=TIME][:hours=N][:intensity=X]`.
 * TIME may contain colons (`2026-11-20T08:00:00+08:00`); it takes any contract timestamp form.
 */
export function parseIncident(spec: string, defaultStart: Date): Incident {
  const fail = (why: string): never => {
    throw new Error(`incident "${spec}": ${why}`);
  };
  const head = /^([a-z_]+):([^:]+):([^:]+)(.*)$/.exec(spec.trim()) ?? fail('expected kind:productCode:regionCode[:start=…][:hours=…][:intensity=…]');
  const [, kind, productCode, rawRegion, rest] = head;
  if (!(kind! in DEFAULTS)) fail(`unknown kind ${kind}; expected one of ${Object.keys(DEFAULTS).join(', ')}`);
  if (!isProductCode(productCode!)) fail(`unknown product code ${productCode}`);
  const regionCode = normalizeRegionCode(rawRegion!) ?? fail(`${rawRegion} is not a county-level GB/T 2260 code`);
  const defaults = DEFAULTS[kind as IncidentKind];

  const options = new Map<string, string>();
  OPTION.lastIndex = 0;
  while (OPTION.lastIndex < rest!.length) {
    const m = OPTION.exec(rest!) ?? fail(`cannot read options "${rest!.slice(OPTION.lastIndex)}"`);
    if (options.has(m[1]!)) fail(`${m[1]} given twice`);
    options.set(m[1]!, m[2]!);
  }
  const start = options.has('start')
    ? (parseBeijingTimestamp(options.get('start')!) ?? fail(`start=${options.get('start')} is not a timestamp`))
    : defaultStart.getTime();
  const durationHours = options.has('hours') ? Number(options.get('hours')) : defaults.hours;
  if (!(Number.isFinite(durationHours) && durationHours > 0)) fail(`hours must be a positive number`);
  const intensity = options.has('intensity') ? Number(options.get('intensity')) : defaults.intensity;
  if (!(Number.isFinite(intensity) && intensity >= 1)) fail(`intensity must be a number >= 1`);

  return { kind: kind as IncidentKind, productCode: productCode!, regionCode, start: new Date(start), durationHours, intensity };
}

/**
 * Most of the 570,000 cells see almost no complaints, and multiplying nearly nothing by ten is
 * still nearly nothing. A surge treats its cell as at least this busy (as busy as a key region
 * is for its product), so a surge declared anywhere is visible.
 */
const SURGE_FLOOR_SHARE = 0.002;

export type IncidentEnv = { emitter: Emitter; ratePerSecond: number; startMs: number; endMs: number };

/** The extra messages an incident adds to the run, as a Source. */
export function incidentSource(incident: Incident, index: number, env: IncidentEnv): Source {
  const { emitter } = env;
  const rng = new Rng(hashSeed(emitter.seed, 'incident', index, incident.kind, incident.productCode, incident.regionCode));
  const cell: Cell = { product: productByCode(incident.productCode)!, regionCode: incident.regionCode };
  const start = incident.start.getTime();
  const end = start + incident.durationHours * HOUR_MS;
  const inWindow = (ms: number) => ms >= env.startMs && ms < env.endMs;
  const ctx = (topic: Topic, ms: number) => ({ seed: emitter.seed, seq: emitter.nextSeq(topic), ms, cell });

  switch (incident.kind) {
    case 'complaint_surge': {
      const share = Math.max(cellShare('hotline', cell.product.code, cell.regionCode), SURGE_FLOOR_SHARE);
      const extraPerMs = ((env.ratePerSecond * TOPIC_SHARE.hotline) / 1000) * share * (incident.intensity - 1);
      const callers = new CallerPool();
      return new Stream(poissonArrivals(rng, extraPerMs, PROFILES.hotline, Math.max(start, env.startMs), Math.min(end, env.endMs)), (ms) =>
        emitter.message(rng, 'hotline', hotlineRecord(rng, ctx('hotline', ms), callers, true), ms, true),
      );
    }
    case 'spotcheck_failures': {
      // Several producers fail in one campaign: distinct enterprises while the cell has enough.
      const count = Math.round(incident.intensity);
      const pool = Array.from({ length: Math.max(count, populationSize(emitter.seed, cell.product.code, cell.regionCode)) }, (_, i) => i);
      const enterprises = Array.from({ length: count }, () => pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
      const times = enterprises.map(() => rng.uniform(start, end));
      let next = 0;
      // The incident is the point of the run: its failures are never replaced by broken messages.
      return new Stream(scheduled(times.filter(inWindow)), (ms) =>
        emitter.message(rng, 'spotcheck', spotcheckRecord(rng, ctx('spotcheck', ms), { enterpriseIndex: enterprises[next++]!, failing: true }), ms, false),
      );
    }
    case 'media_expose': {
      // Reposts decay after the story breaks; their number is overdispersed, as virality is.
      const followUps: number[] = [];
      const count = rng.negativeBinomial(incident.intensity * 20, 2);
      for (let i = 0; i < count; i++) {
        const t = start + 5 * 60_000 + rng.exponential(4 / (incident.durationHours * HOUR_MS));
        if (t < end) followUps.push(t);
      }
      // The exposé comes first: follow-ups start five minutes after it.
      let exposePending = inWindow(start);
      return new Stream(scheduled([...(exposePending ? [start] : []), ...followUps.filter(inWindow)]), (ms) => {
        if (exposePending) {
          exposePending = false;
          return emitter.message(rng, 'media', exposeRecord(rng, ctx('media', ms), incident.intensity), ms, false);
        }
        return emitter.message(rng, 'media', followUpRecord(rng, ctx('media', ms)), ms, true);
      });
    }
  }
}
