import { join } from 'node:path';
import { hashSeed, Rng } from '../../../services/simulate/rng.ts';
import { Cells } from '../cells.ts';
import { writeOrdinaryMedia } from '../media.ts';
import { byCell, cellOf, delays, detections, pod, type Series } from '../metrics.ts';
import { EventsFile, mediaItem } from '../records.ts';
import { showRate, type Scenario } from '../scenario.ts';
import { DAY_MS, dayStart, END_DAY, HOUR_MS } from '../time.ts';

// Media exposés (媒体曝光): an investigative report by a national outlet (exposure = true, reach of a
// million or more, sentiment -0.7 or worse), followed by a day of reposts, on top of a cell's ordinary
// coverage. Evaluated hourly over three days; the target is a warning within six hours.

const EXPOSES = 12;
const CONTROLS = 12;
const HISTORY_DAYS = 120;
const WINDOW_DAYS = 3;
const TARGET_MS = 6 * HOUR_MS;
const MEDIA_PER_DAY = [0.5, 2, 5];
const OUTLETS = ['中央电视台', '新华社', '人民日报', '央视财经'];

export const exposes: Scenario = {
  name: 'exposes',
  description: 'media exposés on ordinary coverage, county level, hourly',
  async build(seed, dir) {
    const rng = new Rng(hashSeed('eval-exposes', seed));
    const cells = new Cells(rng);
    const file = new EventsFile(join(dir, 'exposes.ndjson'));
    const from = dayStart(END_DAY - WINDOW_DAYS);
    const to = dayStart(END_DAY);
    const series: Series[] = [];
    for (let i = 0; i < EXPOSES + CONTROLS; i++) {
      const cell = cells.county();
      const perDay = rng.pick(MEDIA_PER_DAY);
      const prefix = `EVM-${i + 1}`;
      await writeOrdinaryMedia(file, rng, prefix, cell, perDay, dayStart(END_DAY - HISTORY_DAYS), to);
      const s: Series = { ...cell, regionLevel: 'county', tags: { perDay }, episodes: [] };
      if (i < EXPOSES) {
        // Late enough for a day of ordinary scoring before it, early enough to watch six hours after.
        const at = from + DAY_MS + Math.floor(rng.next() * (WINDOW_DAYS * DAY_MS - DAY_MS - 8 * HOUR_MS) / 60_000) * 60_000;
        await file.write('media', mediaItem({ id: `${prefix}-expose`, ms: at, ...cell, source: rng.pick(OUTLETS), sourceType: 'news', sentiment: rng.uniform(-0.95, -0.7), reach: rng.uniform(1e6, 2e7), exposure: true }));
        for (let r = rng.int(5, 30); r > 0; r--) {
          const ms = at + Math.floor(rng.next() * DAY_MS);
          if (ms < to) await file.write('media', mediaItem({ id: `${prefix}-repost-${r}`, ms, ...cell, source: '微博用户', sourceType: 'social', sentiment: rng.uniform(-0.9, -0.5), reach: Math.exp(rng.normal(Math.log(20_000), 1)) }));
        }
        s.episodes.push({ start: at, end: at, evaluated: true, tags: {} });
      }
      series.push(s);
    }
    await file.close();
    return {
      series,
      runs: { main: { events: file.path, from, to, step: '1h' } },
      judge(results) {
        const warnings = byCell(results.main!.warnings);
        const found = detections(series, warnings, TARGET_MS);
        // Openings with no exposé behind them: on control cells, or on exposé cells before the exposé.
        const falseOpenings = series.flatMap((s) =>
          (warnings.get(cellOf(s)) ?? []).filter((w) => w.event === 'opened' && (s.episodes.length === 0 || Date.parse(w.evaluatedAt) < s.episodes[0]!.start)),
        ).length;
        const levels = found.flatMap((d) => (warnings.get(cellOf(d.series)) ?? []).filter((w) => w.event === 'opened').slice(0, 1).map((w) => w.level));
        return {
          pod: pod(found),
          delay: { ...delays(found, HOUR_MS), unit: 'hours' },
          breakdown: MEDIA_PER_DAY.map((perDay) => ({ group: `${perDay} ordinary items/day`, pod: showRate(pod(found.filter((d) => d.series.tags.perDay === perDay))) })),
          targets: [{ name: 'every exposé warned within 6 h', pass: pod(found).value === 1, detail: showRate(pod(found)) }],
          notes: [
            `levels opened: ${levels.join(' ') || 'none'}; evaluated hourly over the last ${WINDOW_DAYS} days of ${HISTORY_DAYS}`,
            `${falseOpenings} warnings opened on ordinary coverage alone (${series.length} cells × ${WINDOW_DAYS} days, before any exposé)`,
          ],
        };
      },
    };
  },
};
