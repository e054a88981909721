import type { ClickHouse } from '../../clients/clickhouse.ts';
import { render, sqlFile } from '../../sinks/clickhouse/sql.ts';
import { chTime } from '../normalize/rows.ts';

// The signals of a pass that change only with t's UTC day: spot checks (complete days before it) and
// the complaint concentration (the seven complete days before it). Computing them was a third of a
// pass at 100,000 cells, and the live service's passes of one day computed the same numbers 288 times.
// So a pass stages them once per day and per fingerprint of their raw inputs, and score.sql reads the
// stage while the fingerprint is unchanged. Late data changes the fingerprint, so it counts at the next
// pass, as it did before: the pass remains a pure function of the stored data and t.
//
// A stage is marked only after its rows are stored, and only if the fingerprint did not change while
// they were computed (otherwise they may hold more than the fingerprint names; that pass still reads
// them, and no later pass can see the old fingerprint again). Staging is not exclusive: two passes may
// stage the same fingerprint at once, or a pass may die between the rows and the mark, so a stage can
// hold its rows twice; they are identical, and score.sql reads with FINAL.

const sql = (name: string) => sqlFile(import.meta.url, name);
const inputsSql = sql('day-signals-inputs.sql');
const stageSql = sql('day-signals.sql');
const markSql = sql('day-signals-mark.sql');

/** The fingerprint of the day signals' inputs for a pass at `t` (a UInt64, as text), and whether a trusted stage of them exists. */
async function inputsAt(ch: ClickHouse, t: Date): Promise<{ inputs: string; marked: boolean }> {
  const rs = await ch.client.query({ query: render(inputsSql, ch.database), query_params: { t: chTime(t.getTime()) }, format: 'JSONEachRow' });
  const [row] = (await rs.json()) as { inputs: string; marked: string | number }[];
  return { inputs: row!.inputs, marked: Number(row!.marked) > 0 };
}

export async function daySignalInputs(ch: ClickHouse, t: Date): Promise<string> {
  return (await inputsAt(ch, t)).inputs;
}

/** Computes the day signals of a pass at `t` and stores them under `inputs`, unmarked. */
export async function storeDaySignals(ch: ClickHouse, t: Date, inputs: string): Promise<void> {
  await ch.client.command({ query: render(stageSql, ch.database), query_params: { t: chTime(t.getTime()), inputs } });
}

/** Stages the day signals of a pass at `t` unless a trusted stage of the same inputs exists; returns their fingerprint. */
export async function stageDaySignals(ch: ClickHouse, t: Date): Promise<string> {
  const { inputs, marked } = await inputsAt(ch, t);
  if (marked) return inputs;
  await storeDaySignals(ch, t, inputs);
  if ((await daySignalInputs(ch, t)) === inputs) {
    await ch.client.command({ query: render(markSql, ch.database), query_params: { t: chTime(t.getTime()), inputs } });
  }
  return inputs;
}
