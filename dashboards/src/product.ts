import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  GraphDrawStyle,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
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
  levelVariable,
  passRateThresholds,
  productVariable,
  prop,
  provinceVariable,
  scoreThresholds,
  tags,
  vars,
} from './common.ts';
import { geomapPanel } from './geomap.ts';
import { openWarningsTable } from './overview.ts';

// Product view (qrm-product): one product across regions, for the planners who decide where the
// next spot checks go. Pass rate by region against the 85 % target, complaint trends, the key
// enterprises (failed checks, complaints, media mentions), open warnings and the regions whose
// score rose most.

const scope = sql`product_code = ${vars.product}
      AND ${vars.provinceScope}`;
const mediaScope = sql`product_code = ${vars.product}
      AND ${vars.provinceScopeMedia}`;

// Region code at the chosen level: counties are grouped by their code prefix.
const groupCode = sql`substring(region_code, 1, multiIf(${vars.level} = 'province', 2, ${vars.level} = 'prefecture', 4, 6))`;

const spotChecksKnown = sql`
        SELECT *, coalesce(published_at, sampled_at) AS known_at
        FROM spot_checks FINAL
        WHERE ${scope}
          AND sampled_at <= $__toTime
          AND sampled_at >= $__fromTime - INTERVAL 366 DAY`;

const passRateByRegion = sql`
          SELECT
              ${groupCode} AS code,
              count() AS samples,
              countIf(result = 'pass') AS passed,
              countIf(result = 'fail') AS failed
          FROM (${spotChecksKnown}
          )
          WHERE $__timeFilter(known_at)
          GROUP BY code`;

export function productView() {
  const totals = new StatPanel()
    .title('In the time range 概况')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            (SELECT count() FROM (${spotChecksKnown}) WHERE $__timeFilter(known_at)) AS samples,
            (SELECT countIf(result = 'pass') / count() FROM (${spotChecksKnown}) WHERE $__timeFilter(known_at)) AS pass_rate,
            (SELECT count() FROM complaints FINAL WHERE ${scope} AND kind IN ('complaint', 'report') AND $__timeFilter(received_at)) AS complaints,
            (SELECT count() FROM media_items FINAL WHERE ${mediaScope} AND $__timeFilter(published_at)) AS media_items,
            (SELECT countIf(exposure = 1) FROM media_items FINAL WHERE ${mediaScope} AND $__timeFilter(published_at)) AS exposes`).refId('A'),
    )
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false).fields('/.*/'))
    .colorMode(BigValueColorMode.Value)
    .graphMode(BigValueGraphMode.None)
    .textMode(BigValueTextMode.ValueAndName)
    .thresholds(fixedThresholds('text'))
    .decimals(0)
    .overrideByName('samples', [prop.displayName('spot checks 抽查批次')])
    .overrideByName('pass_rate', [prop.displayName('pass rate 合格率'), prop.unit('percentunit'), prop.decimals(1), prop.thresholds(passRateThresholds())])
    .overrideByName('complaints', [prop.displayName('complaints 投诉举报')])
    .overrideByName('media_items', [prop.displayName('media items 舆情')])
    .overrideByName('exposes', [prop.displayName('exposés 曝光'), prop.thresholds(fixedThresholds('text').steps([{ value: null, color: 'text' }, { value: 1, color: 'red' }]))])
    .height(4)
    .span(24);

  const map = geomapPanel({
    title: 'Spot-check pass rate by region 合格率地图',
    description: 'Pass rate in the time range per region at the chosen level (colour: red below the 85 % target), sized by the number of samples.',
    sql: sql`
      SELECT
          s.code AS region_code,
          r.name AS region,
          c.lat AS latitude,
          c.lon AS longitude,
          round(s.passed / s.samples, 4) AS pass_rate,
          s.samples AS samples,
          s.failed AS failed
      FROM (${passRateByRegion}
      ) AS s
      INNER JOIN region_centroids AS c FINAL ON c.code = s.code
      LEFT JOIN regions AS r FINAL ON r.code = s.code
      ORDER BY pass_rate`,
    colourField: 'pass_rate',
    sizeField: 'samples',
    sizeRange: [3, 16],
    thresholds: passRateThresholds(),
    unit: 'percentunit',
  })
    .height(12)
    .span(12);

  const table = new TablePanel()
    .title('Pass rate by region 各地区合格率')
    .description('Regions at the chosen level, lowest pass rate first; the target is at least 85 %.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            r.name AS region,
            r.province_name AS province,
            s.code AS region_code,
            s.samples AS samples,
            s.failed AS failed,
            round(s.passed / s.samples, 4) AS pass_rate
        FROM (${passRateByRegion}
        ) AS s
        LEFT JOIN regions AS r FINAL ON r.code = s.code
        ORDER BY pass_rate, samples DESC
        LIMIT 200`).refId('A'),
    )
    .overrideByName('pass_rate', [
      prop.displayName('pass rate 合格率'),
      prop.unit('percentunit'),
      prop.decimals(1),
      prop.min(0),
      prop.max(1),
      prop.thresholds(passRateThresholds()),
      prop.cell({ type: 'gauge', mode: 'basic' }),
    ])
    .height(12)
    .span(12);

  const complaintTrend = new TimeseriesPanel()
    .title('Complaints by issue 投诉趋势')
    .description('Complaints and reports per interval (at least a day) by the issue they raise.')
    .interval('1d')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT $__timeInterval(received_at) AS time, issue, count() AS complaints
        FROM complaints FINAL
        WHERE ${scope}
          AND kind IN ('complaint', 'report')
          AND $__timeFilter(received_at)
        GROUP BY time, issue
        ORDER BY time`)
        .refId('A')
        .timeSeries(),
    )
    .displayName('${__field.labels.issue}')
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(70)
    .stacking(new StackingConfigBuilder().mode(StackingMode.Normal).group('A'))
    .decimals(0)
    .min(0)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Right).calcs(['sum']))
    .height(9)
    .span(12);

  const scoreTrend = new TimeseriesPanel()
    .title('Score of the highest-risk regions 高风险地区评分')
    .description('Score over time of the ten regions (at the chosen level) with the highest score for this product in the range.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT s.time AS time, concat(s.region_code, ' ', r.name) AS region, s.score AS score
        FROM (
            SELECT evaluated_at AS time, region_code, score
            FROM risk_scores FINAL
            WHERE ${scope}
              AND region_level = ${vars.level}
              AND $__timeFilter(evaluated_at)
              AND region_code IN (
                  SELECT region_code FROM risk_scores FINAL
                  WHERE ${scope}
                    AND region_level = ${vars.level}
                    AND $__timeFilter(evaluated_at)
                  GROUP BY region_code
                  ORDER BY max(score) DESC, region_code
                  LIMIT 10)
        ) AS s
        LEFT JOIN regions AS r FINAL ON r.code = s.region_code
        ORDER BY time`)
        .refId('A')
        .timeSeries(),
    )
    .displayName('${__field.labels.region}')
    .thresholds(scoreThresholds())
    .min(0)
    .max(100)
    .decimals(1)
    .height(9)
    .span(12);

  const enterprises = new TablePanel()
    .title('Key enterprises 重点企业')
    .description('Enterprises (by unified social credit code) with the most failed spot checks, then complaints naming them, then media mentions in the time range: candidates for classified supervision and early-warning spot checks.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            e.credit_code AS enterprise_credit_code,
            e.name AS enterprise,
            r.name AS region,
            r.province_name AS province,
            e.failed_checks AS failed_checks,
            e.spot_checks AS spot_checks,
            e.complaints AS complaints,
            e.media_mentions AS media_mentions
        FROM (
            SELECT
                credit_code,
                argMax(name, name != '') AS name,
                argMax(region_code, region_code != '') AS region_code,
                sum(failed) AS failed_checks,
                sum(checked) AS spot_checks,
                sum(complained) AS complaints,
                sum(mentioned) AS media_mentions
            FROM (
                SELECT enterprise_credit_code AS credit_code, enterprise_name AS name, region_code,
                    toUInt64(result = 'fail') AS failed, toUInt64(1) AS checked, toUInt64(0) AS complained, toUInt64(0) AS mentioned
                FROM (${spotChecksKnown}
                )
                WHERE $__timeFilter(known_at)
                  AND enterprise_credit_code != ''
                UNION ALL
                SELECT enterprise_credit_code, enterprise_name, region_code, 0, 0, 1, 0
                FROM complaints FINAL
                WHERE ${scope}
                  AND kind IN ('complaint', 'report')
                  AND enterprise_credit_code != ''
                  AND $__timeFilter(received_at)
                UNION ALL
                SELECT credit_code, '', '', 0, 0, 0, 1
                FROM media_items FINAL
                ARRAY JOIN enterprise_credit_codes AS credit_code
                WHERE ${mediaScope}
                  AND $__timeFilter(published_at)
            )
            GROUP BY credit_code
            ORDER BY failed_checks DESC, complaints DESC, media_mentions DESC, credit_code
            LIMIT 25
        ) AS e
        LEFT JOIN regions AS r FINAL ON r.code = e.region_code
        ORDER BY failed_checks DESC, complaints DESC, media_mentions DESC, enterprise_credit_code`).refId('A'),
    )
    .overrideByName('failed_checks', [prop.displayName('failed checks 不合格'), prop.cell({ type: 'color-background', mode: 'gradient' }), prop.thresholds(fixedThresholds('transparent').steps([{ value: null, color: 'transparent' }, { value: 1, color: 'orange' }, { value: 2, color: 'red' }]))])
    .overrideByName('spot_checks', [prop.displayName('spot checks 抽查')])
    .overrideByName('complaints', [prop.displayName('complaints 投诉')])
    .overrideByName('media_mentions', [prop.displayName('media 舆情提及')])
    .height(10)
    .span(24);

  return finish(
    new DashboardBuilder('qrm · Product 产品视图')
      .uid('qrm-product')
      .description('One product across regions: pass rates against the 85 % target, complaint trends, key enterprises and open warnings.')
      .tags(tags)
      .editable()
      .time({ from: 'now-90d', to: 'now' })
      .refresh('15m')
      .timezone('browser')
      .link(dashboardsMenu())
      .withVariable(datasourceVariable())
      .withVariable(productVariable({ multi: false }))
      .withVariable(levelVariable().current({ text: 'province', value: 'province' }))
      .withVariable(provinceVariable())
      .withRow(new RowBuilder('Spot checks 抽查'))
      .withPanel(totals)
      .withPanel(map)
      .withPanel(table)
      .withRow(new RowBuilder('Signals 信号'))
      .withPanel(complaintTrend)
      .withPanel(scoreTrend)
      .withPanel(enterprises)
      .withRow(new RowBuilder('Warnings 预警'))
      .withPanel(openWarningsTable(scope))
      .build(),
  );
}
