import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { connectClickHouse, type ClickHouse } from '../../../services/clients/clickhouse.ts';
import { z } from 'zod';
import { clickhouseConfig, clickhouseEnv } from '../../../services/config/clickhouse.ts';
import { migrate } from '../../../services/sinks/clickhouse/migrate.ts';

// A migrated chDB database in a fresh directory. Same as openClickHouse(testConfig({})) from
// test/support/app.ts without importing the application factory: these tests need the database
// only, not the services, their configuration or Kafka.
export async function openTestDatabase(): Promise<ClickHouse> {
  // The defaults of every ClickHouse variable (embedded, database qrm), not this process's environment.
  const env = z.object(clickhouseEnv).parse({ QRM_DATA_DIR: mkdtempSync(join(tmpdir(), 'qrm-inspection-')) });
  const ch = await connectClickHouse(clickhouseConfig(env));
  await migrate(ch, pino({ level: 'silent' }));
  return ch;
}
