import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { warningEventV1, type WarningEventV1 } from '../../schemas/outputs/warning-event.ts';
import type { ClickHouse } from '../clients/clickhouse.ts';
import { ensureTopics } from '../clients/kafka.ts';
import type { Config } from '../config/index.ts';
import { buildEmailSender, type EmailSender } from '../sinks/email/sender.ts';
import { listSilences, toSilence } from '../sinks/notifications/feedback.ts';
import { dispatchDigests, dispatchDue, type DispatchDeps } from '../sinks/notifications/dispatch.ts';
import { scheduleFollowUps } from '../sinks/notifications/follow-ups.ts';
import { recordIntents } from '../sinks/notifications/outbox.ts';
import { buildHttpGateway } from '../sinks/sms/http-gateway.ts';
import { alertMetrics } from '../telemetry/metrics.ts';
import { intentsFor } from '../transforms/alerting/intents.ts';
import { buildInspectionRequest, inspectionData, needsInspection } from '../transforms/inspection/index.ts';
import { exampleRoutesFile, loadRoutes, route, type Routes } from '../transforms/routing/index.ts';
import { sendReport } from './reports.ts';
import type { Service } from './service.ts';

// The alert service. It consumes qrm.risk.warnings in one consumer group, so each warning's events
// (keyed by warning id, hence one partition) are handled by exactly one replica at a time. For each
// event it records the notifications routing asks for in the outbox and publishes inspection
// requests, then commits. A dispatcher sends what is due from the outbox for the partitions this
// replica owns; jobs that are not per-warning (digests, reports) run on the owner of partition 0.

export type AlertDeps = { ch: ClickHouse; kafka: Kafka; log: Logger; registry: Registry; email?: EmailSender; routes?: Routes };

export function buildAlert(config: Config, deps: AlertDeps): Service {
  const log = deps.log.child({ component: 'alert' });
  const metrics = alertMetrics(deps.registry);
  const routes = deps.routes ?? loadRoutes(config.app.routesFile ?? exampleRoutesFile);
  const email = deps.email ?? (config.app.smtp.url ? buildEmailSender({ smtpUrl: config.app.smtp.url, from: config.app.smtp.from }, { log }) : undefined);
  const sms = config.app.sms.url && config.app.sms.secret ? buildHttpGateway({ url: config.app.sms.url, secret: config.app.sms.secret }, { log }) : undefined;
  const topic = config.kafka.topics.warnings;
  const consumer: Consumer = deps.kafka.consumer({ groupId: config.alert.group, sessionTimeout: config.ingest.sessionTimeoutMs, heartbeatInterval: 3_000, maxWaitTimeInMs: 1_000 });
  const producer: Producer = deps.kafka.producer({ allowAutoTopicCreation: true });
  const dispatch: DispatchDeps = { ch: deps.ch, routes, email, sms, log, metrics, dashboardUrl: config.alert.dashboardUrl, ackInstructions: config.alert.ackInstructions };
  let owned: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();
  const jobs: ScheduledTask[] = [];
  let ready = false;

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    owned = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
    log.info({ partitions: owned }, 'owning warning partitions');
  });

  async function handle(e: WarningEventV1, partition: number, now: number): Promise<void> {
    metrics.events.inc({ event: e.event });
    const silences = (await listSilences(deps.ch, { activeAt: Date.parse(e.evaluatedAt) })).map(toSilence);
    const intents = intentsFor(e, route(routes, e), silences, now, partition);
    await recordIntents(deps.ch, intents, now);
    for (const i of intents.filter((x) => x.status === 'silenced')) metrics.notifications.inc({ channel: i.channel, status: 'silenced' });
    const request = needsInspection(e) ? buildInspectionRequest(e, await inspectionData(deps.ch, e), { dueHours: config.alert.inspectionDueHours }) : undefined;
    if (request) {
      await producer.send({ topic: config.kafka.topics.inspections, acks: -1, messages: [{ key: request.requestId, value: JSON.stringify(request) }] });
      metrics.inspectionRequests.inc();
      log.info({ requestId: request.requestId, warningId: e.warningId, due: request.dueBy }, 'inspection requested');
    }
  }

  async function eachBatch({ batch, resolveOffset, heartbeat, isStale }: EachBatchPayload): Promise<void> {
    for (const m of batch.messages) {
      if (isStale()) return;
      const parsed = warningEventV1.safeParse(JSON.parse(m.value?.toString() ?? 'null'));
      if (!parsed.success) {
        metrics.events.inc({ event: 'invalid' });
        log.error({ partition: batch.partition, offset: m.offset, err: parsed.error.message.slice(0, 300) }, 'invalid warning event skipped');
      } else {
        await handle(parsed.data, batch.partition, Date.now());
      }
      // Recorded in the outbox: now the offset may move on.
      await consumer.commitOffsets([{ topic, partition: batch.partition, offset: (BigInt(m.offset) + 1n).toString() }]);
      resolveOffset(m.offset);
      await heartbeat();
    }
  }

  async function dispatchRound(): Promise<void> {
    const started = performance.now();
    const partitions = owned;
    try {
      await scheduleFollowUps(deps.ch, routes, partitions);
      await dispatchDue(dispatch, partitions);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'dispatch round failed');
    }
    metrics.dispatchDuration.observe((performance.now() - started) / 1000);
  }

  const ifLeader = (name: string, fn: () => Promise<unknown>) => async () => {
    if (!owned.includes(0)) return;
    try {
      await fn();
    } catch (err) {
      log.error({ job: name, err: (err as Error).message }, 'scheduled job failed');
    }
  };

  return {
    name: 'alert',
    async start() {
      const admin = deps.kafka.admin();
      await admin.connect();
      await ensureTopics(admin, [topic, config.kafka.topics.inspections], log);
      await admin.disconnect();
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
      const tick = () => {
        round = dispatchRound().finally(() => {
          if (timer) timer = setTimeout(tick, config.alert.dispatchIntervalMs);
        });
      };
      timer = setTimeout(tick, config.alert.dispatchIntervalMs);
      // Digests cover every partition's items; only the owner of partition 0 sends them, so a
      // bureau gets one digest however many replicas run.
      jobs.push(cron.schedule(config.alert.digestSchedule, ifLeader('digest', () => dispatchDigests(dispatch)), { noOverlap: true, name: 'digest', timezone: 'Asia/Shanghai' }));
      jobs.push(cron.schedule(config.alert.weeklyReportSchedule, ifLeader('weekly', () => sendReport(deps.ch, dispatch, 'weekly', config.alert.reportRecipient)), { noOverlap: true, name: 'weekly-report', timezone: 'Asia/Shanghai' }));
      jobs.push(cron.schedule(config.alert.monthlyReportSchedule, ifLeader('monthly', () => sendReport(deps.ch, dispatch, 'monthly', config.alert.reportRecipient)), { noOverlap: true, name: 'monthly-report', timezone: 'Asia/Shanghai' }));
      ready = true;
    },
    async stop() {
      ready = false;
      for (const j of jobs.splice(0)) await j.destroy();
      clearTimeout(timer);
      timer = undefined;
      await round;
      await consumer.disconnect();
      await producer.disconnect();
      await email?.close();
    },
    ready: () => ready,
  };
}
