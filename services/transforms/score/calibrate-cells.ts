import type { ClickHouse } from '../../clients/clickhouse.ts';
import { render, sqlFile } from '../../sinks/clickhouse/sql.ts';
import { chTime } from '../normalize/rows.ts';

const cellsSql = sqlFile(import.meta.url, 'calibrate-cells.sql');

/** County cells with a complaint in the 28 days before `end`: those a week ending then could warn on. */
export async function activeCountyCells(ch: ClickHouse, end: Date): Promise<number> {
  const rs = await ch.client.query({ query: render(cellsSql, ch.database), query_params: { end: chTime(end.getTime()) }, format: 'JSONEachRow' });
  const [row] = (await rs.json()) as { cells: string | number }[];
  return Number(row?.cells ?? 0);
}
