import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  AxisPlacement,
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  GraphDrawStyle,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { ClickHouseQueryBuilder, sql } from './clickhouse.ts';
import {
  dashboardsMenu,
  datasourceVariable,
  finish,
  fixedThresholds,
  levelMappings,
  levelVariable,
  passRateThresholds,
  productVariable,
  prop,
  regionVariable,
  scoreThresholds,
  tags,
  vars,
} from './common.ts';

// Cell view (qrm-cell): one product in one region at one level, which is where an alert's link
// lands (services/sinks/notifications/dispatch.ts builds /d/qrm-cell/qrm-cell?var-product=…&
// var-region=…&var-level=…). The score and its level over time, each signal against what is
// normal for the cell, the warnings and notifications, and the records behind them.

// Scores and warnings are stored per cell and level. Raw records are per county: a region code
// at any level is the prefix of its counties' codes.
const cell = sql`product_code = ${vars.product}
      AND region_code = ${vars.region}
      AND region_level = ${vars.level}`;
const records = sql`product_code = ${vars.product}
      AND startsWith(region_code, ${vars.region})`;
const mediaRecords = sql`product_code = ${vars.product}
      AND arrayExists(c -> startsWith(c, ${vars.region}), region_codes)`;

// A spot-check result counts when it became known (published, else sampled), as scoring counts it.
// Labs publish well within a year of sampling, which bounds the scan by the sampling partitions.
const spotChecksKnown = sql`
        SELECT *, coalesce(published_at, sampled_at) AS known_at
        FROM spot_checks FINAL
        WHERE ${records}
          AND sampled_at <= $__toTime
          AND sampled_at >= $__fromTime - INTERVAL 366 DAY`;

export function cellView() {
  const current = new StatPanel()
    .title('Score at the last pass 当前评分')
    .description('Score (0–100) and warning level at the last scoring pass in the time range. No data: the cell scored below 10 (scores under 10 are not stored).')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            argMax(score, evaluated_at) AS score,
            argMax(level, evaluated_at) AS level
        FROM risk_scores FINAL
        WHERE ${cell}
          AND $__timeFilter(evaluated_at)
        HAVING count() > 0`).refId('A'),
    )
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false).fields('/.*/'))
    .colorMode(BigValueColorMode.Background)
    .graphMode(BigValueGraphMode.None)
    .textMode(BigValueTextMode.ValueAndName)
    .thresholds(scoreThresholds())
    .decimals(1)
    .overrideByName('score', [prop.displayName('Score 评分')])
    .overrideByName('level', [prop.displayName('Level 级别'), { id: 'mappings', value: levelMappings }, { id: 'color', value: { mode: 'fixed', fixedColor: 'text' } }])
    .height(5)
    .span(6);

  const evidence = new TablePanel()
    .title('Evidence at the last pass 评分依据')
    .description('What each signal contributed at the last scoring pass in the range: its exceedance z, its share of the score, and the findings. Observed and expected are the figures the score was computed from (docs/scoring.md).')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            JSONExtractString(s, 'source') AS signal,
            JSONExtractFloat(s, 'z') AS z,
            JSONExtractFloat(s, 'contribution') AS contribution,
            arrayStringConcat(JSONExtract(s, 'findings', 'Array(String)'), '; ') AS findings,
            JSONExtractRaw(s, 'observed') AS observed,
            JSONExtractRaw(s, 'expected') AS expected
        FROM (
            SELECT argMax(evidence, evaluated_at) AS evidence
            FROM risk_scores FINAL
            WHERE ${cell}
              AND $__timeFilter(evaluated_at)
        )
        ARRAY JOIN JSONExtractArrayRaw(evidence, 'signals') AS s
        ORDER BY contribution DESC`).refId('A'),
    )
    .overrideByName('findings', [prop.cell({ type: 'auto', wrapText: true })])
    .height(5)
    .span(18);

  const score = new TimeseriesPanel()
    .title('Score and level over time 评分趋势')
    .description('Score at each scoring pass; the bands are the warning levels (IV 30, III 50, II 70, I 85). A warning opens when the score reaches a level and falls back only 10 points below it.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT evaluated_at AS time, score
        FROM risk_scores FINAL
        WHERE ${cell}
          AND $__timeFilter(evaluated_at)
        ORDER BY time`)
        .refId('A')
        .timeSeries(),
    )
    .thresholds(scoreThresholds())
    .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.LineAndArea))
    .min(0)
    .max(100)
    .decimals(1)
    .lineWidth(2)
    .showPoints(VisibilityMode.Always)
    .pointSize(4)
    .overrideByName('score', [prop.displayName('Score 评分'), prop.color('text')])
    .height(9)
    .span(16);

  const signals = new TimeseriesPanel()
    .title('Signals 信号 (z)')
    .description('Exceedance of each source over its expected value, in standard deviations, capped at 10. The score combines them: 10 × (√(Σ z²) − 0.5).')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT evaluated_at AS time, complaint_z, spotcheck_z, media_z
        FROM risk_scores FINAL
        WHERE ${cell}
          AND $__timeFilter(evaluated_at)
        ORDER BY time`)
        .refId('A')
        .timeSeries(),
    )
    .min(0)
    .decimals(2)
    .overrideByName('complaint_z', [prop.displayName('complaints 投诉'), prop.color('purple')])
    .overrideByName('spotcheck_z', [prop.displayName('spot checks 抽查'), prop.color('blue')])
    .overrideByName('media_z', [prop.displayName('media 舆情'), prop.color('orange')])
    .height(9)
    .span(8);

  const complaints = new TimeseriesPanel()
    .title('Complaints against the expected band 投诉与预期')
    .description(
      'Complaints and reports per day (UTC days; inquiries and suggestions are not risk signals). Expected: the mean of the same cell 15 to 84 days earlier (the last two weeks are left out, so an outbreak does not raise its own baseline); band: ± 2 standard deviations of those days, at least Poisson. Scoring uses a more robust baseline on weighted voices (docs/scoring.md).',
    )
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT time, complaints, expected, lower, upper
        FROM (
            SELECT
                toDateTime(day) AS time,
                n AS complaints,
                round(ref_mean, 2) AS expected,
                round(greatest(0, ref_mean - 2 * greatest(ref_sd, sqrt(ref_mean))), 2) AS lower,
                round(ref_mean + 2 * greatest(ref_sd, sqrt(ref_mean)), 2) AS upper
            FROM (
                SELECT
                    day,
                    n,
                    avg(n) OVER w AS ref_mean,
                    stddevSamp(n) OVER w AS ref_sd
                FROM (
                    SELECT toDate(hour) AS day, uniqExactMerge(ids) AS n
                    FROM complaints_hourly
                    WHERE ${records}
                      AND hour >= toStartOfDay($__fromTime) - INTERVAL 84 DAY
                      AND hour <= $__toTime
                    GROUP BY day
                    ORDER BY day WITH FILL FROM toDate($__fromTime) - 84 TO toDate($__toTime) + 1 STEP 1
                )
                WINDOW w AS (ORDER BY day ROWS BETWEEN 84 PRECEDING AND 15 PRECEDING)
            )
        )
        WHERE time >= toStartOfDay($__fromTime)
        ORDER BY time`)
        .refId('A')
        .timeSeries(),
    )
    .min(0)
    .decimals(1)
    .overrideByName('complaints', [prop.displayName('complaints 投诉'), prop.color('purple'), prop.custom('drawStyle', 'bars'), prop.custom('fillOpacity', 60)])
    .overrideByName('expected', [prop.displayName('expected 预期'), prop.color('text'), prop.custom('lineStyle', { fill: 'dash', dash: [10, 10] })])
    .overrideByName('upper', [prop.displayName('band 正常范围'), prop.color('green'), prop.custom('lineWidth', 0), prop.custom('fillBelowTo', 'lower'), prop.custom('fillOpacity', 15)])
    .overrideByName('lower', [prop.color('green'), prop.custom('lineWidth', 0), prop.custom('hideFrom', { legend: true, tooltip: false, viz: false })])
    .height(9)
    .span(12);

  const spotChecks = new TimeseriesPanel()
    .title('Spot checks and pass rate 抽查结果与合格率')
    .description('Spot-check samples per week by result (when the result became known), and the pass rate against the 85 % campaign target.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            toDateTime(toMonday(known_at)) AS time,
            countIf(result = 'pass') AS passed,
            countIf(result = 'fail') AS failed,
            round(passed / count(), 4) AS pass_rate
        FROM (${spotChecksKnown}
        )
        WHERE $__timeFilter(known_at)
        GROUP BY time
        ORDER BY time`)
        .refId('A')
        .timeSeries(),
    )
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(70)
    .stacking(new StackingConfigBuilder().mode(StackingMode.Normal).group('samples'))
    .decimals(0)
    .min(0)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs(['sum']))
    .overrideByName('passed', [prop.displayName('passed 合格'), prop.color('green')])
    .overrideByName('failed', [prop.displayName('failed 不合格'), prop.color('red')])
    .overrideByName('pass_rate', [
      prop.displayName('pass rate 合格率'),
      prop.unit('percentunit'),
      prop.decimals(1),
      prop.min(0),
      prop.max(1),
      prop.color('text'),
      prop.custom('drawStyle', 'line'),
      prop.custom('stacking', { mode: 'none', group: 'rate' }),
      prop.custom('axisPlacement', AxisPlacement.Right),
      prop.custom('showPoints', 'always'),
      prop.thresholds(passRateThresholds()),
      prop.custom('thresholdsStyle', { mode: 'dashed' }),
    ])
    .height(9)
    .span(8);

  const passRate = new StatPanel()
    .title('Pass rate 合格率')
    .description('Spot-check pass rate in the time range; the campaign target is at least 85 %.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            countIf(result = 'pass') / count() AS pass_rate,
            count() AS samples,
            countIf(result = 'fail') AS failed
        FROM (${spotChecksKnown}
        )
        WHERE $__timeFilter(known_at)
        HAVING count() > 0`).refId('A'),
    )
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false).fields('/.*/'))
    .colorMode(BigValueColorMode.Value)
    .graphMode(BigValueGraphMode.None)
    .textMode(BigValueTextMode.ValueAndName)
    .thresholds(fixedThresholds('text'))
    .overrideByName('pass_rate', [prop.displayName('pass rate 合格率'), prop.unit('percentunit'), prop.decimals(1), prop.thresholds(passRateThresholds())])
    .overrideByName('samples', [prop.displayName('samples 批次')])
    .overrideByName('failed', [prop.displayName('failed 不合格')])
    .height(9)
    .span(4);

  const media = new TimeseriesPanel()
    .title('Media negativity and exposés 舆情')
    .description('Per day: negativity = Σ max(0, −sentiment) × (1 + log10(1 + reach)) over the items naming the region (as scoring weighs them), the number of items, and investigative exposés by mainstream media (媒体曝光).')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            toStartOfDay(published_at) AS time,
            round(sum(greatest(0, -sentiment) * (1 + log10(1 + reach))), 2) AS negativity,
            count() AS items,
            countIf(exposure = 1) AS exposes
        FROM media_items FINAL
        WHERE ${mediaRecords}
          AND $__timeFilter(published_at)
        GROUP BY time
        ORDER BY time`)
        .refId('A')
        .timeSeries(),
    )
    .min(0)
    .overrideByName('negativity', [prop.displayName('negativity 负面指数'), prop.color('orange'), prop.custom('fillOpacity', 20)])
    .overrideByName('items', [prop.displayName('items 条数'), prop.color('text'), prop.custom('axisPlacement', AxisPlacement.Right), prop.decimals(0)])
    .overrideByName('exposes', [
      prop.displayName('exposés 曝光'),
      prop.color('red'),
      prop.custom('drawStyle', 'bars'),
      prop.custom('fillOpacity', 80),
      prop.custom('axisPlacement', AxisPlacement.Right),
      prop.decimals(0),
    ])
    .height(8)
    .span(12);

  const exposes = new TablePanel()
    .title('Exposés and most negative coverage 曝光与负面报道')
    .description('Investigative exposés first, then items with sentiment ≤ −0.5, by reach.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT published_at, source, source_type, title, sentiment, reach, exposure, url
        FROM media_items FINAL
        WHERE ${mediaRecords}
          AND $__timeFilter(published_at)
          AND (exposure = 1 OR sentiment <= -0.5)
        ORDER BY exposure DESC, reach DESC, published_at DESC
        LIMIT 100`).refId('A'),
    )
    .overrideByName('title', [prop.links([{ title: 'Open the article', url: '${__data.fields.url}', targetBlank: true }])])
    .overrideByName('url', [prop.hidden()])
    .overrideByName('exposure', [{ id: 'mappings', value: [{ type: 'value', options: { '1': { text: '曝光', color: 'red' }, '0': { text: '' } } }] }, prop.cell({ type: 'color-text' })])
    .height(8)
    .span(12);

  const warnings = new TablePanel()
    .title('Warnings of this cell 预警记录')
    .description('Every warning state change of the cell in the range, with the findings behind it.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            evaluated_at,
            event,
            level,
            previous_level,
            score,
            opened_at,
            arrayStringConcat(arrayFlatten(arrayMap(s -> JSONExtract(s, 'findings', 'Array(String)'), JSONExtractArrayRaw(evidence, 'signals'))), '; ') AS findings,
            warning_id
        FROM warnings FINAL
        WHERE ${cell}
          AND $__timeFilter(evaluated_at)
        ORDER BY evaluated_at DESC, event
        LIMIT 200`).refId('A'),
    )
    .thresholds(scoreThresholds())
    .overrideByName('level', prop.levelCell())
    .overrideByName('previous_level', [{ id: 'mappings', value: levelMappings }])
    .overrideByName('score', [prop.cell({ type: 'color-text' }), prop.decimals(1)])
    .overrideByName('findings', [prop.cell({ type: 'auto', wrapText: true })])
    .height(8)
    .span(12);

  const notifications = new TablePanel()
    .title('Notifications 通知')
    .description('Emails, SMS and digests sent (or not) for the warnings of this cell, from the alert outbox.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT evaluated_at, event, level, recipient_id, channel, kind, status, attempt, sent_at, error, warning_id
        FROM notifications FINAL
        WHERE ${cell}
          AND $__timeFilter(evaluated_at)
        ORDER BY evaluated_at DESC, recipient_id, channel
        LIMIT 200`).refId('A'),
    )
    .overrideByName('level', prop.levelCell())
    .overrideByName('status', [
      {
        id: 'mappings',
        value: [
          {
            type: 'value',
            options: {
              sent: { color: 'green', index: 0 },
              pending: { color: 'blue', index: 1 },
              silenced: { color: 'text', index: 2 },
              failed: { color: 'red', index: 3 },
              rejected: { color: 'red', index: 4 },
            },
          },
        ],
      },
      prop.cell({ type: 'color-text' }),
    ])
    .height(8)
    .span(12);

  const feedback = new TablePanel()
    .title('Feedback from bureaus 反馈')
    .description('Acknowledgements and inspection outcomes reported for the warnings of this cell.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT at, kind, author, comment, enterprises_inspected, violations_found, warning_id
        FROM warning_feedback FINAL
        WHERE warning_id IN (
            SELECT warning_id FROM warnings FINAL
            WHERE ${cell}
        )
          AND $__timeFilter(at)
        ORDER BY at DESC
        LIMIT 100`).refId('A'),
    )
    .height(6)
    .span(24);

  const complaintRecords = new TablePanel()
    .title('Recent complaints 投诉举报记录')
    .description('The latest hotline tickets of the cell (all kinds). Callers are never stored in clear; phone numbers in free text are masked at ingest.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT received_at, region_code, channel, kind, issue, harm, enterprise_name, enterprise_credit_code, description, id
        FROM complaints FINAL
        WHERE ${records}
          AND $__timeFilter(received_at)
        ORDER BY received_at DESC
        LIMIT 200`).refId('A'),
    )
    .overrideByName('description', [prop.cell({ type: 'auto', wrapText: true })])
    .height(8)
    .span(24);

  const spotCheckRecords = new TablePanel()
    .title('Recent spot checks 抽查记录')
    .description('The latest spot-check results of the cell, by when the result became known, with the failed test items and their hazard class.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            known_at,
            sampled_at,
            level AS check_level,
            region_code,
            enterprise_name,
            enterprise_credit_code,
            batch,
            result,
            arrayStringConcat(arrayMap((item, hazard) -> concat(item, ' (', hazard, ')'), failed_items.item, failed_items.hazard), '; ') AS failed_items,
            lab,
            id
        FROM (${spotChecksKnown}
        )
        WHERE $__timeFilter(known_at)
        ORDER BY known_at DESC
        LIMIT 200`).refId('A'),
    )
    .overrideByName('result', [{ id: 'mappings', value: [{ type: 'value', options: { pass: { text: 'pass 合格', color: 'green' }, fail: { text: 'fail 不合格', color: 'red' } } }] }, prop.cell({ type: 'color-text' })])
    .height(8)
    .span(24);

  return finish(
    new DashboardBuilder('qrm · Cell 单元详情')
      .uid('qrm-cell')
      .description('One product in one region: score, signals against their expected values, warnings, notifications and records.')
      .tags(tags)
      .editable()
      .time({ from: 'now-90d', to: 'now' })
      .refresh('5m')
      .timezone('browser')
      .link(dashboardsMenu())
      .withVariable(datasourceVariable())
      .withVariable(productVariable({ multi: false }))
      .withVariable(levelVariable())
      .withVariable(regionVariable())
      .withRow(new RowBuilder('Score 评分'))
      .withPanel(current)
      .withPanel(evidence)
      .withPanel(score)
      .withPanel(signals)
      .withRow(new RowBuilder('Signals 信号'))
      .withPanel(complaints)
      .withPanel(spotChecks)
      .withPanel(passRate)
      .withPanel(media)
      .withPanel(exposes)
      .withRow(new RowBuilder('Warnings and notifications 预警与通知'))
      .withPanel(warnings)
      .withPanel(notifications)
      .withPanel(feedback)
      .withRow(new RowBuilder('Records 记录'))
      .withPanel(complaintRecords)
      .withPanel(spotCheckRecords)
      .build(),
  );
}
