import { join } from 'node:path';
import { hashSeed, Rng } from '../../../services/simulate/rng.ts';
import { Cells } from '../cells.ts';
import { byCell, delays, detections, pod, weeklyFpr, type Series } from '../metrics.ts';
import { enterprises, EventsFile, officeHour } from '../records.ts';
import { showRate, type Scenario } from '../scenario.ts';
import { SpotWriter } from '../spot.ts';
import { DAY_MS, dayOf, dayStart, END_DAY } from '../time.ts';

// Spot-check failure clusters: several failed samples with a safety item, for one product and county
// within three weeks, on a background of ordinary sampling at the product's usual fail rate. Control
// cells have the background only.

const CLUSTER_SIZES = [3, 4, 5, 6];
const SERIES_PER_SIZE = 5;
const CONTROLS = 20;
const HISTORY_DAYS = 3 * 365;
const EVALUATED_DAYS = 126;
const CLUSTER_DAYS = 21;
const GRACE_MS = 3 * DAY_MS;
// A cluster stays in the 365-day window for a year: later warnings in that cell are its own.
const AFTER_MS = 365 * DAY_MS;
/** Samples per cell and year: classified supervision samples risky cells more often. */
const SAMPLING_RATES = [12, 24, 48];

export const spotchecks: Scenario = {
  name: 'spotchecks',
  description: 'spot-check failure clusters, county level, daily',
  async build(seed, dir) {
    const rng = new Rng(hashSeed('eval-spotchecks', seed));
    const cells = new Cells(rng);
    const file = new EventsFile(join(dir, 'spotchecks.ndjson'));
    const evalStart = END_DAY - EVALUATED_DAYS;
    const series: Series[] = [];
    const plan = [...CLUSTER_SIZES.flatMap((n) => Array<number | undefined>(SERIES_PER_SIZE).fill(n)), ...Array<undefined>(CONTROLS).fill(undefined)];
    for (const size of plan) {
      const cell = cells.county();
      const perYear = rng.pick(SAMPLING_RATES);
      const spots = new SpotWriter(file, rng, `EVS-${series.length + 1}`, { cell, firms: enterprises(rng, cell.regionCode, rng.int(5, 30)), perYear, firstDay: END_DAY - HISTORY_DAYS, endDay: END_DAY });
      await spots.background();
      const s: Series = { ...cell, regionLevel: 'county', tags: { perYear }, episodes: [] };
      if (size !== undefined) {
        const first = rng.int(evalStart + 14, END_DAY - 30);
        const published = Array.from({ length: size }, () => officeHour(rng, dayStart(first + rng.int(0, CLUSTER_DAYS - 1)))).sort((a, b) => a - b);
        for (const ms of published) await spots.sample(dayOf(ms) - rng.int(14, 30), true, true, ms);
        s.episodes.push({ start: published[0]!, end: published.at(-1)!, evaluated: true, tags: { size } });
      }
      series.push(s);
    }
    await file.close();
    const from = dayStart(evalStart);
    const to = dayStart(END_DAY);
    return {
      series,
      runs: { main: { events: file.path, from, to, step: '1d' } },
      judge(results) {
        const warnings = byCell(results.main!.warnings);
        const found = detections(series, warnings, GRACE_MS);
        const fpr = weeklyFpr(series, warnings, from, to, AFTER_MS);
        const breakdown = [
          ...CLUSTER_SIZES.map((size) => {
            const d = found.filter((x) => x.episode.tags.size === size);
            return { group: `${size} failures in ${CLUSTER_DAYS} days`, pod: showRate(pod(d)), delayMedianDays: delays(d, DAY_MS).median };
          }),
          ...SAMPLING_RATES.map((perYear) => ({
            group: `${perYear} samples/year`,
            pod: showRate(pod(found.filter((x) => x.series.tags.perYear === perYear))),
            fpr: showRate(weeklyFpr(series.filter((s) => s.tags.perYear === perYear), warnings, from, to, AFTER_MS), 3),
          })),
        ];
        return {
          pod: pod(found),
          fpr,
          delay: { ...delays(found, DAY_MS), unit: 'days' },
          breakdown,
          targets: [
            { name: 'POD ≥ 0.8', pass: (pod(found).value ?? 0) >= 0.8, detail: showRate(pod(found)) },
            { name: 'weekly FPR ≤ 1 %', pass: (fpr.value ?? 0) <= 0.01, detail: showRate(fpr, 3) },
          ],
          notes: [`the delay runs from the publication of the cluster's first failure; ${HISTORY_DAYS} days of history`],
        };
      },
    };
  },
};
