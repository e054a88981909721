import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configVariables, loadConfig } from '../../services/config/index.ts';
import { exampleRoutesFile } from '../../services/transforms/routing/index.ts';
import { tempDir } from '../support/app.ts';

// docker-compose.yml without a Docker engine: its structure, that every variable qrm reads is set or
// defaulted and every variable it sets is one qrm reads, that secrets only ever come from the
// environment, that every mounted file exists, and Debian's docker-compose (1.29) `config`, which
// interpolates and validates the file as `docker compose up` would.

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

type Service = {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number | boolean>;
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
};
type ComposeFile = { services: Record<string, Service>; volumes?: Record<string, unknown> };

const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const clusterOverride = parse(read('infra/clickhouse/cluster/docker-compose.cluster.yml'), { merge: true }) as ComposeFile;
const services = compose.services;
const envExample = read('infra/env.example');

const qrmServices = ['qrm-migrate', 'qrm-ingest', 'qrm-score', 'qrm-alert', 'qrm-simulator'];
const longRunning = ['qrm-ingest', 'qrm-score', 'qrm-alert'];

/**
 * What a compose value becomes with no variable set in the environment: its default, `required`
 * for `${VAR:?…}` (compose refuses to start without it), or '' for a bare `${VAR}`.
 */
function interpolate(value: unknown): { value: string; required: string[] } {
  const required: string[] = [];
  const text = String(value).replace(/\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string) => {
    if (op?.endsWith('?')) {
      required.push(name);
      return `<${name}>`;
    }
    if (op?.endsWith('-')) return arg;
    return '';
  });
  return { value: text, required };
}

// Variables in a compose file's YAML, comments left out.
const uncommented = (text: string) => text.split('\n').map((l) => l.replace(/(^|\s)#.*$/, '')).join('\n');
const variablesIn = (text: string) => [...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);
const requiredIn = (text: string) => [...text.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]!);

describe('docker-compose.yml', () => {
  it('has the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['clickhouse', 'grafana', 'kafka', 'kafka-init', 'mailpit', 'prometheus', 'qrm-alert', 'qrm-ingest', 'qrm-migrate', 'qrm-score', 'qrm-simulator', 'sms-gateway'].sort(),
    );
    expect(services.kafka!.image).toMatch(/^apache\/kafka:/);
    expect(services.kafka!.environment!.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(services.clickhouse!.image).toMatch(/^clickhouse\/clickhouse-server:25\.8/);
    expect(services.grafana!.image).toBe('grafana/grafana:12.4');
    expect(services.grafana!.environment!.GF_INSTALL_PLUGINS).toContain('grafana-clickhouse-datasource');
    expect(services.prometheus!.image).toMatch(/^prom\/prometheus:/);
    expect(services.mailpit!.image).toMatch(/^axllent\/mailpit:/);
  });

  it('runs every qrm service from the one image of the Dockerfile', () => {
    for (const name of qrmServices) {
      expect(services[name]!.build, name).toBe('.');
      expect(services[name]!.image, name).toBe('qrm:latest');
    }
    expect(services['qrm-migrate']!.command).toEqual(['migrate']);
    expect(services['qrm-ingest']!.command).toEqual(['run', '--services', 'ingest']);
    expect(services['qrm-score']!.command).toEqual(['run', '--services', 'score']);
    expect(services['qrm-alert']!.command).toEqual(['run', '--services', 'alert,api']);
  });

  it('starts the simulator only with --profile demo', () => {
    expect(services['qrm-simulator']!.profiles).toEqual(['demo']);
    for (const [name, s] of Object.entries(services)) if (name !== 'qrm-simulator') expect(s.profiles, name).toBeUndefined();
  });

  it('starts qrm services once the schema is migrated and the topics exist', () => {
    for (const name of longRunning) {
      expect(services[name]!.depends_on).toEqual({ 'qrm-migrate': { condition: 'service_completed_successfully' }, 'kafka-init': { condition: 'service_completed_successfully' } });
      expect(services[name]!.healthcheck!.test!.join(' '), name).toContain('/readyz');
    }
    expect(services['qrm-migrate']!.depends_on).toEqual({ clickhouse: { condition: 'service_healthy' } });
    expect(services['kafka-init']!.depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
  });

  it.each(qrmServices)('%s sets only variables that qrm reads (or its entry script)', (name) => {
    const s = services[name]!;
    const script = s.entrypoint?.[0] === '/bin/sh' ? read(s.volumes!.find((v) => v.endsWith(`:${s.entrypoint![1]}:ro`))!.split(':')[0]!.replace(/^\.\//, '')) : '';
    for (const key of Object.keys(s.environment ?? {})) {
      if (configVariables.includes(key)) continue;
      expect(script, `${name} sets ${key}, which is neither in configVariables nor read by its entry script`).toMatch(new RegExp(`\\$\\{${key}\\b`));
    }
  });

  // Each has a default in code unless it is required in a deployment: those must be set.
  const requiredInDeployment: Record<string, string[]> = {
    'qrm-migrate': ['CLICKHOUSE_URL', 'CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'KAFKA_BROKERS'],
    'qrm-ingest': ['CLICKHOUSE_URL', 'CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'KAFKA_BROKERS', 'QRM_PII_KEY'],
    'qrm-score': ['CLICKHOUSE_URL', 'CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'KAFKA_BROKERS'],
    'qrm-alert': ['CLICKHOUSE_URL', 'CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'KAFKA_BROKERS', 'SMTP_URL', 'SMS_GATEWAY_URL', 'SMS_GATEWAY_SECRET', 'QRM_API_TOKENS', 'QRM_ROUTES'],
    'qrm-simulator': ['KAFKA_BROKERS'],
  };
  it.each(Object.entries(requiredInDeployment))('%s sets what a deployment requires', (name, required) => {
    const env = services[name]!.environment ?? {};
    for (const key of required) {
      const { value, required: needs } = interpolate(env[key] ?? '');
      expect(value !== '' || needs.length > 0, `${name}: ${key} is neither set, defaulted nor required`).toBe(true);
    }
  });

  it('gives the complainant key to ingest only, and API tokens and gateway secrets to the alert service only', () => {
    for (const name of qrmServices) {
      const keys = Object.keys(services[name]!.environment ?? {});
      expect(keys.includes('QRM_PII_KEY'), name).toBe(name === 'qrm-ingest');
      expect(keys.includes('QRM_API_TOKENS'), name).toBe(name === 'qrm-alert');
      expect(keys.includes('SMS_GATEWAY_SECRET'), name).toBe(name === 'qrm-alert');
    }
  });

  it('yields a configuration qrm accepts, for every qrm service', () => {
    for (const name of qrmServices) {
      const env = Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, interpolate(v).value.replace(/<[A-Z_]+>/, name === 'qrm-alert' && k === 'QRM_API_TOKENS' ? '{"token-0123456789abcdef": {"bureau": "b", "regions": ["13"]}}' : 'secret-0123456789abcdef')]));
      const config = loadConfig({ ...env, QRM_KAFKA_DEV_FILE: '/nonexistent' });
      if (name !== 'qrm-simulator') expect(config.clickhouse.mode, name).toBe('server');
    }
  });

  it('takes every secret from the environment, never from the file', () => {
    for (const file of [compose, clusterOverride]) {
      for (const [name, s] of Object.entries(file.services)) {
        for (const [key, value] of Object.entries(s.environment ?? {})) {
          if (!/PASSWORD|SECRET|_KEY$|TOKENS?$/.test(key)) continue;
          expect(String(value), `${name}: ${key}`).toMatch(/^\$\{[A-Z0-9_]+(:\?[^}]+|:-)\}$/);
        }
      }
    }
  });

  it('lists every variable compose needs in infra/env.example', () => {
    const text = uncommented(read('docker-compose.yml') + read('infra/clickhouse/cluster/docker-compose.cluster.yml'));
    const documented = new Set([...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));
    for (const v of new Set(requiredIn(text))) {
      expect(envExample, `${v} must be set (uncommented) in infra/env.example`).toMatch(new RegExp(`^${v}=`, 'm'));
    }
    for (const v of new Set(variablesIn(text))) expect(documented.has(v), `${v} is not in infra/env.example`).toBe(true);
    for (const v of documented) if (v !== 'COMPOSE_PROJECT_NAME') expect(variablesIn(text), `infra/env.example lists ${v}, which compose does not use`).toContain(v);
  });

  it('mounts only files and directories that exist', () => {
    for (const file of [compose, clusterOverride]) {
      for (const [name, s] of Object.entries(file.services)) {
        for (const v of s.volumes ?? []) {
          const source = interpolate(v.split(':')[0]).value;
          if (!source.startsWith('.')) continue; // a named volume
          expect(existsSync(`${root}${source}`), `${name}: ${source}`).toBe(true);
        }
      }
    }
  });

  it('provisions Grafana from infra/grafana and the dashboards folder where the provider looks', () => {
    const volumes = services.grafana!.volumes!;
    expect(volumes).toContain('./infra/grafana/provisioning:/etc/grafana/provisioning:ro');
    const provider = parse(read('infra/grafana/provisioning/dashboards/qrm.yaml')) as { providers: { options: { path: string } }[] };
    expect(volumes).toContain(`./dashboards:${provider.providers[0]!.options.path}:ro`);
    expect(services.grafana!.environment!.GRAFANA_CLICKHOUSE_PASSWORD).toMatch(/^\$\{GRAFANA_CLICKHOUSE_PASSWORD:\?/);
    expect(services.clickhouse!.environment!.GRAFANA_CLICKHOUSE_PASSWORD).toBe(services.grafana!.environment!.GRAFANA_CLICKHOUSE_PASSWORD);
  });

  it('creates every topic qrm reads or writes, with partitions and retention', () => {
    const script = read('infra/kafka/create-topics.sh');
    const topics = loadConfig({ QRM_KAFKA_DEV_FILE: '/nonexistent' }).kafka.topics;
    for (const topic of Object.values(topics)) expect(script).toMatch(new RegExp(`^create ${topic.replaceAll('.', '\\.')} \\d+ \\$\\(\\(\\d+ \\* DAY\\)\\)$`, 'm'));
    expect(services.kafka!.environment!.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it('serves each qrm service on the port Prometheus scrapes', () => {
    const prometheus = parse(read('infra/prometheus/prometheus.yml')) as { scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; port: number }[] }[] };
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'qrm')!;
    expect(job.dns_sd_configs![0]!.names.sort()).toEqual([...longRunning].sort());
    for (const name of longRunning) expect(Number(services[name]!.environment!.QRM_HTTP_PORT)).toBe(job.dns_sd_configs![0]!.port);
  });

  it('runs the cluster override against the same qrm services, with CLICKHOUSE_CLUSTER', () => {
    for (const name of ['qrm-migrate', 'qrm-ingest', 'qrm-score', 'qrm-alert']) expect(clusterOverride.services[name]!.environment!.CLICKHOUSE_CLUSTER).toBe('qrm');
    expect(read('infra/clickhouse/cluster/config.d/cluster.xml')).toContain('<qrm>');
    const nodes = Object.keys(clusterOverride.services).filter((n) => n.startsWith('clickhouse') && n !== 'clickhouse-keeper');
    expect(nodes).toHaveLength(4);
    for (const n of nodes) expect(read('infra/clickhouse/cluster/config.d/cluster.xml'), n).toContain(`<host>${n}</host>`);
  });
});

const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
if (!hasCompose) console.warn('test/infra/compose.test.ts: docker-compose is not installed (apt-get install -y docker-compose); its `config` checks are skipped');

// CI (QRM_REQUIRE_TOOLS=1) installs docker-compose: there a missing tool fails instead of skipping.
describe.skipIf(!hasCompose && !process.env.QRM_REQUIRE_TOOLS)('docker-compose config (Debian docker-compose 1.29)', () => {
  const config = (...args: string[]) => spawnSync('docker-compose', ['--project-directory', root, ...args], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH } });

  it.each([
    ['the stack', ['-f', 'docker-compose.yml']],
    ['with the demo profile', ['-f', 'docker-compose.yml', '--profile', 'demo']],
    ['with the ClickHouse cluster', ['-f', 'docker-compose.yml', '-f', 'infra/clickhouse/cluster/docker-compose.cluster.yml']],
  ])('accepts %s', (_, files) => {
    const r = config('--env-file', 'infra/env.example', ...files, 'config', '-q');
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('resolves to the environment each qrm service was checked with above', () => {
    const out = execFileSync('docker-compose', ['--project-directory', root, '--env-file', 'infra/env.example', '--profile', 'demo', 'config'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH } });
    const resolved = parse(out) as ComposeFile;
    for (const name of qrmServices) {
      expect(Object.keys(resolved.services[name]!.environment!).sort(), name).toEqual(Object.keys(services[name]!.environment!).sort());
    }
    expect(JSON.parse(String(resolved.services['qrm-alert']!.environment!.QRM_API_TOKENS))).toBeTypeOf('object');
  });

  it('refuses to start without a secret, and names it', () => {
    const empty = join(tempDir('qrm-compose-'), 'empty.env');
    writeFileSync(empty, '');
    const r = config('--env-file', empty, '-f', 'docker-compose.yml', 'config', '-q');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/set (QRM_CLICKHOUSE_PASSWORD|GRAFANA_CLICKHOUSE_PASSWORD|QRM_PII_KEY|QRM_API_TOKENS|SMS_GATEWAY_SECRET|GRAFANA_ADMIN_PASSWORD)/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  it('bakes no secret and no configuration into the image', () => {
    for (const line of dockerfile.split('\n').filter((l) => /^\s*(ENV|ARG)\b/.test(l))) {
      expect(line, line).not.toMatch(/PASSWORD|SECRET|KEY|TOKEN|CLICKHOUSE_URL|KAFKA_BROKERS|SMTP_URL/);
    }
    expect(read('.dockerignore').split('\n')).toContain('.env');
  });

  it('copies the routing file qrm falls back to, where the code looks for it', () => {
    const path = relative(root, exampleRoutesFile);
    expect(dockerfile).toContain(`COPY ${path} ./${path}`);
    expect(read('.dockerignore')).toContain(`!${path}`);
  });
});
