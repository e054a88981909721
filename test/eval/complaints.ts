import type { Rng } from '../../services/simulate/rng.ts';
import type { CountyCell } from './cells.ts';
import { dailyCounts, type Baseline } from './model.ts';
import { complaint, enterprises, officeHour, ordinarySeverity, phone, type Sink } from './records.ts';
import { dayStart } from './time.ts';

// One cell's hotline complaints: the baseline of model.ts, plus the extra complaints of
// any injected episodes at their given times. Every caller is new (repeat callers are the flood
// scenario's subject), and half the complaints name one of the cell's enterprises; an episode's
// complaints name the one enterprise behind it when they name any.

export type ComplaintSeries = {
  cell: CountyCell;
  baseline: Baseline;
  /** Beijing days [firstDay, endDay). */
  firstDay: number;
  endDay: number;
  /** Times of the injected complaints (outside [firstDay, endDay) they are dropped). */
  extra?: readonly number[];
  /** Multiplies the baseline mean on a day (a diffuse rise); 1 when absent. */
  factor?: (day: number) => number;
};

export async function writeComplaints(file: Sink, rng: Rng, idPrefix: string, s: ComplaintSeries): Promise<number> {
  const firms = enterprises(rng, s.cell.regionCode, 10);
  const culprit = firms[0]!;
  let seq = 0;
  const write = (ms: number, injected: boolean) =>
    file.write(
      'hotline',
      complaint({
        id: `${idPrefix}-${++seq}`,
        ms,
        ...s.cell,
        phone: phone(rng),
        enterprise: rng.chance(0.5) ? (injected ? culprit : rng.pick(firms)) : undefined,
        ...ordinarySeverity(rng),
      }),
    );
  for (const [day, n] of dailyCounts(rng, s.baseline, s.firstDay, s.endDay, s.factor)) {
    for (let i = 0; i < n; i++) await write(officeHour(rng, dayStart(day)), false);
  }
  for (const ms of s.extra ?? []) {
    if (ms >= dayStart(s.firstDay) && ms < dayStart(s.endDay)) await write(ms, true);
  }
  return seq;
}
