import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Metric names follow qrm_<subsystem>_<name>_<unit>; labels come from small fixed sets (feed, table,
// outcome, reason, partition), never from record ids.

export function createRegistry(withDefaults = true): Registry {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'qrm_process_' });
  return registry;
}

export function ingestMetrics(registry: Registry) {
  return {
    records: new Counter({
      name: 'qrm_ingest_records_total',
      help: 'Records consumed, by feed and outcome (stored, rejected)',
      labelNames: ['feed', 'outcome'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'qrm_ingest_dead_letters_total',
      help: 'Messages sent to the dead-letter topic, by feed and reason',
      labelNames: ['feed', 'reason'] as const,
      registers: [registry],
    }),
    defects: new Counter({
      name: 'qrm_ingest_field_defects_total',
      help: 'Records kept with a defect removed (e.g. an invalid credit code dropped from the enterprise link)',
      labelNames: ['feed', 'defect'] as const,
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'qrm_ingest_batch_size_records',
      help: 'Records per flushed batch',
      labelNames: ['feed'] as const,
      buckets: [1, 10, 100, 500, 1_000, 5_000, 10_000, 20_000, 50_000],
      registers: [registry],
    }),
    insertDuration: new Histogram({
      name: 'qrm_ingest_insert_duration_seconds',
      help: 'Time to insert one batch into ClickHouse, by table',
      labelNames: ['table'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    insertRetries: new Counter({
      name: 'qrm_ingest_insert_retries_total',
      help: 'Batch flushes retried after a retryable storage failure',
      labelNames: ['feed'] as const,
      registers: [registry],
    }),
    commitFailures: new Counter({
      name: 'qrm_ingest_commit_failures_total',
      help: 'Offset commits that failed (retried with the next commit), and stored batches read again after a storage failure, by feed and stage',
      labelNames: ['feed', 'stage'] as const,
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'qrm_ingest_consumer_lag_messages',
      help: 'High watermark minus the next offset to process, per topic partition',
      labelNames: ['topic', 'partition'] as const,
      registers: [registry],
    }),
    paused: new Gauge({
      name: 'qrm_ingest_paused',
      help: '1 while a feed waits for storage to come back',
      labelNames: ['feed'] as const,
      registers: [registry],
    }),
  };
}

export type IngestMetrics = ReturnType<typeof ingestMetrics>;

export function scoreMetrics(registry: Registry) {
  return {
    passes: new Counter({
      name: 'qrm_score_passes_total',
      help: 'Scoring passes, by outcome (ok, failed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    passDuration: new Histogram({
      name: 'qrm_score_pass_duration_seconds',
      help: 'Duration of one scoring pass (all region levels, scores and warnings stored)',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: 'qrm_score_last_success_timestamp_seconds',
      help: 'Evaluation time of the last successful scoring pass',
      registers: [registry],
    }),
    cells: new Gauge({
      name: 'qrm_score_cells_scored',
      help: 'Cells with a score of at least 10 in the last pass, by region level',
      labelNames: ['region_level'] as const,
      registers: [registry],
    }),
    warningEvents: new Counter({
      name: 'qrm_score_warning_events_total',
      help: 'Warning state changes derived by scoring, by event',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
  };
}

export type ScoreMetrics = ReturnType<typeof scoreMetrics>;

export function alertMetrics(registry: Registry) {
  return {
    events: new Counter({
      name: 'qrm_alert_warning_events_total',
      help: 'Warning events consumed by the alert service, by event (invalid ones as "invalid")',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'qrm_alert_notifications_total',
      help: 'Notification delivery outcomes, by channel and status (sent, failed, rejected, silenced)',
      labelNames: ['channel', 'status'] as const,
      registers: [registry],
    }),
    messages: new Counter({
      name: 'qrm_alert_messages_sent_total',
      help: 'Emails and SMS actually sent (one email may carry several grouped notifications)',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    inspectionRequests: new Counter({
      name: 'qrm_alert_inspection_requests_total',
      help: 'Inspection requests published',
      registers: [registry],
    }),
    dispatchDuration: new Histogram({
      name: 'qrm_alert_dispatch_duration_seconds',
      help: 'Duration of one dispatch round',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}

export type AlertMetrics = ReturnType<typeof alertMetrics>;
