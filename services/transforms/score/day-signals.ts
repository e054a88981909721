import { createHash } from 'node:crypto';
import type { ClickHouse } from '../../clients/clickhouse.ts';
import { render, sqlFile } from '../../sinks/clickhouse/sql.ts';
import { chTime } from '../normalize/rows.ts';

// The signals of a pass that change only with t's UTC day: spot checks (complete days before it) and
// the complaint concentration (the seven complete days before it). Computing them was a third of a
// pass at 100,000 cells, and the live service's passes of one day computed the same numbers 288 times.
// So the service stages them once per day and per fingerprint of their inputs, after a pass, and the
// passes that follow read the stage while the fingerprint is unchanged. A pass that finds no trusted
// stage computes the same day-signals.sql inline, and is no slower than before. Late data changes the
// fingerprint, so it counts at the next pass: a pass remains a pure function of the stored data and t.
//
// The fingerprint is read from the aggregates the stage merges (their `inserts` counts, written in the
// same parts as the states and only growing), so it changes exactly when data the stage would read
// becomes readable, and never returns to an earlier value (day-signals-inputs.sql). A stage is marked
// only after its rows are stored, and only if the fingerprint did not change while they were computed:
// otherwise they may hold more than the fingerprint names, and no later pass computes the old
// fingerprint again. Staging is not exclusive: two processes may stage the same fingerprint at once,
// or one may die between the rows and the mark, so a stage can hold a cell's row twice; the stage is
// read with FINAL. A mark is trusted only while its stage holds every cell it counted.
//
// Passes a day or more apart (a daily backtest, `qrm calibrate`) would stage each day and read it
// once, so they do not stage (pass.ts, seriesPass).

const sql = (name: string) => sqlFile(import.meta.url, name);
const signalsSql = sql('day-signals.sql');
const inputsSql = sql('day-signals-inputs.sql');
const storeSql = sql('day-signals-store.sql');
const stagedSql = sql('day-signals-staged.sql');
const markSql = sql('day-signals-mark.sql');

/** A hash of the statements that write and read a stage, part of the fingerprint: a stage written by other code is not read. */
const code = BigInt(`0x${createHash('sha256').update(signalsSql).update(storeSql).update(stagedSql).digest('hex').slice(0, 15)}`).toString();

/** staged: read the day's stage if a trusted one exists, else compute inline; inline: always compute the day signals within the pass. */
export type DaySignalsMode = 'staged' | 'inline';

/** `statement` with its day signals placeholder replaced by `select`. */
const withSignals = (statement: string, select: string) => statement.replaceAll('{{day_signals}}', () => select);

/**
 * score.sql as a pass in `mode` runs it, and the query parameters that go with it: the trusted
 * stage's fingerprint, or day-signals.sql inline.
 */
export async function daySignalsFor(ch: ClickHouse, t: Date, scoreSql: string, mode: DaySignalsMode): Promise<{ sql: string; params: Record<string, unknown>; staged: boolean }> {
  if (mode === 'staged') {
    const { inputs, marked } = await inputsAt(ch, t);
    if (marked) return { sql: withSignals(scoreSql, stagedSql), params: { day_inputs: inputs }, staged: true };
  }
  return { sql: withSignals(scoreSql, signalsSql), params: { inputs: '0' }, staged: false };
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

/**
 * Stages the day signals of passes at `t`'s UTC day unless a trusted stage of the same inputs exists.
 * Returns whether it stored one, and whether it could mark it (not if the inputs changed meanwhile).
 */
export async function stageDaySignals(ch: ClickHouse, t: Date): Promise<{ stored: boolean; marked: boolean }> {
  const { inputs, marked } = await inputsAt(ch, t);
  if (marked) return { stored: false, marked: true };
  await storeDaySignals(ch, t, inputs);
  if ((await daySignalInputs(ch, t)) !== inputs) return { stored: true, marked: false };
  await ch.client.command({ query: render(markSql, ch.database), query_params: { t: chTime(t.getTime()), inputs } });
  return { stored: true, marked: true };
}
