import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { alertMetrics, createRegistry, ingestMetrics, scoreMetrics } from '../../services/telemetry/metrics.ts';
import { tempDir } from '../support/app.ts';

// Prometheus for the pipeline itself: the alert rules name metrics qrm really exports, promtool
// accepts the rules and the configuration, and the rules' unit tests (qrm.test.yml) pass.

const dir = fileURLToPath(new URL('../../infra/prometheus/', import.meta.url));
const rulesText = readFileSync(join(dir, 'rules/qrm.yml'), 'utf8');
const testsText = readFileSync(join(dir, 'rules/qrm.test.yml'), 'utf8');

type Rule = { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
const groups = (parse(rulesText) as { groups: { name: string; rules: Rule[] }[] }).groups;
const alerts = groups.flatMap((g) => g.rules.filter((r) => r.alert));

function exported(): Set<string> {
  const registry = createRegistry(false);
  ingestMetrics(registry);
  scoreMetrics(registry);
  alertMetrics(registry);
  return new Set(registry.getMetricsAsArray().map((m) => m.name));
}

describe('alert rules', () => {
  it('name only metrics that qrm exports', () => {
    const names = exported();
    const used = new Set(alerts.flatMap((a) => [...a.expr.matchAll(/\b(qrm_[a-z0-9_]+)/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(names.has(name.replace(/_(bucket|sum|count)$/, '')), name).toBe(true);
  });

  it('use label values qrm sets', () => {
    // outcome and status values from services/app/score.ts and services/sinks/notifications/dispatch.ts.
    for (const m of rulesText.matchAll(/outcome="([^"]+)"/g)) expect(['ok', 'failed']).toContain(m[1]);
    for (const m of rulesText.matchAll(/status=~?"([^"]+)"/g)) for (const s of m[1]!.split('|')) expect(['sent', 'failed', 'rejected', 'silenced']).toContain(s);
  });

  it('cover what the pipeline must be watched for', () => {
    const watched = (metric: string) => alerts.some((a) => a.expr.includes(metric));
    expect(watched('qrm_ingest_consumer_lag_messages')).toBe(true);
    expect(watched('qrm_ingest_dead_letters_total')).toBe(true);
    expect(watched('qrm_ingest_paused')).toBe(true);
    expect(watched('qrm_score_last_success_timestamp_seconds')).toBe(true);
    expect(watched('qrm_score_passes_total{outcome="failed"}')).toBe(true);
    expect(alerts.some((a) => a.expr.includes('qrm_alert_notifications_total{status="rejected"}'))).toBe(true);
    expect(alerts.some((a) => a.expr.includes('qrm_alert_notifications_total{status="failed"}'))).toBe(true);
  });

  it('each have a severity, a summary and a description, and at least one unit test', () => {
    const tested = new Set([...testsText.matchAll(/alertname: (\w+)/g)].map((m) => m[1]!));
    for (const a of alerts) {
      expect(['warning', 'critical'], a.alert).toContain(a.labels?.severity);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.description, a.alert).toBeTruthy();
      expect(tested.has(a.alert!), `${a.alert} has no test in qrm.test.yml`).toBe(true);
    }
  });
});

const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasPromtool) console.warn('test/infra/prometheus.test.ts: promtool is not installed (apt-get install -y prometheus); its checks are skipped');

// CI (QRM_REQUIRE_TOOLS=1) installs promtool: there a missing tool fails instead of skipping.
describe.skipIf(!hasPromtool && !process.env.QRM_REQUIRE_TOOLS)('promtool', () => {
  const promtool = (args: string[], cwd: string) => spawnSync('promtool', args, { cwd, encoding: 'utf8' });

  it('check rules', () => {
    const r = promtool(['check', 'rules', 'rules/qrm.yml'], dir);
    expect(r.stdout + r.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('test rules (infra/prometheus/rules/qrm.test.yml)', () => {
    const r = promtool(['test', 'rules', 'qrm.test.yml'], join(dir, 'rules'));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('SUCCESS');
  });

  it('check config (prometheus.yml with its rule file)', () => {
    // The configuration names the rule file where the container mounts it; check a copy that names
    // the file in this checkout instead.
    const work = tempDir('qrm-prometheus-');
    mkdirSync(join(work, 'rules'));
    copyFileSync(join(dir, 'rules/qrm.yml'), join(work, 'rules/qrm.yml'));
    const config = readFileSync(join(dir, 'prometheus.yml'), 'utf8');
    expect(config).toContain('/etc/prometheus/rules/qrm.yml');
    writeFileSync(join(work, 'prometheus.yml'), config.replace('/etc/prometheus/rules/qrm.yml', 'rules/qrm.yml'));
    const r = promtool(['check', 'config', 'prometheus.yml'], work);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/SUCCESS: 1 rule files found/);
  });
});
