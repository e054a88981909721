import type { Command } from 'commander';
import { connectClickHouse } from '../../clients/clickhouse.ts';
import { migrate } from '../../sinks/clickhouse/migrate.ts';
import { context, explainLock, fail } from '../context.ts';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create or upgrade the ClickHouse schema (idempotent; versioned files in schemas/clickhouse/)')
    .action(async () => {
      const { config, log } = context();
      try {
        const ch = await connectClickHouse(config.clickhouse);
        try {
          const { applied } = await migrate(ch, log);
          process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
        } finally {
          await ch.close();
        }
      } catch (err) {
        fail(explainLock(err, config.clickhouse.dataDir));
      }
    });
}
