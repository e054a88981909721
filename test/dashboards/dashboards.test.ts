import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dashboards, render } from '../../dashboards/src/index.ts';
import { dashboardLink } from '../../services/sinks/notifications/dispatch.ts';
import { builtDashboards, isClickHouse, isPrometheus, panelsOf } from './dashboard-json.ts';

// The dashboards as files: what is committed is what the code builds, and the JSON follows the rules
// Grafana, the ClickHouse plugin and the read-only ClickHouse user impose.

const built = builtDashboards();

describe('generated files', () => {
  it.each(Object.keys(dashboards))('dashboards/%s is what dashboards/src builds (run npm run dashboards)', (file) => {
    const committed = readFileSync(new URL(`../../dashboards/${file}`, import.meta.url), 'utf8');
    expect(committed).toBe(render(dashboards[file]!));
  });

  it('have distinct uids and titles, and panel ids unique within a dashboard', () => {
    expect(new Set(built.map((b) => b.json.uid)).size).toBe(built.length);
    expect(new Set(built.map((b) => b.json.title)).size).toBe(built.length);
    for (const b of built) {
      const ids = b.json.panels.flatMap((p) => [p.id, ...(p.panels ?? []).map((q) => q.id)]);
      expect(new Set(ids).size, b.file).toBe(ids.length);
      expect(ids.every((id) => Number.isInteger(id) && id > 0), b.file).toBe(true);
    }
  });

  it('the cell view answers the link every alert carries', () => {
    const url = new URL(dashboardLink('http://grafana', { productCode: 'toy', regionCode: '440515', regionLevel: 'county' }));
    const uid = url.pathname.split('/')[2];
    const cell = built.find((b) => b.json.uid === uid);
    expect(cell, `no dashboard with uid ${uid}`).toBeDefined();
    const names = cell!.json.templating.list.map((v) => v.name);
    for (const key of url.searchParams.keys()) expect(names).toContain(key.replace(/^var-/, ''));
  });
});

// Tables whose engine replaces or aggregates rows: without FINAL (or an explicit -Merge), a row
// delivered twice and not merged yet counts twice.
const replacing = ['complaints', 'media_items', 'spot_checks', 'dead_letters', 'products', 'regions', 'risk_scores', 'warnings', 'notifications', 'silences', 'warning_feedback', 'region_centroids'];
const aggregating = ['complaints_hourly', 'complaints_enterprise_daily', 'spot_checks_daily', 'spot_check_failures_enterprise', 'media_hourly_counted'];
const plain = ['notification_attempts'];

const targets = built.flatMap((b) => panelsOf(b.json).flatMap((panel) => (panel.targets ?? []).map((target) => ({ file: b.file, panel, target }))));
const chTargets = targets.filter((t) => isClickHouse(t.target));
const variableQueries = built.flatMap((b) => b.json.templating.list.filter((v) => v.type === 'query').map((v) => ({ file: b.file, name: v.name, sql: (v.query as { rawSql: string }).rawSql })));
const allSql = [
  ...chTargets.map((t) => ({ where: `${t.file} ${t.panel.title} ${t.target.refId}`, sql: t.target.rawSql! })),
  ...variableQueries.map((v) => ({ where: `${v.file} variable ${v.name}`, sql: v.sql })),
];

describe('ClickHouse queries', () => {
  it('use the ClickHouse plugin through the datasource variable, as raw SQL with a matching format', () => {
    for (const { file, panel, target } of chTargets) {
      const where = `${file} ${panel.title} ${target.refId}`;
      expect(target.datasource, where).toEqual({ type: 'grafana-clickhouse-datasource', uid: '${datasource}' });
      expect((target as { editorType?: string }).editorType, where).toBe('sql');
      expect([0, 1], where).toContain(target.format);
      expect(target.queryType, where).toBe(target.format === 0 ? 'timeseries' : 'table');
    }
    for (const b of built) {
      for (const panel of panelsOf(b.json)) {
        const refIds = (panel.targets ?? []).map((t) => t.refId);
        expect(new Set(refIds).size, `${b.file} ${panel.title}`).toBe(refIds.length);
        expect(refIds.every(Boolean), `${b.file} ${panel.title}`).toBe(true);
      }
    }
  });

  it.each(allSql.map((s) => [s.where, s.sql] as const))('%s reads replacing tables with FINAL and only reads', (where, sql) => {
    // The Grafana user is read-only: one SELECT, no SETTINGS clause of its own, no statement separator.
    expect(sql.trimStart(), where).toMatch(/^(SELECT|WITH)\b/i);
    const code = sql.replace(/'(?:[^'\\]|\\.)*'/g, "''");
    expect(code, where).not.toMatch(/\bSETTINGS\b/i);
    expect(code, where).not.toContain(';');
    for (const m of sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)(?:\s+AS\s+\w+)?(\s+FINAL\b)?/gi)) {
      const table = m[1]!;
      if (replacing.includes(table)) expect(m[2], `${where}: ${table} without FINAL`).toBeTruthy();
      if (plain.includes(table)) expect(m[2], `${where}: FINAL on a plain MergeTree fails`).toBeFalsy();
      if (aggregating.includes(table)) expect(sql, `${where}: ${table} must be read with -Merge`).toMatch(/Merge\(/);
    }
  });

  it('name only tables that exist in the schema', () => {
    const dir = new URL('../../schemas/clickhouse/', import.meta.url);
    const schema = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => readFileSync(new URL(f, dir), 'utf8'))
      .join('\n');
    const known = new Set([...schema.matchAll(/CREATE TABLE IF NOT EXISTS \{\{db\}\}\.(\w+)/g)].map((m) => m[1]));
    for (const { where, sql } of allSql) {
      // Identifiers after FROM or JOIN, except ARRAY JOIN (a column) and function calls (WITH FILL FROM).
      for (const m of sql.matchAll(/\b(?:FROM|(?<!ARRAY )JOIN)\s+(\w+)\b(?!\s*\()/g)) expect(known, `${where} reads ${m[1]}`).toContain(m[1]);
    }
  });
});

describe('Prometheus queries', () => {
  it('go through the prometheus datasource variable', () => {
    const prom = targets.filter((t) => isPrometheus(t.target));
    expect(prom.length).toBeGreaterThan(10);
    for (const { file, panel, target } of prom) {
      expect(target.datasource, `${file} ${panel.title}`).toEqual({ type: 'prometheus', uid: '${prometheus}' });
      expect(target.expr, `${file} ${panel.title}`).toBeTruthy();
    }
    for (const { file, panel, target } of targets) {
      expect(isClickHouse(target) || isPrometheus(target), `${file} ${panel.title}: unknown datasource`).toBe(true);
    }
  });
});
