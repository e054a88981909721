import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { connectClickHouse, type ClickHouse } from '../../../services/clients/clickhouse.ts';
import { CHDB_ARGS, CHDB_MALLOC_CONF, splitChdbArgs } from '../../../services/config/clickhouse.ts';
import { migrate } from '../../../services/sinks/clickhouse/migrate.ts';

// A migrated chDB database in a fresh directory. Same as openClickHouse(testConfig({})) from
// test/support/app.ts without importing the application factory: these tests need the database
// only, not the services, their configuration or Kafka.
export async function openTestDatabase(): Promise<ClickHouse> {
  const ch = await connectClickHouse({
    mode: 'embedded',
    url: undefined,
    user: 'default',
    password: '',
    database: 'qrm',
    cluster: undefined,
    dataDir: mkdtempSync(join(tmpdir(), 'qrm-inspection-')),
    chdbArgs: splitChdbArgs(CHDB_ARGS),
    chdbMallocConf: CHDB_MALLOC_CONF,
  });
  await migrate(ch, pino({ level: 'silent' }));
  return ch;
}
