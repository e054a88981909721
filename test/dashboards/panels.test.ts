import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../services/clients/clickhouse.ts';
import type { Config } from '../../services/config/index.ts';
import { openClickHouse, testConfig } from '../support/app.ts';
import { fillDatabase, incidentCell, type Fixture } from './fixture.ts';
import { ALL, expand, type Context, type VarValue } from './grafana-sql.ts';
import { builtDashboards, isClickHouse, panelsOf, type PanelJson, type Target, type VariableJson } from './dashboard-json.ts';

// Every ClickHouse query of every dashboard, and every variable's query, run against a chDB database
// filled by the simulator and scoring, with the SQL expanded as Grafana and the ClickHouse plugin
// expand it. Each must run under every variable combination tried, return rows where the data
// implies them, and have the columns its panel reads (time and values for a time series, latitude
// and longitude for a map, every field an override, link or transformation names).

const PII_KEY = 'test-key-0123456789abcdef';

type Result = { meta: { name: string; type: string }[]; data: Record<string, unknown>[] };

let config: Config;
let ch: ClickHouse;
let fx: Fixture;
let options: Record<string, string[]>;

beforeAll(async () => {
  config = testConfig({ QRM_PII_KEY: PII_KEY });
  ch = await openClickHouse(config);
  fx = await fillDatabase(ch, config, PII_KEY);
  const codes = async (sql: string) => ((await (await ch.client.query({ query: sql, format: 'JSONEachRow' })).json()) as { code: string }[]).map((r) => r.code);
  options = {
    product: await codes('SELECT code FROM products FINAL ORDER BY code'),
    province: await codes("SELECT code FROM regions FINAL WHERE level = 'province' ORDER BY code"),
  };
}, 600_000);
afterAll(async () => ch?.close());

async function run(sql: string, finalSetting: 0 | 1 = 0): Promise<Result> {
  // The read-only Grafana user is not guaranteed final=1: run with it off, so only the FINAL written
  // in the SQL deduplicates (qrm's own client turns it on for every query).
  const rs = await ch.client.query({ query: `${sql}\nSETTINGS final = ${finalSetting}`, format: 'JSON' });
  return (await rs.json()) as Result;
}

// The variable combinations each dashboard is tried with; the first is the one whose panels must
// all return rows (the incident cell, or everything).
const contexts: Record<string, Record<string, VarValue>[]> = {
  'qrm-overview.json': [
    { level: 'county', product: [ALL], province: ALL },
    { level: 'county', product: [incidentCell.product], province: incidentCell.province },
    { level: 'prefecture', product: [incidentCell.product, 'wood_panel'], province: ALL },
    { level: 'province', product: [ALL], province: '44' },
  ],
  'qrm-cell.json': [
    { product: incidentCell.product, level: 'county', region: incidentCell.region },
    { product: incidentCell.product, level: 'prefecture', region: incidentCell.region.slice(0, 4) },
    { product: incidentCell.product, level: 'province', region: incidentCell.province },
  ],
  'qrm-product.json': [
    { product: incidentCell.product, level: 'province', province: ALL },
    { product: incidentCell.product, level: 'county', province: incidentCell.province },
    { product: 'wood_panel', level: 'prefecture', province: ALL },
  ],
  'qrm-pipeline.json': [{}],
};

// Panels allowed to be empty even in the first context, with the reason.
const mayBeEmpty: Record<string, string> = {};

const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;
const TIME = /^(Nullable\()?(DateTime|Date)/;

function intervalSeconds(panel: PanelJson, from: Date, to: Date): number {
  // Grafana: the range over the panel's width in points (about 1,000 here), at least the panel's
  // minimum interval.
  const min = panel.interval ? parseSpan(panel.interval) : 1;
  return Math.max(min, Math.ceil((to.getTime() - from.getTime()) / 1000 / 1000));
}

function parseSpan(s: string): number {
  const m = /^(\d+)([smhd])$/.exec(s);
  if (!m) throw new Error(`interval ${s}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** Field names a panel's configuration refers to, besides what its transformations produce. */
function referencedFields(panel: PanelJson): { names: Set<string>; produced: Set<string> } {
  const names = new Set<string>();
  const produced = new Set<string>();
  for (const o of panel.fieldConfig?.overrides ?? []) {
    if (o.matcher.id === 'byName') names.add(String(o.matcher.options));
    for (const p of o.properties) {
      if (p.id !== 'links') continue;
      for (const l of p.value as { url: string }[]) for (const m of l.url.matchAll(/\$\{__data\.fields\.(\w+)\}/g)) names.add(m[1]!);
    }
  }
  for (const t of panel.transformations ?? []) {
    if (t.id === 'timeSeriesTable') for (const refId of Object.keys(t.options)) produced.add(`Trend #${refId}`);
    if (t.id === 'organize') {
      for (const k of Object.keys((t.options.excludeByName as object) ?? {})) names.add(k);
      for (const k of Object.keys((t.options.renameByName as object) ?? {})) names.add(k);
    }
  }
  for (const layer of (panel.options?.layers as { config?: { style?: Record<string, { field?: string }> }; location?: Record<string, string> }[] | undefined) ?? []) {
    for (const s of Object.values(layer.config?.style ?? {})) if (s?.field) names.add(s.field);
    if (layer.location?.latitude) names.add(layer.location.latitude);
    if (layer.location?.longitude) names.add(layer.location.longitude);
  }
  return { names, produced };
}

function checkShape(panel: PanelJson, target: Target, r: Result) {
  const where = `${panel.title} ${target.refId}`;
  const cols = new Map(r.meta.map((m) => [m.name, m.type]));
  if (target.format === 0) {
    expect(cols.get('time'), `${where}: a time series needs a time column`).toMatch(TIME);
    expect(r.meta.some((m) => m.name !== 'time' && NUMERIC.test(m.type)), `${where}: a time series needs a value column`).toBe(true);
    const times = r.data.map((d) => String(d.time));
    expect(times, `${where}: time series rows must be in time order`).toEqual([...times].sort());
  }
  if (panel.type === 'stat') expect(r.meta.some((m) => NUMERIC.test(m.type)), `${where}: a stat needs a number`).toBe(true);
  if (panel.type === 'geomap') {
    expect(cols.get('latitude'), where).toMatch(NUMERIC);
    expect(cols.get('longitude'), where).toMatch(NUMERIC);
    for (const d of r.data) {
      expect(Number(d.latitude), where).toBeGreaterThan(15);
      expect(Number(d.latitude), where).toBeLessThan(55);
      expect(Number(d.longitude), where).toBeGreaterThan(72);
      expect(Number(d.longitude), where).toBeLessThan(136);
    }
  }
}

const built = builtDashboards();

describe.each(built.map((b) => [b.file, b] as const))('%s', (file, b) => {
  const panels = panelsOf(b.json);
  const queries = panels.flatMap((panel) => (panel.targets ?? []).filter(isClickHouse).map((target) => ({ panel, target })));

  it.each(queries.map((q) => [`${q.panel.title} ${q.target.refId}`, q] as const))('%s', async (_name, { panel, target }) => {
    const { names, produced } = referencedFields(panel);
    const columns = new Set<string>();
    for (const [i, vars] of contexts[file]!.entries()) {
      const ctx: Context = { from: fx.from, to: fx.to, intervalSeconds: intervalSeconds(panel, fx.from, fx.to), vars, options };
      const sql = expand(target.rawSql!, ctx);
      let r: Result;
      try {
        r = await run(sql);
      } catch (err) {
        throw new Error(`${panel.title} ${target.refId} with ${JSON.stringify(vars)}: ${(err as Error).message}\n${sql}`);
      }
      checkShape(panel, target, r);
      if (process.env.QRM_DASHBOARDS_DEBUG) console.log(`${file} | ${panel.title} ${target.refId} | ${JSON.stringify(vars)} | ${r.data.length} rows | ${r.meta.map((m) => m.name).join(',')}`);
      if (i === 0 && !(panel.title in mayBeEmpty)) {
        expect(r.data.length, `${panel.title} ${target.refId} returned no rows for ${JSON.stringify(vars)}`).toBeGreaterThan(0);
        // A stat of zeros everywhere would pass the row count: the data implies something to show.
        if (panel.type === 'stat') expect(Object.values(r.data[0]!).some((v) => Number(v) > 0), `${panel.title}: all zero`).toBe(true);
      }
      for (const m of r.meta) columns.add(m.name);
    }
    // Fields named in the panel's configuration come from one of its queries.
    const fromAllTargets = new Set(columns);
    for (const other of (panel.targets ?? []).filter(isClickHouse)) {
      if (other === target) continue;
      const ctx: Context = { from: fx.from, to: fx.to, intervalSeconds: intervalSeconds(panel, fx.from, fx.to), vars: contexts[file]![0]!, options };
      for (const m of (await run(expand(other.rawSql!, ctx))).meta) fromAllTargets.add(m.name);
    }
    if (target.format === 1 || panel.type !== 'timeseries') {
      for (const n of names) if (!produced.has(n)) expect(fromAllTargets, `${panel.title}: configuration names field ${n}`).toContain(n);
    }
  });

  const variables = b.json.templating.list.filter((v): v is VariableJson & { query: { rawSql: string } } => v.type === 'query');
  it.each(variables.map((v) => [v.name, v] as const))('variable %s', async (_name, v) => {
    expect(v.datasource?.type).toBe('grafana-clickhouse-datasource');
    for (const vars of contexts[file]!) {
      const sql = expand(v.query.rawSql, { from: fx.from, to: fx.to, intervalSeconds: 3600, vars, options });
      const r = await run(sql);
      // The plugin takes the first column as the value and the second as the text.
      expect(r.meta.length).toBe(2);
      expect(r.data.length).toBeGreaterThan(0);
      const values = r.data.map((d) => String(Object.values(d)[0]));
      const own = vars[v.name];
      for (const value of Array.isArray(own) ? own : own === undefined ? [] : [own]) if (value !== ALL) expect(values).toContain(value);
    }
  });
});

describe('data behind the dashboards', () => {
  it('has warnings, notifications and feedback for the incident cell', async () => {
    const n = async (sql: string) => Number(Object.values((await run(sql, 1)).data[0]!)[0]);
    expect(fx.events.length).toBeGreaterThan(0);
    expect(await n(`SELECT count() FROM warnings WHERE product_code = '${incidentCell.product}' AND region_code = '${incidentCell.region}'`)).toBeGreaterThan(0);
    expect(await n('SELECT count() FROM notification_attempts')).toBeGreaterThan(0);
    expect(await n('SELECT count() FROM warning_feedback')).toBeGreaterThan(0);
    expect(await n('SELECT count() FROM dead_letters')).toBeGreaterThan(0);
  });

  it('the level variable offers every region level scoring writes', async () => {
    const levels = (await run('SELECT DISTINCT region_level AS l FROM risk_scores ORDER BY l')).data.map((d) => d.l);
    for (const b of built) {
      const level = b.json.templating.list.find((v) => v.name === 'level');
      if (level) for (const l of levels) expect(String(level.query).split(',')).toContain(l);
    }
  });
});
