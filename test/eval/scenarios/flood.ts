import { join } from 'node:path';
import { hashSeed, Rng } from '../../../services/simulate/rng.ts';
import type { WarningEvent } from '../backtest.ts';
import { levels } from '../../../services/transforms/score/levels.ts';
import { Cells } from '../cells.ts';
import { writeComplaints } from '../complaints.ts';
import { byCell, cellOf, type Series } from '../metrics.ts';
import { FLAT_WEEK, WEEKDAY_PROFILE } from '../model.ts';
import { complaint, enterprises, eventLine, EventsFile, officeHour, phone } from '../records.ts';
import type { Scenario } from '../scenario.ts';
import { DAY_MS, dayOf, dayStart, END_DAY } from '../time.ts';

// One caller flooding the hotline: 30 to 60 complaints from the same phone number over three to ten
// days, all about one enterprise, in a cell with ordinary traffic. One person is one voice, however
// often they call: the flood may not warn more than the same caller calling once a day (their most
// severe call of each day), which puts the same one voice in every window. The same background is
// also backtested without the caller at all: a warning there is the scorer's ordinary false positive,
// and one reached only with the caller is one voice more tipping a cell near its threshold, shown
// but not blamed on the flooding.

const CELLS = 12;
const HISTORY_DAYS = 500;
const EVALUATED_DAYS = 35;
const LEVELS = [0.5, 1, 2];
// The flood's effect is over once it has left the 28-day window.
const WATCH_MS = 28 * DAY_MS;

export const flood: Scenario = {
  name: 'flood',
  description: 'one caller flooding the hotline, county level, daily',
  async build(seed, dir) {
    const rng = new Rng(hashSeed('eval-flood', seed));
    const cells = new Cells(rng);
    const flooded = new EventsFile(join(dir, 'flood.ndjson'));
    const background = new EventsFile(join(dir, 'flood-background.ndjson'));
    const once = new EventsFile(join(dir, 'flood-once.ndjson'));
    // Background lines go to every file; the caller's calls to the flooded one, and their most severe
    // call of each day to the once-a-day one.
    const both = { write: async (topic: Parameters<EventsFile['write']>[0], value: Record<string, unknown>) => {
      const line = eventLine(topic, value);
      await flooded.writeLine(line);
      await background.writeLine(line);
      await once.writeLine(line);
      return line;
    } };
    const series: Series[] = [];
    let calls = 0;
    for (let i = 0; i < CELLS; i++) {
      const cell = cells.county();
      const level = LEVELS[i % LEVELS.length]!;
      await writeComplaints(both, rng, `EVF-${i + 1}`, {
        cell,
        baseline: { level, beta: 0, harmonics: [], phi: 1.5, weekday: i % 2 ? WEEKDAY_PROFILE : FLAT_WEEK, centreDay: END_DAY },
        firstDay: END_DAY - HISTORY_DAYS,
        endDay: END_DAY,
      });
      const caller = phone(rng);
      const target = enterprises(rng, cell.regionCode, 1)[0]!;
      const firstDay = rng.int(END_DAY - EVALUATED_DAYS + 3, END_DAY - 14);
      const days = rng.int(3, 10);
      const n = rng.int(30, 60);
      const times = Array.from({ length: n }, () => officeHour(rng, dayStart(firstDay + rng.int(0, days - 1)))).sort((a, b) => a - b);
      // The caller's most severe call of each day (the first hazard, else the first call), for the run
      // in which they call once a day.
      const daily = new Map<number, { call: ReturnType<typeof complaint>; hazard: boolean }>();
      for (const [j, ms] of times.entries()) {
        // An aggrieved caller who calls it a hazard now and then: a voice of weight 2 at most.
        const issue = rng.chance(0.5) ? 'safety_hazard' : 'quality_defect';
        const call = complaint({ id: `EVF-${i + 1}-flood-${j + 1}`, ms, ...cell, phone: caller, enterprise: target, issue, harm: rng.chance(0.3) ? 'property' : 'none' });
        await flooded.write('hotline', call);
        const kept = daily.get(dayOf(ms));
        if (!kept || (issue === 'safety_hazard' && !kept.hazard)) daily.set(dayOf(ms), { call, hazard: issue === 'safety_hazard' });
      }
      for (const { call } of daily.values()) await once.write('hotline', call);
      calls += n;
      series.push({ ...cell, regionLevel: 'county', tags: { level, calls: n, days }, episodes: [{ start: times[0]!, end: times.at(-1)!, evaluated: true, tags: {} }] });
    }
    await Promise.all([flooded.close(), background.close(), once.close()]);
    const from = dayStart(END_DAY - EVALUATED_DAYS);
    const to = dayStart(END_DAY);
    return {
      series,
      runs: {
        flooded: { events: flooded.path, from, to, step: '1d' },
        once: { events: once.path, from, to, step: '1d' },
        background: { events: background.path, from, to, step: '1d' },
      },
      judge(results) {
        const withFlood = byCell(results.flooded!.warnings);
        const onceADay = byCell(results.once!.warnings);
        const without = byCell(results.background!.warnings);
        // The most severe level a cell reached (opened or escalated to) while the flood was in its
        // windows. Timing is not compared: the caller is one voice, and one more voice may rightly
        // tip a background that was about to warn anyway a day or two earlier.
        const worst = (events: WarningEvent[] | undefined, s: Series) =>
          (events ?? [])
            .filter((w) => (w.event === 'opened' || w.event === 'escalated') && Date.parse(w.evaluatedAt) >= s.episodes[0]!.start && Date.parse(w.evaluatedAt) <= s.episodes[0]!.end + WATCH_MS)
            .reduce<number>((most, w) => Math.min(most, levels.indexOf(w.level)), levels.length);
        const above = (a: Map<string, WarningEvent[]>, b: Map<string, WarningEvent[]>) => (s: Series) => worst(a.get(cellOf(s)), s) < worst(b.get(cellOf(s)), s);
        const shown = (i: number) => levels[i] ?? '–';
        const warned = series.filter(above(withFlood, onceADay));
        const tipped = series.filter(above(onceADay, without));
        const background = series.filter((s) => worst(without.get(cellOf(s)), s) < levels.length);
        return {
          breakdown: series.map((s) => ({
            group: `${s.productCode}/${s.regionCode}`,
            baseline: s.tags.level!,
            calls: s.tags.calls!,
            days: s.tags.days!,
            levelWithFlood: shown(worst(withFlood.get(cellOf(s)), s)),
            levelOnceADay: shown(worst(onceADay.get(cellOf(s)), s)),
            levelWithout: shown(worst(without.get(cellOf(s)), s)),
          })),
          targets: [
            {
              name: 'a flooding caller never warns',
              pass: warned.length === 0,
              detail: `${warned.length} of ${series.length} flooded cells warned at a level the same caller calling once a day did not reach`,
            },
          ],
          notes: [
            `${calls} calls from ${series.length} callers; ${background.length} cells warned in the same weeks without any caller (background false positives)`,
            `${tipped.length} cells warned with the caller's one voice at a level the background alone did not reach: one voice more tipping a cell near its threshold, flood or not`,
          ],
        };
      },
    };
  },
};
