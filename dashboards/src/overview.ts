import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as GeomapPanel } from '@grafana/grafana-foundation-sdk/geomap';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { BigValueColorMode, BigValueGraphMode, BigValueTextMode, GraphDrawStyle, ReduceDataOptionsBuilder, StackingConfigBuilder, StackingMode, VizLegendOptionsBuilder, LegendDisplayMode, LegendPlacement } from '@grafana/grafana-foundation-sdk/common';
import { ClickHouseQueryBuilder, sql } from './clickhouse.ts';
import {
  cellLink,
  dashboardsMenu,
  datasourceVariable,
  finish,
  fixedThresholds,
  levelColours,
  levelNames,
  levelVariable,
  openWarningsSql,
  productVariable,
  prop,
  provinceVariable,
  scoreThresholds,
  tags,
  vars,
} from './common.ts';
import { geomapPanel } from './geomap.ts';

// Risk overview (qrm-overview): what the risk assessment centre looks at first. Open warnings by
// level now, where risk is on the map, the cells that scored highest with their trend, and how many
// warnings opened, escalated and resolved over the period. Scoped by region level, product(s) and
// province.

const scope = sql`region_level = ${vars.level}
      AND ${vars.productScope}
      AND ${vars.provinceScope}`;

const openWarnings = openWarningsSql(scope);

export function overview() {
  const openByLevel = new StatPanel()
    .title('Open warnings by level 当前预警')
    .description('Warnings open at the end of the time range, by level (I most severe).')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            countIf(level = 'I') AS I,
            countIf(level = 'II') AS II,
            countIf(level = 'III') AS III,
            countIf(level = 'IV') AS IV
        FROM (${openWarnings}
        )`).refId('A'),
    )
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(BigValueColorMode.Background)
    .graphMode(BigValueGraphMode.None)
    .textMode(BigValueTextMode.ValueAndName)
    .thresholds(fixedThresholds('green'))
    .overrideByName('I', [prop.displayName(levelNames.I), prop.color(levelColours.I)])
    .overrideByName('II', [prop.displayName(levelNames.II), prop.color(levelColours.II)])
    .overrideByName('III', [prop.displayName(levelNames.III), prop.color(levelColours.III)])
    .overrideByName('IV', [prop.displayName(levelNames.IV), prop.color(levelColours.IV)])
    .height(4)
    .span(24);

  const events = new TimeseriesPanel()
    .title('New, escalated and resolved warnings 预警变化')
    .description('Warning state changes per interval.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            $__timeInterval(evaluated_at) AS time,
            countIf(event = 'opened') AS opened,
            countIf(event = 'escalated') AS escalated,
            countIf(event = 'resolved') AS resolved
        FROM warnings FINAL
        WHERE $__timeFilter(evaluated_at)
          AND event IN ('opened', 'escalated', 'resolved')
          AND ${scope}
        GROUP BY time
        ORDER BY time`)
        .refId('A')
        .timeSeries(),
    )
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(80)
    .stacking(new StackingConfigBuilder().mode(StackingMode.Normal).group('A'))
    .decimals(0)
    .min(0)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs(['sum']))
    .overrideByName('opened', [prop.displayName('opened 新发'), prop.color('red')])
    .overrideByName('escalated', [prop.displayName('escalated 升级'), prop.color('orange')])
    .overrideByName('resolved', [prop.displayName('resolved 解除'), prop.color('green')])
    .height(14)
    .span(10);

  const map = geomapPanel({
    title: 'Peak risk by region 风险地图',
    description:
      'Each region at the chosen level: the highest score any product reached in the time range (colour and size), the product, and how many products reached a warning level. Placed at the region centroid (table region_centroids).',
    sql: sql`
      SELECT
          s.region_code AS region_code,
          r.name AS region,
          c.lat AS latitude,
          c.lon AS longitude,
          s.peak_score AS score,
          p.name_zh AS product,
          s.products_at_warning_level AS products_at_warning_level
      FROM (
          SELECT
              region_code,
              max(score) AS peak_score,
              argMax(product_code, score) AS top_product,
              uniqExactIf(product_code, level != '') AS products_at_warning_level
          FROM risk_scores FINAL
          WHERE $__timeFilter(evaluated_at)
            AND ${scope}
          GROUP BY region_code
      ) AS s
      INNER JOIN region_centroids AS c FINAL ON c.code = s.region_code
      LEFT JOIN regions AS r FINAL ON r.code = s.region_code
      LEFT JOIN products AS p FINAL ON p.code = s.top_product
      ORDER BY score DESC
      LIMIT 2000`,
    colourField: 'score',
    sizeField: 'score',
    sizeRange: [4, 18],
    thresholds: scoreThresholds(),
    unit: 'none',
  })
    .height(14)
    .span(14);

  // The trend series and the table rows share the key `cell`; Grafana turns each series into a
  // sparkline field (timeSeriesTable) and joins it onto the table rows.
  const topCellsScope = sql`$__timeFilter(evaluated_at)
              AND ${scope}`;
  const topCells = new TablePanel()
    .title('Top cells 高风险单元')
    .description('The 20 product × region cells with the highest score in the time range, whatever their warning state: a cell that peaked just under a threshold is worth a look too. Current = the last scoring pass in the range (empty when the cell scored below 10 there). Click a cell for its view.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            concat(s.product_code, '|', s.region_code) AS cell,
            s.product_code AS product_code,
            p.name_zh AS product,
            s.region_code AS region_code,
            r.name AS region,
            r.province_name AS province,
            s.region_level AS region_level,
            if(s.last_evaluated_at = (SELECT max(evaluated_at) FROM risk_scores FINAL WHERE $__timeFilter(evaluated_at)), s.latest_score, NULL) AS current_score,
            s.peak_score AS peak_score,
            s.peak_level AS peak_level,
            s.warning_passes AS warning_passes
        FROM (
            SELECT
                product_code,
                region_code,
                region_level,
                argMax(score, evaluated_at) AS latest_score,
                max(evaluated_at) AS last_evaluated_at,
                max(score) AS peak_score,
                argMax(level, score) AS peak_level,
                countIf(level != '') AS warning_passes
            FROM risk_scores FINAL
            WHERE ${topCellsScope}
            GROUP BY product_code, region_code, region_level
            ORDER BY peak_score DESC, product_code, region_code
            LIMIT 20
        ) AS s
        LEFT JOIN products AS p FINAL ON p.code = s.product_code
        LEFT JOIN regions AS r FINAL ON r.code = s.region_code
        ORDER BY peak_score DESC, product_code, region_code`).refId('A'),
    )
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT evaluated_at AS time, concat(product_code, '|', region_code) AS cell, score
        FROM risk_scores FINAL
        WHERE ${topCellsScope}
          AND (product_code, region_code) IN (
              SELECT product_code, region_code
              FROM risk_scores FINAL
              WHERE ${topCellsScope}
              GROUP BY product_code, region_code
              ORDER BY max(score) DESC, product_code, region_code
              LIMIT 20)
        ORDER BY time`)
        .refId('B')
        .timeSeries(),
    )
    .withTransformation({ id: 'timeSeriesTable', options: { B: { timeField: 'time', stat: 'lastNotNull' } } })
    .withTransformation({ id: 'joinByField', options: { byField: 'cell', mode: 'outer' } })
    .thresholds(scoreThresholds())
    // Hidden, not removed: the links read them.
    .overrideByName('cell', [prop.hidden()])
    .overrideByName('product_code', [prop.hidden()])
    .overrideByName('region_code', [prop.hidden()])
    .overrideByName('region_level', [prop.hidden()])
    .overrideByName('product', [prop.displayName('Product 产品'), prop.links([cellLink])])
    .overrideByName('region', [prop.displayName('Region 区划'), prop.links([cellLink])])
    .overrideByName('province', [prop.displayName('Province 省')])
    .overrideByName('current_score', [prop.displayName('Current 当前'), prop.cell({ type: 'color-text' }), prop.decimals(1)])
    .overrideByName('peak_score', [prop.displayName('Peak 峰值'), prop.cell({ type: 'color-background', mode: 'gradient' }), prop.decimals(1)])
    .overrideByName('peak_level', [prop.displayName('Peak level 最高级别'), ...prop.levelCell()])
    .overrideByName('warning_passes', [prop.displayName('Passes at a level 预警次数')])
    .overrideByName('Trend #B', [prop.displayName('Trend 趋势'), prop.cell({ type: 'sparkline' }), prop.min(0), prop.max(100), prop.width(200)])
    .height(12)
    .span(24);

  const open = openWarningsTable(scope);

  return finish(
    new DashboardBuilder('qrm · Risk overview 风险总览')
      .uid('qrm-overview')
      .description('Product-quality risk by product × region: open warnings, the risk map, top cells and warning changes.')
      .tags(tags)
      .editable()
      .time({ from: 'now-30d', to: 'now' })
      .refresh('5m')
      .timezone('browser')
      .link(dashboardsMenu())
      .withVariable(datasourceVariable())
      .withVariable(levelVariable())
      .withVariable(productVariable({ multi: true }))
      .withVariable(provinceVariable())
      .withRow(new RowBuilder('Now 当前'))
      .withPanel(openByLevel)
      .withPanel(map)
      .withPanel(events)
      .withRow(new RowBuilder('Cells 单元'))
      .withPanel(topCells)
      .withPanel(open)
      .build(),
  );
}

export function openWarningsTable(scope: string) {
  return new TablePanel()
    .title('Open warnings 未解除预警')
    .description('Warnings open at the end of the time range, most severe first. Acknowledged = a bureau confirmed receipt.')
    .withTarget(
      new ClickHouseQueryBuilder(sql`
        SELECT
            w.level AS level,
            p.name_zh AS product,
            r.name AS region,
            r.province_name AS province,
            w.score AS score,
            w.opened_at AS opened_at,
            w.last_event AS last_event,
            w.last_change_at AS last_change_at,
            w.warning_id IN (
                SELECT warning_id FROM warning_feedback FINAL WHERE kind = 'ack' AND at <= $__toTime
            ) AS acknowledged,
            w.warning_id AS warning_id,
            w.product_code AS product_code,
            w.region_code AS region_code,
            w.region_level AS region_level
        FROM (${openWarningsSql(scope)}
        ) AS w
        LEFT JOIN products AS p FINAL ON p.code = w.product_code
        LEFT JOIN regions AS r FINAL ON r.code = w.region_code
        ORDER BY indexOf(['I', 'II', 'III', 'IV'], level), score DESC, opened_at
        LIMIT 500`).refId('A'),
    )
    .thresholds(scoreThresholds())
    .overrideByName('level', prop.levelCell())
    .overrideByName('score', [prop.cell({ type: 'color-text' }), prop.decimals(1)])
    .overrideByName('acknowledged', [{ id: 'mappings', value: [{ type: 'value', options: { '0': { text: 'no 未确认', color: 'orange' }, '1': { text: 'yes 已确认', color: 'green' } } }] }, prop.cell({ type: 'color-text' })])
    .overrideByName('product', [prop.links([cellLink])])
    .overrideByName('region', [prop.links([cellLink])])
    .overrideByName('product_code', [prop.hidden()])
    .height(10)
    .span(24);
}
