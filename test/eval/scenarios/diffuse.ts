import { join } from 'node:path';
import { hashSeed, Rng } from '../../../services/simulate/rng.ts';
import { Cells } from '../cells.ts';
import { writeComplaints } from '../complaints.ts';
import { byCell, cellOf, delays, detections, pod, weeklyFpr, type Series } from '../metrics.ts';
import { WEEKDAY_PROFILE, type Baseline } from '../model.ts';
import { EventsFile } from '../records.ts';
import { showRate, type Scenario } from '../scenario.ts';
import { DAY_MS, dayStart, END_DAY } from '../time.ts';

// A prefecture-wide diffuse rise: complaints about one product rise modestly for three weeks in most
// counties of a prefecture, too little for any county to stand out on its own, while the prefecture
// as a whole clearly departs from its baseline. Control prefectures have no rise.

const RISES = [1.5, 1.75, 2];
const PREFECTURES_PER_RISE = 3;
const CONTROLS = 6;
const MIN_COUNTIES = 8;
const MAX_COUNTIES = 15;
/** Share of a prefecture's counties that take part in the rise. */
const AFFECTED = 0.8;
const RISE_DAYS = 21;
const HISTORY_DAYS = 500;
const EVALUATED_DAYS = 84;
const GRACE_MS = 3 * DAY_MS;
const AFTER_MS = 28 * DAY_MS;

export const diffuse: Scenario = {
  name: 'diffuse',
  description: 'prefecture-wide diffuse rise, prefecture level, daily',
  async build(seed, dir) {
    const rng = new Rng(hashSeed('eval-diffuse', seed));
    const cells = new Cells(rng);
    const file = new EventsFile(join(dir, 'diffuse.ndjson'));
    const evalStart = END_DAY - EVALUATED_DAYS;
    const prefectures: Series[] = [];
    const countiesInRise: Series[] = [];
    const plan = [...RISES.flatMap((r) => Array<number | undefined>(PREFECTURES_PER_RISE).fill(r)), ...Array<undefined>(CONTROLS).fill(undefined)];
    for (const rise of plan) {
      const p = cells.prefecture(MIN_COUNTIES, MAX_COUNTIES);
      const start = rng.int(evalStart + 21, END_DAY - RISE_DAYS - 10);
      const s: Series = { productCode: p.productCode, regionCode: p.prefectureCode, regionLevel: 'prefecture', tags: { rise: rise ?? 1, counties: p.counties.length }, episodes: [] };
      if (rise !== undefined) s.episodes.push({ start: dayStart(start), end: dayStart(start + RISE_DAYS), evaluated: true, tags: { rise } });
      prefectures.push(s);
      for (const [i, regionCode] of p.counties.entries()) {
        const cell = { productCode: p.productCode, regionCode };
        const affected = rise !== undefined && rng.chance(AFFECTED);
        const baseline: Baseline = { level: rng.pick([0.5, 1, 2]), beta: 0, harmonics: rng.pick([[], [[0.2, 0.3]]]), phi: 1.5, weekday: WEEKDAY_PROFILE, centreDay: evalStart };
        const factor = (day: number) => (affected && day >= start && day < start + RISE_DAYS ? rise! : 1);
        await writeComplaints(file, rng, `EVP-${prefectures.length}-${i + 1}`, { cell, baseline, firstDay: END_DAY - HISTORY_DAYS, endDay: END_DAY, factor });
        if (affected) countiesInRise.push({ ...cell, regionLevel: 'county', tags: {}, episodes: s.episodes });
      }
    }
    await file.close();
    const from = dayStart(evalStart);
    const to = dayStart(END_DAY);
    return {
      series: prefectures,
      runs: { main: { events: file.path, from, to, step: '1d' } },
      judge(results) {
        const warnings = byCell(results.main!.warnings);
        const found = detections(prefectures, warnings, GRACE_MS);
        const fpr = weeklyFpr(prefectures, warnings, from, to, AFTER_MS);
        const countyHits = detections(countiesInRise, warnings, GRACE_MS);
        return {
          pod: pod(found),
          fpr,
          delay: { ...delays(found, DAY_MS), unit: 'days' },
          breakdown: [
            ...RISES.map((rise) => ({ group: `rise ×${rise}`, pod: showRate(pod(found.filter((d) => d.episode.tags.rise === rise))), countyWarned: showRate(pod(countyHits.filter((d) => d.episode.tags.rise === rise))) })),
          ],
          targets: [{ name: 'every diffuse rise warned at prefecture level', pass: pod(found).value === 1, detail: showRate(pod(found)) }],
          notes: [
            `${countyHits.filter((d) => d.delayMs !== undefined).length} of ${countyHits.length} rising counties warned on their own (by design each should stay below its threshold)`,
            `FPR is at prefecture level, ${CONTROLS} control prefectures and the weeks before each rise; ${prefectures.filter((s) => warnings.has(cellOf(s))).length} prefectures had any warning event`,
          ],
        };
      },
    };
  },
};
