import { join } from 'node:path';
import { hashSeed, Rng } from '../../../services/simulate/rng.ts';
import { Cells } from '../cells.ts';
import { writeComplaints } from '../complaints.ts';
import { writeOrdinaryMedia } from '../media.ts';
import type { WarningEvent } from '../backtest.ts';
import { byCell, cellOf, detections, pod, type Series } from '../metrics.ts';
import { outbreakTimes, WEEKDAY_PROFILE, type Baseline } from '../model.ts';
import { enterprises, eventLine, EventsFile, type Sink } from '../records.ts';
import { showRate, type Scenario } from '../scenario.ts';
import { SpotWriter } from '../spot.ts';
import { DAY_MS, dayStart, END_DAY } from '../time.ts';

// Redelivered duplicates: Kafka delivers at least once, so after a consumer restart whole batches
// come again, byte for byte. The same data is written twice, once clean and once with redeliveries
// (single lines repeated next to themselves, and contiguous batches repeated 30 to 50 times at the
// end); both are backtested. Redelivery must not raise any warning, and every warning event (the
// reference outbreak cells', with their scores and observed counts) must be identical in both runs.

const QUIET = 8;
const REFERENCE = 4;
const HISTORY_DAYS = 500;
const EVALUATED_DAYS = 35;
const STORMS = 12;
const STORM_LINES = 200;

/** Keeps the lines in memory: the data is small, and both files are written from it. */
class Recorder implements Sink {
  readonly lines: string[] = [];
  write(topic: Parameters<Sink['write']>[0], value: Record<string, unknown>): string {
    const line = eventLine(topic, value);
    this.lines.push(line);
    return line;
  }
}

export const duplicates: Scenario = {
  name: 'duplicates',
  description: 'redelivered duplicates (same ids, many times), county level, daily',
  async build(seed, dir) {
    const rng = new Rng(hashSeed('eval-duplicates', seed));
    const cells = new Cells(rng);
    const rec = new Recorder();
    const evalStart = END_DAY - EVALUATED_DAYS;
    const quiet: Series[] = [];
    const reference: Series[] = [];
    for (let i = 0; i < QUIET + REFERENCE; i++) {
      const cell = cells.county();
      const prefix = `EVD-${i + 1}`;
      const baseline: Baseline = { level: rng.pick([1, 2]), beta: 0, harmonics: [], phi: 1.5, weekday: WEEKDAY_PROFILE, centreDay: END_DAY };
      const s: Series = { ...cell, regionLevel: 'county', tags: {}, episodes: [] };
      const extra: number[] = [];
      if (i >= QUIET) {
        const times = outbreakTimes(rng, baseline, rng.int(evalStart + 7, END_DAY - 25), 10);
        extra.push(...times);
        s.episodes.push({ start: times[0]!, end: times.at(-1)!, evaluated: true, tags: {} });
      }
      await writeComplaints(rec, rng, `${prefix}-c`, { cell, baseline, firstDay: END_DAY - HISTORY_DAYS, endDay: END_DAY, extra });
      await writeOrdinaryMedia(rec, rng, `${prefix}-m`, cell, 1, dayStart(END_DAY - 120), dayStart(END_DAY));
      await new SpotWriter(rec, rng, `${prefix}-s`, { cell, firms: enterprises(rng, cell.regionCode, 10), perYear: 24, firstDay: END_DAY - 2 * 365, endDay: END_DAY }).background();
      (i < QUIET ? quiet : reference).push(s);
    }
    const clean = new EventsFile(join(dir, 'duplicates-clean.ndjson'));
    const redelivered = new EventsFile(join(dir, 'duplicates.ndjson'));
    for (const line of rec.lines) {
      await clean.writeLine(line);
      for (let n = rng.chance(0.2) ? rng.int(2, 6) : 1; n > 0; n--) await redelivered.writeLine(line);
    }
    for (let s = 0; s < STORMS; s++) {
      const at = rng.int(0, rec.lines.length - STORM_LINES);
      for (let n = rng.int(30, 50); n > 0; n--) for (const line of rec.lines.slice(at, at + STORM_LINES)) await redelivered.writeLine(line);
    }
    await Promise.all([clean.close(), redelivered.close()]);
    const from = dayStart(evalStart);
    const to = dayStart(END_DAY);
    return {
      series: [...quiet, ...reference],
      runs: { clean: { events: clean.path, from, to, step: '1d' }, redelivered: { events: redelivered.path, from, to, step: '1d' } },
      judge(results) {
        const dup = results.redelivered!;
        const once = results.clean!;
        const key = (w: WarningEvent) => `${cellOf(w)}|${w.evaluatedAt}|${w.event}|${w.level}`;
        const known = new Set(once.warnings.map(key));
        const added = dup.warnings.filter((w) => (w.event === 'opened' || w.event === 'escalated') && !known.has(key(w)));
        const same = JSON.stringify(dup.warnings) === JSON.stringify(once.warnings);
        const found = detections(reference, byCell(dup.warnings), 3 * DAY_MS);
        const quietCells = new Set(quiet.map(cellOf));
        const quietWarned = new Set(dup.warnings.filter((w) => w.event === 'opened' && quietCells.has(cellOf(w))).map(cellOf)).size;
        return {
          pod: pod(found),
          breakdown: [{ group: 'events loaded', clean: once.loaded, redelivered: dup.loaded, warningEventsClean: once.warnings.length, warningEventsRedelivered: dup.warnings.length }],
          targets: [
            { name: 'duplicates never warn', pass: added.length === 0, detail: `${added.length} warnings opened or raised only with redelivery` },
            { name: 'counts unchanged', pass: same, detail: same ? `${dup.warnings.length} warning events (scores, observed counts, sample ids) identical with and without redelivery` : 'warning events differ' },
          ],
          notes: [
            `POD is of the ${REFERENCE} reference outbreaks (k = 10), found in the redelivered file: ${showRate(pod(found))}`,
            `${quietWarned} of ${QUIET} quiet cells warned in both runs alike (background false positives, not caused by redelivery)`,
          ],
        };
      },
    };
  },
};
