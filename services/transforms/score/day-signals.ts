import { createHash } from 'node:crypto';
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
// The fingerprint is read from the aggregates the stage merges (their `inserts` counts, written in the
// same parts as the states and only growing), so it changes exactly when data the stage would read
// becomes readable, and never returns to an earlier value (day-signals-inputs.sql). A stage is marked
// only after its rows are stored, and only if the fingerprint did not change while they were computed:
// otherwise they may hold more than the fingerprint names. That pass still reads them; no later pass
// computes the old fingerprint again. Staging is not exclusive: two passes may stage the same
// fingerprint at once, or a pass may die between the rows and the mark, so a stage can hold a cell's
// row twice; the stage is read with FINAL. A mark is trusted only while its stage holds every cell it
// counted.
//
// A pass that evaluates each day once (a daily backtest or `qrm calibrate`) would pay for staging at
// every pass and read each stage once: it runs the same day-signals.sql inline in score.sql instead.

const sql = (name: string) => sqlFile(import.meta.url, name);
const signalsSql = sql('day-signals.sql');
const inputsSql = sql('day-signals-inputs.sql');
const storeSql = sql('day-signals-store.sql');
const stagedSql = sql('day-signals-staged.sql');
const markSql = sql('day-signals-mark.sql');

/** day-signals.sql's own hash, part of the fingerprint: a stage computed by other code is not read. */
const code = BigInt(`0x${createHash('sha256').update(signalsSql).digest('hex').slice(0, 15)}`).toString();

/** staged: read the day's stage, staging it first if needed (the live service); inline: compute the day signals within the pass. */
export type DaySignalsMode = 'staged' | 'inline';

/**
 * For passes `stepMs` apart (a backtest, `qrm calibrate`): inline when each UTC day has at most one
 * pass, which would pay for a stage and read it once; staged when passes share a day.
 */
export function daySignalsForStep(stepMs: number): DaySignalsMode {
  return stepMs >= 86_400_000 ? 'inline' : 'staged';
}

/** `statement` with its day signals placeholder replaced by `select`. */
const withSignals = (statement: string, select: string) => statement.replaceAll('{{day_signals}}', select);

/**
 * score.sql as a pass in `mode` runs it, and the query parameters that go with it: a stage's
 * fingerprint, staged first if needed, or none.
 */
export async function daySignalsFor(ch: ClickHouse, t: Date, scoreSql: string, mode: DaySignalsMode): Promise<{ sql: string; params: Record<string, unknown> }> {
  if (mode === 'inline') return { sql: withSignals(scoreSql, signalsSql), params: { inputs: '0' } };
  return { sql: withSignals(scoreSql, stagedSql), params: { day_inputs: await stageDaySignals(ch, t) } };
}

/** The fingerprint of the day signals' inputs for a pass at `t` (a UInt64, as text), and whether a trusted stage of them exists. */
async function inputsAt(ch: ClickHouse, t: Date): Promise<{ inputs: string; marked: boolean }> {
  const rs = await ch.client.query({ query: render(inputsSql, ch.database), query_params: { t: chTime(t.getTime()), code }, format: 'JSONEachRow' });
  const [row] = (await rs.json()) as { inputs: string; marked: string | number | boolean }[];
  return { inputs: row!.inputs, marked: Number(row!.marked) > 0 };
}

export async function daySignalInputs(ch: ClickHouse, t: Date): Promise<string> {
  return (await inputsAt(ch, t)).inputs;
}

/** Computes the day signals of a pass at `t` and stores them under `inputs`, unmarked. */
export async function storeDaySignals(ch: ClickHouse, t: Date, inputs: string): Promise<void> {
  await ch.client.command({ query: render(withSignals(storeSql, signalsSql), ch.database), query_params: { t: chTime(t.getTime()), inputs } });
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
