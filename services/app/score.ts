import type { Kafka, Producer } from 'kafkajs';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ClickHouse } from '../clients/clickhouse.ts';
import { ensureTopics } from '../clients/kafka.ts';
import type { Config } from '../config/index.ts';
import { scoreMetrics } from '../telemetry/metrics.ts';
import type { WarningEvent } from '../transforms/warnings/state.ts';
import { stageDaySignals } from '../transforms/score/day-signals.ts';
import { runPass, type PassResult } from './scoring.ts';
import type { Service } from './service.ts';

// The score service: a scoring pass on the QRM_SCORE_SCHEDULE cron, never two at once (a pass that
// overruns its slot makes the next slot skip, it does not queue). Each pass is evaluated at its
// scheduled time, so a late-starting pass still scores the moment it was meant for.

export type ScoreDeps = { ch: ClickHouse; kafka: Kafka; log: Logger; registry: Registry };

export function warningMessage(e: WarningEvent) {
  return { key: e.warningId, value: JSON.stringify({ schema: 'qrm.risk.warnings/v1', ...e }) };
}

export function buildScore(config: Config, deps: ScoreDeps): Service & { passAt(t: Date): Promise<PassResult> } {
  const log = deps.log.child({ component: 'score' });
  const metrics = scoreMetrics(deps.registry);
  const producer: Producer = deps.kafka.producer({ allowAutoTopicCreation: true });
  let task: ScheduledTask | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let ready = false;

  async function passAt(t: Date): Promise<PassResult> {
    const started = performance.now();
    try {
      const result = await runPass(deps.ch, t, config.app.complaintAlarmZ);
      // Stored first, then published: a failed publish is retried by re-running the pass at the
      // same t, which derives the same events (consumers dedupe on warningId + event + evaluatedAt).
      if (result.events.length > 0) await producer.send({ topic: config.kafka.topics.warnings, acks: -1, messages: result.events.map(warningMessage) });
      const seconds = (performance.now() - started) / 1000;
      metrics.passes.inc({ outcome: 'ok' });
      metrics.passDuration.observe(seconds);
      metrics.lastSuccess.set(t.getTime() / 1000);
      for (const level of ['county', 'prefecture', 'province']) metrics.cells.set({ region_level: level }, result.cells.filter((c) => c.regionLevel === level).length);
      for (const e of result.events) metrics.warningEvents.inc({ event: e.event });
      log.info({ evaluatedAt: t.toISOString(), seconds, cells: result.cells.length, events: result.events.length }, 'scoring pass done');
      for (const e of result.events) {
        log.info({ warningId: e.warningId, event: e.event, level: e.level, score: e.score, productCode: e.productCode, regionCode: e.regionCode, regionLevel: e.regionLevel }, `warning ${e.event}`);
      }
      await stageAfter(t);
      return result;
    } catch (err) {
      metrics.passes.inc({ outcome: 'failed' });
      log.error({ evaluatedAt: t.toISOString(), err: (err as Error).message }, 'scoring pass failed');
      throw err;
    }
  }

  // After the pass, once its warnings are out: the day's spot-check and concentration signals, for the
  // day's later passes to read rather than compute (day-signals.ts). A failure costs only speed: the
  // next pass computes them inline and stages again.
  async function stageAfter(t: Date): Promise<void> {
    const started = performance.now();
    try {
      const { stored, marked } = await stageDaySignals(deps.ch, t);
      if (stored) log.info({ evaluatedAt: t.toISOString(), seconds: (performance.now() - started) / 1000, marked }, 'day signals staged');
    } catch (err) {
      log.warn({ evaluatedAt: t.toISOString(), err: (err as Error).message }, 'staging the day signals failed; the next pass computes them');
    }
  }

  return {
    name: 'score',
    passAt,
    async start() {
      const admin = deps.kafka.admin();
      await admin.connect();
      await ensureTopics(admin, [config.kafka.topics.warnings], log);
      await admin.disconnect();
      await producer.connect();
      task = cron.schedule(
        config.app.scoreSchedule,
        (ctx) => {
          const t = new Date(Math.floor(ctx.date.getTime() / 1000) * 1000);
          running = passAt(t).catch(() => undefined);
          return running;
        },
        { name: 'score', noOverlap: true },
      );
      ready = true;
      log.info({ schedule: config.app.scoreSchedule }, 'scoring scheduled');
    },
    async stop() {
      ready = false;
      await task?.destroy();
      task = undefined;
      await running;
      await producer.disconnect();
    },
    ready: () => ready,
  };
}
