import type { ClickHouse } from '../clients/clickhouse.ts';
import { insertRows } from '../sinks/clickhouse/insert.ts';
import { openWarningsBefore, storeWarningEvents } from '../sinks/warnings/store.ts';
import type { AlarmZ } from '../transforms/score/alarm.ts';
import { scorePass, scoreRows, type ScoredCell } from '../transforms/score/pass.ts';
import { step, type WarningEvent } from '../transforms/warnings/state.ts';

// One live scoring pass at `t`: score every cell, store the scores, advance the warnings from their
// state before `t`, store the events. Idempotent per `t`: a re-run writes the same rows again
// (ReplacingMergeTree) and derives the same events.

export type PassResult = { cells: ScoredCell[]; events: WarningEvent[] };

export async function runPass(ch: ClickHouse, t: Date, alarmZ: AlarmZ): Promise<PassResult> {
  const cells = await scorePass(ch, t, { alarmZ });
  await insertRows(ch, 'risk_scores', scoreRows(t, cells));
  const open = await openWarningsBefore(ch, t);
  const { events } = step(open, cells, t);
  await storeWarningEvents(ch, events);
  return { cells, events };
}
