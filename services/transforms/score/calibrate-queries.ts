import type { ClickHouse } from '../../clients/clickhouse.ts';
import { render, sqlFile } from '../../sinks/clickhouse/sql.ts';
import { chTime, chTimeMs } from '../normalize/rows.ts';

// What `qrm calibrate` reads besides the passes: how many county cells each week could warn on, and
// which warnings inspections confirmed.

const cellsSql = sqlFile(import.meta.url, 'calibrate-cells.sql');
const confirmedSql = sqlFile(import.meta.url, 'calibrate-confirmed.sql');

/** County cells a pass in [start, end) could see a complaint of, leaving out `excluded` ('product|county'). */
export async function activeCountyCells(ch: ClickHouse, start: Date, end: Date, excluded: string[]): Promise<number> {
  const rs = await ch.client.query({ query: render(cellsSql, ch.database), query_params: { start: chTime(start.getTime()), end: chTime(end.getTime()), excluded }, format: 'JSONEachRow' });
  const [row] = (await rs.json()) as { cells: string | number }[];
  return Number(row?.cells ?? 0);
}

type Confirmed = { cell: string; openedAt: number; resolvedAt: number | undefined };

/** County warnings whose inspection outcome reported violations, opened before `to` or in the week after it. */
export async function confirmedWarnings(ch: ClickHouse, to: Date): Promise<Confirmed[]> {
  const rs = await ch.client.query({ query: render(confirmedSql, ch.database), query_params: { to: chTime(to.getTime()) }, format: 'JSONEachRow' });
  const rows = (await rs.json()) as { product_code: string; region_code: string; opened: string; resolved: string | null }[];
  return rows.map((r) => ({ cell: `${r.product_code}|${r.region_code}`, openedAt: chTimeMs(r.opened), resolvedAt: r.resolved === null ? undefined : chTimeMs(r.resolved) }));
}
