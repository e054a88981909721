import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { WarningEventV1 } from '../../schemas/outputs/warning-event.ts';
import { loadEvents } from '../../services/app/backtest.ts';
import { runPass } from '../../services/app/scoring.ts';
import { DEFAULT_ALARM_Z } from '../../services/transforms/score/alarm.ts';
import type { ClickHouse } from '../../services/clients/clickhouse.ts';
import { ndjsonLine } from '../../services/cli/commands/simulate.ts';
import type { Config } from '../../services/config/index.ts';
import { parseIncident, simulate, type SimMessage } from '../../services/simulate/index.ts';
import { insertRows } from '../../services/sinks/clickhouse/insert.ts';
import { deadLetterRow } from '../../services/sinks/dlq/dead-letter.ts';
import { recordFeedback } from '../../services/sinks/notifications/feedback.ts';
import { markResult, recordIntents, type OutboxRow } from '../../services/sinks/notifications/outbox.ts';
import { intentsFor } from '../../services/transforms/alerting/intents.ts';
import { decoder } from '../../services/transforms/normalize/decode.ts';
import { exampleRoutesFile, loadRoutes, route } from '../../services/transforms/routing/index.ts';
import type { WarningEvent } from '../../services/transforms/warnings/state.ts';
import { tempDir } from '../support/app.ts';

// A database like a deployment's after a month: the simulator's feeds through the same decoding and
// row building as ingest (rejects as dead letters), scoring passes every 12 hours over the last six
// days with three incidents in them, the notifications the example routes ask for (some sent, some
// failed), and a bureau's acknowledgement. The dashboards' queries run against this.

export const incidentCell = { product: 'waterproof_membrane', region: '130184', province: '13' } as const;

const DAY = 86_400_000;
const HOUR = 3_600_000;

export type Fixture = { from: Date; to: Date; passes: Date[]; events: WarningEvent[] };

export async function fillDatabase(ch: ClickHouse, config: Config, piiKey: string): Promise<Fixture> {

  // The month ends at the last UTC midnight: the same day always simulates the same data.
  const to = new Date(Math.floor(Date.now() / DAY) * DAY);
  const from = new Date(to.getTime() - 30 * DAY);
  const incidentStart = new Date(to.getTime() - 4 * DAY).toISOString();
  const incidents = [
    `complaint_surge:${incidentCell.product}:${incidentCell.region}`,
    'spotcheck_failures:wood_panel:371721',
    'media_expose:toy:440515',
  ].map((s) => parseIncident(`${s}:start=${incidentStart}:hours=48:intensity=12`, to));

  const file = join(tempDir('qrm-dashboards-'), 'events.ndjson');
  const out = createWriteStream(file);
  const invalid: SimMessage[] = [];
  for (const m of simulate({ seed: 20261122, start: from, durationSeconds: 30 * 86_400, ratePerSecond: 0.05, invalidRate: 0.01, incidents })) {
    if (!m.valid) invalid.push(m);
    if (!out.write(`${ndjsonLine(config.kafka.topics[m.topic], m)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await loadEvents(ch, config, file, piiKey);
  await storeDeadLetters(ch, config, invalid);

  const passes: Date[] = [];
  const events: WarningEvent[] = [];
  for (let t = to.getTime() - 6 * DAY; t <= to.getTime(); t += 12 * HOUR) {
    const at = new Date(t);
    passes.push(at);
    events.push(...(await runPass(ch, at, DEFAULT_ALARM_Z)).events);
  }
  await notify(ch, events, to.getTime());
  const opened = events.find((e) => e.event === 'opened' && e.productCode === incidentCell.product && e.regionCode === incidentCell.region);
  if (opened) {
    await recordFeedback(ch, { warningId: opened.warningId, kind: 'ack', author: '新乐市市场监督管理局', comment: '已收到，安排抽查' }, Date.parse(opened.evaluatedAt) + HOUR);
  }
  return { from, to, passes, events };
}

/** Rejected messages as the ingest service records them (dead_letters), through the same decoder. */
async function storeDeadLetters(ch: ClickHouse, config: Config, messages: SimMessage[]): Promise<void> {
  const opts = { maxBytes: config.ingest.maxMessageBytes, maxDepth: config.ingest.maxJsonDepth, now: Date.now };
  const decoders = { hotline: decoder('hotline', opts), media: decoder('media', opts), spotcheck: decoder('spotcheck', opts) };
  const rows = [];
  for (const [i, m] of messages.entries()) {
    const d = decoders[m.topic](m.value);
    if (d.ok) continue; // some rule the decoder accepts at this moment (e.g. relative to now)
    const position = { topic: config.kafka.topics[m.topic], partition: 0, offset: String(i), ingestedAt: m.time.getTime() };
    rows.push(deadLetterRow({ key: m.key ? Buffer.from(m.key) : null, value: m.value, position, rejection: d.rejection, feed: m.topic }));
  }
  await insertRows(ch, 'dead_letters', rows);
}

/** The alert service's outbox for these events under the example routes: email sent, SMS failed. */
async function notify(ch: ClickHouse, events: WarningEvent[], now: number): Promise<void> {
  const routes = loadRoutes(exampleRoutesFile);
  const intents = events.flatMap((e) => {
    const v1: WarningEventV1 = { schema: 'qrm.risk.warnings/v1', ...e };
    return intentsFor(v1, route(routes, { regionCode: e.regionCode, productCode: e.productCode, level: e.level }), [], Date.parse(e.evaluatedAt), 0);
  });
  await recordIntents(ch, intents, now);
  const rs = await ch.client.query({ query: `SELECT * FROM ${ch.database}.notifications FINAL`, format: 'JSONEachRow' });
  const rows = (await rs.json()) as OutboxRow[];
  await markResult(ch, rows.filter((r) => r.channel !== 'sms'), { status: 'sent', providerMessageId: 'test' }, now);
  await markResult(ch, rows.filter((r) => r.channel === 'sms'), { status: 'failed', error: 'gateway timeout', retryAt: now + 60_000 }, now);
}
