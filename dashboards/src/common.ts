import type { Dashboard, DynamicConfigValue, ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  CustomVariableBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  MappingType,
  QueryVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { clickhouseDatasource, clickhouseType, sql, variableQuery } from './clickhouse.ts';

// Pieces every qrm dashboard shares: datasource and cell variables, the warning level colours and
// score thresholds of services/transforms/score/levels.ts, and the link into the cell view.

export const prometheusDatasource = { type: 'prometheus', uid: '${prometheus}' };

// Grafana's own `sqlstring` format quotes and escapes each value ('a','b' for several), so a
// variable is never pasted into SQL raw. `$__conditionalAll(cond, $var)` is the plugin's macro that
// becomes 1=1 when "All" is selected, instead of listing every value.
export const vars = {
  product: '${product:sqlstring}',
  region: '${region:sqlstring}',
  level: '${level:sqlstring}',
  province: '${province:sqlstring}',
  productScope: '$__conditionalAll(product_code IN (${product:sqlstring}), $product)',
  provinceScope: '$__conditionalAll(startsWith(region_code, ${province:sqlstring}), $province)',
  // Media items name several counties: an item is in the province if any of them is.
  provinceScopeMedia: '$__conditionalAll(arrayExists(c -> startsWith(c, ${province:sqlstring}), region_codes), $province)',
};

export const tags = ['qrm'];

export function datasourceVariable() {
  return new DatasourceVariableBuilder('datasource').label('ClickHouse').type(clickhouseType);
}

export function prometheusVariable() {
  return new DatasourceVariableBuilder('prometheus').label('Prometheus').type('prometheus');
}

/** Region level of the cells shown: county (6-digit code), prefecture (4) or province (2). */
export function levelVariable() {
  return new CustomVariableBuilder('level')
    .label('Region level 区划层级')
    .values('county,prefecture,province')
    .current({ text: 'county', value: 'county' });
}

export function productVariable(o: { multi: boolean }) {
  const v = new QueryVariableBuilder('product')
    .label('Product 产品')
    .datasource(clickhouseDatasource)
    .query(variableQuery(sql`SELECT code, concat(name_zh, ' ', code) FROM products FINAL ORDER BY code`))
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.Disabled);
  return o.multi ? v.multi(true).includeAll(true).current({ text: 'All', value: '$__all' }) : v;
}

export function provinceVariable() {
  return new QueryVariableBuilder('province')
    .label('Province 省份')
    .datasource(clickhouseDatasource)
    .query(variableQuery(sql`SELECT code, name FROM regions FINAL WHERE level = 'province' ORDER BY code`))
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.Disabled)
    .includeAll(true)
    .current({ text: 'All', value: '$__all' });
}

/** The region of the cell, at the chosen level; the codes of every level are listed. */
export function regionVariable() {
  return new QueryVariableBuilder('region')
    .label('Region 区划')
    .datasource(clickhouseDatasource)
    .query(
      variableQuery(sql`
        SELECT code, concat(code, ' ', province_name, if(level = 'province', '', concat(' ', name)))
        FROM regions FINAL
        WHERE level = ${vars.level}
        ORDER BY code`),
    )
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.Disabled);
}

export function dashboardsMenu() {
  return new DashboardLinkBuilder('qrm dashboards').type(DashboardLinkType.Dashboards).tags(tags).asDropdown(true).keepTime(true).includeVars(false);
}

// Warning levels I (most severe) to IV and the colours of Chinese early-warning practice.
export const levelColours = { I: 'red', II: 'orange', III: 'yellow', IV: 'blue' } as const;
export const levelNames = { I: 'I 级 特别严重', II: 'II 级 严重', III: 'III 级 较重', IV: 'IV 级 一般' } as const;

export const levelMappings: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: {
      I: { text: levelNames.I, color: levelColours.I, index: 0 },
      II: { text: levelNames.II, color: levelColours.II, index: 1 },
      III: { text: levelNames.III, color: levelColours.III, index: 2 },
      IV: { text: levelNames.IV, color: levelColours.IV, index: 3 },
      '': { text: '—', color: 'text', index: 4 },
    },
  },
];

/** Score thresholds of the levels (services/transforms/score/levels.ts: I 85, II 70, III 50, IV 30). */
export function scoreThresholds() {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: 'green' },
    { value: 30, color: levelColours.IV },
    { value: 50, color: levelColours.III },
    { value: 70, color: levelColours.II },
    { value: 85, color: levelColours.I },
  ]);
}

/** The regional campaign target: an average spot-check pass rate of at least 85 %. */
export function passRateThresholds() {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: 'red' },
    { value: 0.85, color: 'green' },
  ]);
}

export function fixedThresholds(color: string) {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color }]);
}

/** The cell view for the row's product, region and level, keeping the time range. */
export const cellLink = {
  title: 'Cell view 单元详情',
  url: '/d/qrm-cell/qrm-cell?var-product=${__data.fields.product_code}&var-region=${__data.fields.region_code}&var-level=${__data.fields.region_level}&var-datasource=${datasource}&${__url_time_range}',
};

export const prop = {
  displayName: (value: string): DynamicConfigValue => ({ id: 'displayName', value }),
  unit: (value: string): DynamicConfigValue => ({ id: 'unit', value }),
  decimals: (value: number): DynamicConfigValue => ({ id: 'decimals', value }),
  hidden: (): DynamicConfigValue => ({ id: 'custom.hidden', value: true }),
  width: (value: number): DynamicConfigValue => ({ id: 'custom.width', value }),
  links: (links: { title: string; url: string; targetBlank?: boolean }[]): DynamicConfigValue => ({ id: 'links', value: links }),
  levelCell: (): DynamicConfigValue[] => [
    { id: 'mappings', value: levelMappings },
    { id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } },
  ],
  cell: (value: Record<string, unknown>): DynamicConfigValue => ({ id: 'custom.cellOptions', value }),
  color: (fixedColor: string): DynamicConfigValue => ({ id: 'color', value: { mode: 'fixed', fixedColor } }),
  thresholds: (b: ThresholdsConfigBuilder): DynamicConfigValue => ({ id: 'thresholds', value: b.build() }),
  custom: (key: string, value: unknown): DynamicConfigValue => ({ id: `custom.${key}`, value }),
  min: (value: number): DynamicConfigValue => ({ id: 'min', value }),
  max: (value: number): DynamicConfigValue => ({ id: 'max', value }),
};

/**
 * Warnings open at the end of the time range within `scope` (a condition on warnings columns): the
 * latest state change up to then is not a resolution. Acknowledgements are not state changes.
 * Filtered in a subquery: the aggregates reuse column names, and a WHERE beside them would read
 * the aggregates instead of the columns.
 */
export function openWarningsSql(scope: string): string {
  return sql`
    SELECT
        warning_id,
        argMax(product_code, evaluated_at) AS product_code,
        argMax(region_code, evaluated_at) AS region_code,
        argMax(region_level, evaluated_at) AS region_level,
        argMax(level, evaluated_at) AS level,
        argMax(score, evaluated_at) AS score,
        min(opened_at) AS opened_at,
        max(evaluated_at) AS last_change_at,
        argMax(event, evaluated_at) AS last_event
    FROM (
        SELECT * FROM warnings FINAL
        WHERE evaluated_at <= $__toTime
          AND event IN ('opened', 'escalated', 'deescalated', 'resolved')
          AND ${scope}
    )
    GROUP BY warning_id
    HAVING last_event != 'resolved'`;
}

/**
 * Panel ids in layout order, so links to a panel (viewPanel=N) stay stable as long as the layout
 * does, and the generated JSON does not depend on Grafana assigning them on load.
 */
export function finish(d: Dashboard): Dashboard {
  // The schema's default link placement is Grafana 12's new controls menu; without it the link
  // shows in the dashboard header, where every Grafana 12 layout puts it.
  for (const link of d.links ?? []) delete link.placement;
  let id = 0;
  for (const p of d.panels ?? []) {
    p.id = ++id;
    for (const inner of 'panels' in p ? (p.panels ?? []) : []) inner.id = ++id;
  }
  return d;
}
