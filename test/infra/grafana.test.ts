import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

// Grafana's provisioning (infra/grafana/provisioning) against what it points at: the compose
// services and ports, the read-only ClickHouse user, and the data sources dashboards/*.json use.
// Grafana itself cannot be installed here; docker-compose.yml provisions a real one from these files.

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

type Datasource = { name: string; uid: string; type: string; url?: string; isDefault?: boolean; jsonData?: Record<string, unknown>; secureJsonData?: Record<string, string> };
const datasources = (parse(read('infra/grafana/provisioning/datasources/qrm.yaml')) as { datasources: Datasource[] }).datasources;
const providers = (parse(read('infra/grafana/provisioning/dashboards/qrm.yaml')) as { providers: { type: string; options: { path: string } }[] }).providers;
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, { environment?: Record<string, string>; volumes?: string[] }> };

describe('Grafana provisioning', () => {
  it('provides ClickHouse as uid "clickhouse" through the read-only grafana user', () => {
    const ch = datasources.find((d) => d.uid === 'clickhouse')!;
    expect(ch.type).toBe('grafana-clickhouse-datasource');
    expect(ch.isDefault).toBe(true);
    expect(ch.jsonData).toMatchObject({ host: 'clickhouse', port: 8123, protocol: 'http', username: 'grafana' });
    expect(ch.jsonData!.defaultDatabase).toBe(compose.services['qrm-ingest']!.environment!.CLICKHOUSE_DATABASE);
    expect(compose.services.clickhouse).toBeDefined();
    expect(read('infra/clickhouse/users.d/qrm.xml')).toMatch(/<grafana>[\s\S]*<profile>grafana_readonly<\/profile>/);
    // The password is read from Grafana's environment, which compose fills from the deployment's.
    expect(ch.secureJsonData!.password).toBe('$GRAFANA_CLICKHOUSE_PASSWORD');
    expect(compose.services.grafana!.environment!.GRAFANA_CLICKHOUSE_PASSWORD).toMatch(/^\$\{GRAFANA_CLICKHOUSE_PASSWORD:\?/);
  });

  it('provides Prometheus as uid "prometheus"', () => {
    const p = datasources.find((d) => d.uid === 'prometheus')!;
    expect(p.type).toBe('prometheus');
    expect(p.url).toBe('http://prometheus:9090');
    expect(compose.services.prometheus).toBeDefined();
  });

  it('loads dashboards from the folder compose mounts dashboards/ at', () => {
    expect(providers).toHaveLength(1);
    expect(providers[0]!.type).toBe('file');
    expect(compose.services.grafana!.volumes).toContain(`./dashboards:${providers[0]!.options.path}:ro`);
  });

  // Written by the dashboards' generator; checked here only for what provisioning must satisfy.
  const dashboards = existsSync(join(root, 'dashboards')) ? readdirSync(join(root, 'dashboards')).filter((f) => f.endsWith('.json')) : [];
  it.skipIf(dashboards.length === 0).each(dashboards)('%s uses only provisioned data sources', (file) => {
    const dashboard = JSON.parse(read(`dashboards/${file}`)) as { templating?: { list?: { name: string; type: string; query?: string }[] } };
    const variables = new Map((dashboard.templating?.list ?? []).filter((v) => v.type === 'datasource').map((v) => [v.name, v.query]));
    const refs: { type?: string; uid?: string }[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'datasource' && v && typeof v === 'object' && !Array.isArray(v)) refs.push(v as { type?: string; uid?: string });
          walk(v);
        }
      }
    };
    walk(dashboard);
    const types = new Set(datasources.map((d) => d.type));
    const uids = new Set(datasources.map((d) => d.uid));
    for (const ref of refs) {
      if (!ref.uid || ref.uid.startsWith('-- ') || ref.uid === 'grafana') continue;
      const variable = /^\$\{?(\w+)\}?$/.exec(ref.uid)?.[1];
      if (variable) {
        expect(variables.has(variable), `${file}: \${${variable}} is not a data source variable`).toBe(true);
        expect(types.has(variables.get(variable)!), `${file}: \${${variable}} selects ${variables.get(variable)}, which is not provisioned`).toBe(true);
      } else {
        expect(uids.has(ref.uid), `${file}: data source uid ${ref.uid} is not provisioned`).toBe(true);
      }
    }
  });
});
