import type { Producer } from 'kafkajs';
import type { ClickHouse } from '../clients/clickhouse.ts';
import { recordFeedback } from '../sinks/notifications/feedback.ts';
import { storeWarningEvents } from '../sinks/warnings/store.ts';
import { chTime, chTimeMs } from '../transforms/normalize/rows.ts';
import type { Level } from '../transforms/score/levels.ts';
import type { RegionLevel } from '../transforms/score/pass.ts';
import type { WarningEvent } from '../transforms/warnings/state.ts';
import { warningMessage } from './score.ts';

// What a bureau does with a warning, shared by the CLI and the HTTP API: acknowledge it (a warning
// event of its own, so escalation stops and other systems see it) and report the inspection outcome.

export type WarningSummary = {
  warning_id: string;
  product_code: string;
  region_code: string;
  region_level: RegionLevel;
  level: Level;
  score: number;
  opened_at: string;
  last_event: string;
  last_evaluated_at: string;
};

export async function listWarnings(ch: ClickHouse, o: { open?: boolean; regionPrefix?: string[]; warningId?: string; limit?: number } = {}): Promise<WarningSummary[]> {
  const rs = await ch.client.query({
    query: `SELECT warning_id, argMax(product_code, evaluated_at) AS product_code, argMax(region_code, evaluated_at) AS region_code,
                   argMax(region_level, evaluated_at) AS region_level, argMax(level, evaluated_at) AS level,
                   argMaxIf(score, evaluated_at, event != 'acknowledged') AS score, min(opened_at) AS opened_at,
                   argMaxIf(event, evaluated_at, event != 'acknowledged') AS last_event, max(evaluated_at) AS last_evaluated_at
            FROM ${ch.database}.warnings
            WHERE {id:String} = '' OR warning_id = {id:String}
            GROUP BY warning_id
            HAVING (NOT {open:Bool} OR last_event != 'resolved')
               AND (empty({prefixes:Array(String)}) OR arrayExists(p -> startsWith(region_code, p), {prefixes:Array(String)}))
            ORDER BY level, score DESC, warning_id LIMIT {limit:UInt32}`,
    query_params: { open: o.open ?? false, prefixes: o.regionPrefix ?? [], id: o.warningId ?? '', limit: o.limit ?? 200 },
    format: 'JSONEachRow',
  });
  return (await rs.json()) as WarningSummary[];
}

export async function showWarning(ch: ClickHouse, warningId: string) {
  const q = async (sql: string) => {
    const rs = await ch.client.query({ query: sql, query_params: { id: warningId }, format: 'JSONEachRow' });
    return (await rs.json()) as Record<string, unknown>[];
  };
  const db = ch.database;
  const events = await q(`SELECT event, evaluated_at, level, previous_level, score, evidence FROM ${db}.warnings WHERE warning_id = {id:String} ORDER BY evaluated_at, event`);
  if (events.length === 0) return undefined;
  return {
    warningId,
    events: events.map((e) => ({ ...e, evidence: e.evidence ? JSON.parse(String(e.evidence)) : null })),
    notifications: await q(`SELECT recipient_id, channel, kind, event, status, attempt, sent_at, provider_message_id, error FROM ${db}.notifications WHERE warning_id = {id:String} ORDER BY updated_at`),
    feedback: await q(`SELECT kind, at, author, comment, enterprises_inspected, violations_found FROM ${db}.warning_feedback WHERE warning_id = {id:String} ORDER BY at`),
  };
}

export async function acknowledge(ch: ClickHouse, producer: Producer | undefined, topic: string, warningId: string, by: string, comment: string, now = Date.now()) {
  const [w] = await listWarnings(ch, { warningId });
  if (!w) return undefined;
  const event: WarningEvent = {
    warningId,
    event: 'acknowledged',
    evaluatedAt: new Date(now).toISOString(),
    productCode: w.product_code,
    regionCode: w.region_code,
    regionLevel: w.region_level,
    level: w.level,
    previousLevel: w.level,
    score: w.score,
    openedAt: new Date(chTimeMs(w.opened_at)).toISOString(),
    evidence: null,
  };
  await recordFeedback(ch, { warningId, kind: 'ack', author: by, comment }, now);
  await storeWarningEvents(ch, [event]);
  if (producer) await producer.send({ topic, acks: -1, messages: [warningMessage(event)] });
  return event;
}

export async function reportOutcome(ch: ClickHouse, o: { warningId: string; by: string; comment: string; enterprisesInspected: number; violationsFound: number }, now = Date.now()) {
  // As acknowledge(): a mistyped id must not record an outcome against a warning that does not exist.
  if ((await listWarnings(ch, { warningId: o.warningId })).length === 0) return undefined;
  await recordFeedback(ch, { warningId: o.warningId, kind: 'outcome', author: o.by, comment: o.comment, enterprisesInspected: o.enterprisesInspected, violationsFound: o.violationsFound }, now);
  return { warningId: o.warningId, at: chTime(now) };
}
