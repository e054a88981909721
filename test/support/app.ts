import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { AlertDeps } from '../../services/app/alert.ts';
import { build, type ServiceName } from '../../services/app/index.ts';
import { connectClickHouse, type ClickHouse } from '../../services/clients/clickhouse.ts';
import { createKafka } from '../../services/clients/kafka.ts';
import { loadConfig, type Config } from '../../services/config/index.ts';
import { migrate } from '../../services/sinks/clickhouse/migrate.ts';
import { createRegistry } from '../../services/telemetry/metrics.ts';
import { brokers } from './kafka.ts';

// Builds qrm in the test process against real components: chDB in a fresh directory (one per test
// file, since chDB allows one directory per process), the shared Kafka cluster, a fresh registry.

export function tempDir(prefix = 'qrm-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testConfig(env: Record<string, string>): Config {
  return loadConfig({
    KAFKA_BROKERS: brokers(),
    QRM_HTTP_PORT: '0',
    QRM_PII_KEY: 'test-key-0123456789abcdef',
    QRM_INGEST_BATCH_MAX_WAIT_MS: '100',
    LOG_LEVEL: 'silent',
    QRM_KAFKA_SESSION_TIMEOUT_MS: '6000',
    QRM_KAFKA_DEV_FILE: '/nonexistent',
    // Never the repository's ./data: each test file gets its own database unless it says otherwise.
    QRM_DATA_DIR: tempDir(),
    ...env,
  });
}

export async function openClickHouse(config: Config): Promise<ClickHouse> {
  const ch = await connectClickHouse(config.clickhouse);
  await migrate(ch, pino({ level: 'silent' }));
  return ch;
}

export function buildApp(config: Config, ch: ClickHouse, services: ServiceName[] = ['ingest'], alert: Partial<AlertDeps> = {}) {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const registry = createRegistry(false);
  const app = build(config, { log, registry, ch, kafka: createKafka(config.kafka, log), alert }, services);
  return { app, registry };
}

export async function count(ch: ClickHouse, sql: string, params: Record<string, unknown> = {}): Promise<number> {
  const r = await ch.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  const rows = (await r.json()) as Record<string, unknown>[];
  return Number(Object.values(rows[0] ?? { n: 0 })[0]);
}
