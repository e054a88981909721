import type { ClickHouse } from '../../clients/clickhouse.ts';
import { insertRows } from '../clickhouse/insert.ts';
import { chTime, chTimeMs } from '../../transforms/normalize/rows.ts';
import type { Level } from '../../transforms/score/levels.ts';
import type { RegionLevel } from '../../transforms/score/pass.ts';
import { cellKey, type OpenWarning, type WarningEvent } from '../../transforms/warnings/state.ts';

// Warning events in ClickHouse, and the open warnings as they stood before a given pass. Reading
// "before t" (not "latest") makes re-running a pass at t reproduce the same events.

export async function storeWarningEvents(ch: ClickHouse, events: WarningEvent[]): Promise<void> {
  await insertRows(
    ch,
    'warnings',
    events.map((e) => ({
      warning_id: e.warningId,
      event: e.event,
      evaluated_at: chTime(Date.parse(e.evaluatedAt)),
      product_code: e.productCode,
      region_code: e.regionCode,
      region_level: e.regionLevel,
      level: e.level,
      previous_level: e.previousLevel ?? '',
      score: e.score,
      opened_at: chTime(Date.parse(e.openedAt)),
      evidence: e.evidence ? JSON.stringify(e.evidence) : '',
    })),
  );
}

export async function openWarningsBefore(ch: ClickHouse, t: Date): Promise<Map<string, OpenWarning>> {
  const rs = await ch.client.query({
    query: `
      SELECT warning_id, argMax(product_code, evaluated_at) AS product_code, argMax(region_code, evaluated_at) AS region_code,
             argMax(region_level, evaluated_at) AS region_level, argMax(level, evaluated_at) AS level,
             min(opened_at) AS opened_at, argMax(event, evaluated_at) AS last_event
      FROM ${ch.database}.warnings
      WHERE evaluated_at < {t:DateTime64(3, 'UTC')} AND event IN ('opened', 'escalated', 'deescalated', 'resolved')
      GROUP BY warning_id
      HAVING last_event != 'resolved'`,
    query_params: { t: chTime(t.getTime()) },
    format: 'JSONEachRow',
  });
  const rows = (await rs.json()) as { warning_id: string; product_code: string; region_code: string; region_level: RegionLevel; level: Level; opened_at: string }[];
  const open = new Map<string, OpenWarning>();
  for (const r of rows) {
    const w: OpenWarning = {
      warningId: r.warning_id,
      productCode: r.product_code,
      regionCode: r.region_code,
      regionLevel: r.region_level,
      level: r.level,
      openedAt: new Date(chTimeMs(r.opened_at)).toISOString(),
    };
    open.set(cellKey(w), w);
  }
  return open;
}
