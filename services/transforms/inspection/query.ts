import type { ClickHouse } from '../../clients/clickhouse.ts';
import { QrmError, describe } from '../../errors.ts';
import { classifyClickHouseError } from '../../sinks/clickhouse/insert.ts';
import { render, sqlFile } from '../../sinks/clickhouse/sql.ts';
import { chTime } from '../normalize/rows.ts';
import type { EnterpriseRow, FailedItemRow, InspectionData, InspectionSource } from './types.ts';

// The data an inspection request needs for one warned cell, as known at the warning's evaluation
// time: the enterprises ranked by their own evidence (enterprises.sql) and the items that failed in
// the cell's spot checks (failed-items.sql). Two small queries on the primary-key prefix
// (product_code), run only for the few events that ask for an inspection.

const sql = (name: string) => sqlFile(import.meta.url, name);
const enterprisesSql = sql('enterprises.sql');
const failedItemsSql = sql('failed-items.sql');

type EnterpriseSqlRow = {
  credit_code: string;
  name: string;
  failed_spot_checks: number | string;
  safety_failures: number | string;
  complaints: number | string;
  complaint_callers: number | string;
  media_mentions: number | string;
  past_violations: number | string;
  failed_items: string[];
  last_failed_at: string;
  fail_ids: string[];
  complaint_ids: string[];
  media_ids: string[];
  past_ids: string[];
  score: number | string;
};

export async function inspectionData(ch: ClickHouse, event: Pick<InspectionSource, 'productCode' | 'regionCode' | 'evaluatedAt'>): Promise<InspectionData> {
  const params = { product: event.productCode, region_prefix: event.regionCode, t: chTime(Date.parse(event.evaluatedAt)) };
  const [enterprises, failedItems] = await Promise.all([
    run<EnterpriseSqlRow>(ch, enterprisesSql, params, 'enterprises'),
    run<{ item: string; hazard: FailedItemRow['hazard']; times: number | string }>(ch, failedItemsSql, params, 'failed items'),
  ]);
  return {
    enterprises: enterprises.map(toEnterprise),
    failedItems: failedItems.map((r) => ({ item: r.item, hazard: r.hazard, times: Number(r.times) })),
  };
}

async function run<T>(ch: ClickHouse, text: string, params: Record<string, unknown>, what: string): Promise<T[]> {
  const doing = `querying inspection ${what} for ${String(params.product)} in ${String(params.region_prefix)}`;
  try {
    const rs = await ch.client.query({ query: render(text, ch.database), query_params: params, format: 'JSONEachRow' });
    return (await rs.json()) as T[];
  } catch (err) {
    const classified = classifyClickHouseError(err, doing);
    throw new QrmError(classified.code, 'query', `${doing}: ${describe(err)}`, { cause: err });
  }
}

function toEnterprise(r: EnterpriseSqlRow): EnterpriseRow {
  const failed = Number(r.failed_spot_checks);
  return {
    creditCode: r.credit_code,
    name: r.name,
    failedSpotChecks: failed,
    safetyFailures: Number(r.safety_failures),
    complaints: Number(r.complaints),
    complaintCallers: Number(r.complaint_callers),
    mediaMentions: Number(r.media_mentions),
    pastViolations: Number(r.past_violations),
    failedItems: r.failed_items,
    // ClickHouse prints DateTime64 as 'YYYY-MM-DD hh:mm:ss.sss' in UTC.
    lastFailedAt: failed > 0 ? `${r.last_failed_at.replace(' ', 'T')}Z` : null,
    sampleIds: { failedSpotChecks: r.fail_ids, complaints: r.complaint_ids, mediaMentions: r.media_ids, pastViolations: r.past_ids },
    score: Number(r.score),
  };
}
