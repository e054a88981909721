import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertMetrics, createRegistry, ingestMetrics, scoreMetrics } from '../../services/telemetry/metrics.ts';
import { tempDir } from '../support/app.ts';
import { builtDashboards, isPrometheus, panelsOf } from './dashboard-json.ts';

// The pipeline panels' PromQL against what qrm exposes: every metric a query names exists in
// services/telemetry/metrics.ts with the labels the query groups by and the legend prints, and,
// where Debian's promtool is installed, every expression parses.

const registry = createRegistry(false);
ingestMetrics(registry);
scoreMetrics(registry);
alertMetrics(registry);

// Exposed series names (histograms add _bucket with `le`, _sum and _count) and their labels.
const series = new Map<string, Set<string>>();
for (const m of registry.getMetricsAsArray() as unknown as { name: string; type: string; labelNames: string[] }[]) {
  const labels = new Set(m.labelNames);
  if (m.type === 'histogram') {
    series.set(`${m.name}_bucket`, new Set([...labels, 'le']));
    series.set(`${m.name}_sum`, labels);
    series.set(`${m.name}_count`, labels);
  } else {
    series.set(m.name, labels);
  }
}

const queries = builtDashboards().flatMap((b) =>
  panelsOf(b.json).flatMap((panel) =>
    (panel.targets ?? []).filter(isPrometheus).map((t) => ({ where: `${b.file} ${panel.title} ${t.refId}`, expr: t.expr!, legend: t.legendFormat ?? '' })),
  ),
);

describe('pipeline PromQL', () => {
  it.each(queries.map((q) => [q.where, q] as const))('%s names exposed metrics and labels', (_w, q) => {
    const names = [...q.expr.matchAll(/\bqrm_\w+/g)].map((m) => m[0]);
    expect(names.length).toBeGreaterThan(0);
    const labels = new Set<string>();
    for (const name of names) {
      expect([...series.keys()], `${q.where}: ${name} is not exposed`).toContain(name);
      for (const l of series.get(name)!) labels.add(l);
    }
    for (const m of q.expr.matchAll(/\bby \(([^)]*)\)/g)) {
      for (const l of m[1]!.split(',').map((s) => s.trim())) expect([...labels], `${q.where}: grouped by ${l}`).toContain(l);
    }
    const grouped = new Set([...q.expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim())));
    for (const m of q.legend.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) expect([...grouped], `${q.where}: legend prints ${m[1]}`).toContain(m[1]);
  });

  let promtool = false;
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    promtool = true;
  } catch {
    promtool = false;
  }

  // Debian's `prometheus` package brings promtool; CI installs it and sets QRM_REQUIRE_TOOLS=1, so
  // there a missing promtool fails instead of skipping.
  it.skipIf(!promtool && !process.env.QRM_REQUIRE_TOOLS)('every expression parses (promtool check rules)', () => {
    const rules = queries.map((q, i) => `      - record: qrm:dashboard_check:${i}\n        expr: ${JSON.stringify(q.expr.replaceAll('$__rate_interval', '5m'))}`).join('\n');
    const file = join(tempDir('qrm-promql-'), 'rules.yml');
    writeFileSync(file, `groups:\n  - name: dashboards\n    rules:\n${rules}\n`);
    execFileSync('promtool', ['check', 'rules', file], { stdio: 'pipe' });
  });
});
