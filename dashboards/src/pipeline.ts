import { DashboardBuilder, RowBuilder, ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  BigValueColorMode,
  BigValueGraphMode,
  GraphDrawStyle,
  LegendDisplayMode,
  LegendPlacement,
  LineInterpolation,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder as PromQuery } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { ClickHouseQueryBuilder, sql } from './clickhouse.ts';
import { dashboardsMenu, datasourceVariable, finish, prometheusDatasource, prometheusVariable, prop, tags } from './common.ts';

// Pipeline health (qrm-pipeline): is data flowing, is scoring running, are alerts going out. From
// the metrics qrm exposes on /metrics (services/telemetry/metrics.ts), scraped by Prometheus, plus
// the dead letters and delivery attempts qrm keeps in ClickHouse for the details behind the counts.

function prom(expr: string, legend: string, refId = 'A') {
  return new PromQuery().expr(expr).legendFormat(legend).refId(refId).datasource(prometheusDatasource).range();
}

function series(title: string, description: string, unit: string) {
  return new TimeseriesPanel()
    .title(title)
    .description(description)
    .datasource(prometheusDatasource)
    .unit(unit)
    .min(0)
    .lineInterpolation(LineInterpolation.Smooth)
    .fillOpacity(10)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([]))
    .height(8)
    .span(8);
}

function bars(title: string, description: string, unit: string) {
  return series(title, description, unit)
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(70)
    .stacking(new StackingConfigBuilder().mode(StackingMode.Normal).group('A'))
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs(['sum']));
}

export function pipeline() {
  const ingestRate = series('Ingest rate by feed 接入速率', 'Records consumed per second, by feed and outcome (stored, rejected).', 'reqps').withTarget(
    prom('sum by (feed, outcome) (rate(qrm_ingest_records_total[$__rate_interval]))', '{{feed}} {{outcome}}'),
  );

  const lag = series('Consumer lag 消费延迟', 'Messages not yet processed: high watermark minus the next offset, per topic (summed over partitions).', 'short').withTarget(
    prom('sum by (topic) (qrm_ingest_consumer_lag_messages)', '{{topic}}'),
  );

  const paused = series('Feeds paused for storage 暂停', '1 while a feed waits for ClickHouse to come back (consumption pauses instead of buffering).', 'short')
    .max(1)
    .lineInterpolation(LineInterpolation.StepAfter)
    .withTarget(prom('max by (feed) (qrm_ingest_paused)', '{{feed}}'));

  const deadLetters = bars('Dead letters by reason 死信', 'Messages sent to the dead-letter topic per interval, by feed and reason code.', 'short').withTarget(
    prom('sum by (feed, reason) (increase(qrm_ingest_dead_letters_total[$__rate_interval]))', '{{feed}} {{reason}}'),
  );

  const defects = bars('Field defects 字段缺陷', 'Records kept with a defect removed (e.g. an invalid credit code dropped from the enterprise link).', 'short').withTarget(
    prom('sum by (feed, defect) (increase(qrm_ingest_field_defects_total[$__rate_interval]))', '{{feed}} {{defect}}'),
  );

  const insertLatency = series('Insert latency 写入延迟', 'Time to insert one batch into ClickHouse, by table: median and 95th percentile.', 's')
    .span(12)
    .withTarget(prom('histogram_quantile(0.95, sum by (le, table) (rate(qrm_ingest_insert_duration_seconds_bucket[$__rate_interval])))', 'p95 {{table}}', 'A'))
    .withTarget(prom('histogram_quantile(0.5, sum by (le, table) (rate(qrm_ingest_insert_duration_seconds_bucket[$__rate_interval])))', 'p50 {{table}}', 'B'));

  const batchSize = series('Batch size 批量大小', 'Records per flushed batch (median), by feed.', 'short')
    .span(12)
    .withTarget(
    prom('histogram_quantile(0.5, sum by (le, feed) (rate(qrm_ingest_batch_size_records_bucket[$__rate_interval])))', 'p50 {{feed}}'),
  );

  const retries = bars('Insert retries 写入重试', 'Batch flushes retried after a retryable storage failure.', 'short').withTarget(
    prom('sum by (feed) (increase(qrm_ingest_insert_retries_total[$__rate_interval]))', '{{feed}}'),
  );

  const passDuration = series('Scoring pass duration 评分耗时', 'Duration of one scoring pass (all region levels, scores and warnings stored): 95th percentile and mean.', 's')
    .withTarget(prom('histogram_quantile(0.95, sum by (le) (rate(qrm_score_pass_duration_seconds_bucket[$__rate_interval])))', 'p95', 'A'))
    .withTarget(prom('sum(rate(qrm_score_pass_duration_seconds_sum[$__rate_interval])) / sum(rate(qrm_score_pass_duration_seconds_count[$__rate_interval]))', 'mean', 'B'));

  const passes = bars('Scoring passes 评分次数', 'Scoring passes per interval by outcome.', 'short')
    .withTarget(prom('sum by (outcome) (increase(qrm_score_passes_total[$__rate_interval]))', '{{outcome}}'))
    .overrideByName('failed', [prop.color('red')])
    .overrideByName('ok', [prop.color('green')]);

  // Passes run every five minutes by default (QRM_SCORE_SCHEDULE): three missed passes is a problem.
  const sinceLastPass = new StatPanel()
    .title('Since the last good pass 距上次评分')
    .description('Time since the evaluation time of the last successful scoring pass.')
    .datasource(prometheusDatasource)
    .withTarget(new PromQuery().expr('time() - max(qrm_score_last_success_timestamp_seconds)').legendFormat('since last pass').refId('A').datasource(prometheusDatasource).instant())
    .unit('s')
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(BigValueColorMode.Background)
    .graphMode(BigValueGraphMode.None)
    .thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: 'green' },
        { value: 900, color: 'orange' },
        { value: 1800, color: 'red' },
      ]),
    )
    .height(8)
    .span(4);

  const cells = series('Cells scored 评分单元', 'Cells with a score of at least 10 in the last pass, by region level.', 'short')
    .span(4)
    .withTarget(prom('sum by (region_level) (qrm_score_cells_scored)', '{{region_level}}'));

  const warningEvents = bars('Warning events 预警事件', 'Warning state changes derived by scoring, by event.', 'short')
    .span(24)
    .withTarget(
    prom('sum by (event) (increase(qrm_score_warning_events_total[$__rate_interval]))', '{{event}}'),
  );

  const notifications = bars('Notifications by channel 通知发送', 'Notification outcomes per interval by channel and status (sent, failed, rejected, silenced).', 'short').withTarget(
    prom('sum by (channel, status) (increase(qrm_alert_notifications_total[$__rate_interval]))', '{{channel}} {{status}}'),
  );

  const messages = bars('Messages sent 已发消息', 'Emails and SMS actually sent (one email may carry several grouped notifications), and inspection requests published.', 'short')
    .withTarget(prom('sum by (channel) (increase(qrm_alert_messages_sent_total[$__rate_interval]))', '{{channel}}', 'A'))
    .withTarget(prom('sum(increase(qrm_alert_inspection_requests_total[$__rate_interval]))', 'inspection requests', 'B'));

  const dispatch = series('Dispatch duration 派发耗时', 'Duration of one dispatch round of the alert service (95th percentile).', 's').withTarget(
    prom('histogram_quantile(0.95, sum by (le) (rate(qrm_alert_dispatch_duration_seconds_bucket[$__rate_interval])))', 'p95'),
  );

  const storedDeadLetters = new TablePanel()
    .title('Dead letters stored, by reason 死信原因')
    .description('Rejected messages recorded in ClickHouse in the time range, by feed and reason code, with an example reason.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            feed,
            reason_code,
            count() AS messages,
            max(rejected_at) AS last_rejected_at,
            any(reason) AS example_reason,
            any(field) AS example_field
        FROM dead_letters FINAL
        WHERE $__timeFilter(rejected_at)
        GROUP BY feed, reason_code
        ORDER BY messages DESC, feed, reason_code`).refId('A'),
    )
    .height(8)
    .span(12);

  const recentDeadLetters = new TablePanel()
    .title('Recent dead letters 最近死信')
    .description('The latest rejected messages with their Kafka position (the original bytes are on qrm.dlq) and an excerpt with personal data removed.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT rejected_at, feed, reason_code, reason, field, source_topic, source_partition, source_offset, size_bytes, excerpt
        FROM dead_letters FINAL
        WHERE $__timeFilter(rejected_at)
        ORDER BY rejected_at DESC, source_topic, source_partition, source_offset
        LIMIT 100`).refId('A'),
    )
    .overrideByName('excerpt', [prop.cell({ type: 'auto', wrapText: false })])
    .height(8)
    .span(12);

  const attempts = new TimeseriesPanel()
    .title('Delivery attempts 投递尝试')
    .description('Every email and SMS delivery attempt recorded by the alert service, by channel and status.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT $__timeInterval(at) AS time, concat(channel, ' ', status) AS outcome, count() AS attempts
        FROM notification_attempts
        WHERE $__timeFilter(at)
        GROUP BY time, outcome
        ORDER BY time`)
        .refId('A')
        .timeSeries(),
    )
    .displayName('${__field.labels.outcome}')
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(70)
    .stacking(new StackingConfigBuilder().mode(StackingMode.Normal).group('A'))
    .min(0)
    .decimals(0)
    .height(8)
    .span(12);

  const storedCells = new TimeseriesPanel()
    .title('Cells stored per pass 每次评分单元数')
    .description('Rows written to risk_scores per scoring pass, by region level (ClickHouse view of the same pass as "Cells scored").')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT evaluated_at AS time, region_level, count() AS cells
        FROM risk_scores FINAL
        WHERE $__timeFilter(evaluated_at)
        GROUP BY time, region_level
        ORDER BY time`)
        .refId('A')
        .timeSeries(),
    )
    .displayName('${__field.labels.region_level}')
    .min(0)
    .decimals(0)
    .height(8)
    .span(12);

  return finish(
    new DashboardBuilder('qrm · Pipeline health 运行状态')
      .uid('qrm-pipeline')
      .description('Ingest, scoring and alerting: rates, lag, dead letters, latencies and deliveries.')
      .tags(tags)
      .editable()
      .time({ from: 'now-6h', to: 'now' })
      .refresh('30s')
      .timezone('browser')
      .link(dashboardsMenu())
      .withVariable(prometheusVariable())
      .withVariable(datasourceVariable())
      .withRow(new RowBuilder('Ingest 接入'))
      .withPanel(ingestRate)
      .withPanel(lag)
      .withPanel(paused)
      .withPanel(deadLetters)
      .withPanel(defects)
      .withPanel(retries)
      .withPanel(insertLatency)
      .withPanel(batchSize)
      .withRow(new RowBuilder('Scoring 评分'))
      .withPanel(passDuration)
      .withPanel(passes)
      .withPanel(sinceLastPass)
      .withPanel(cells)
      .withPanel(warningEvents)
      .withRow(new RowBuilder('Alerting 告警'))
      .withPanel(notifications)
      .withPanel(messages)
      .withPanel(dispatch)
      .withRow(new RowBuilder('Details in ClickHouse 明细'))
      .withPanel(storedDeadLetters)
      .withPanel(recentDeadLetters)
      .withPanel(attempts)
      .withPanel(storedCells)
      .build(),
  );
}
