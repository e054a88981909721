import { productByCode } from '../../services/domain/catalog.ts';
import type { Rng } from '../../services/simulate/rng.ts';
import type { CountyCell } from './cells.ts';
import { officeHour, spotCheck, type Enterprise, type Sink } from './records.ts';
import { dayStart } from './time.ts';

// One cell's spot checks: samples taken on random days at `perYear` a year, failing at the product's
// national fail rate, published two to four weeks after sampling. Results not yet published by
// `endDay` are left out, as they would be unknown.

/** Share of a background failure that involves a safety item. */
const BACKGROUND_SAFETY_SHARE = 0.35;

export type SpotSeries = { cell: CountyCell; firms: readonly Enterprise[]; perYear: number; firstDay: number; endDay: number };

export class SpotWriter {
  private seq = 0;

  constructor(
    private readonly sink: Sink,
    private readonly rng: Rng,
    private readonly idPrefix: string,
    private readonly s: SpotSeries,
  ) {}

  async background(): Promise<void> {
    const failRate = productByCode(this.s.cell.productCode)!.nationalFailRate;
    for (let day = this.s.firstDay; day < this.s.endDay; day++) {
      for (let i = this.rng.poisson(this.s.perYear / 365); i > 0; i--) {
        const fail = this.rng.chance(failRate);
        await this.sample(day, fail, fail && this.rng.chance(BACKGROUND_SAFETY_SHARE));
      }
    }
  }

  /** One sample taken on `sampledDay`; published at `publishedMs` or two to four weeks later. */
  async sample(sampledDay: number, fail: boolean, safety: boolean, publishedMs?: number): Promise<void> {
    const published = publishedMs ?? officeHour(this.rng, dayStart(sampledDay + this.rng.int(14, 30)));
    if (published >= dayStart(this.s.endDay)) return;
    await this.sink.write(
      'spotcheck',
      spotCheck(this.rng, { id: `${this.idPrefix}-${++this.seq}`, sampledMs: dayStart(sampledDay), publishedMs: published, ...this.s.cell, enterprise: this.rng.pick(this.s.firms), fail, safety }),
    );
  }
}
