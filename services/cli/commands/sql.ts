import type { Command } from 'commander';
import { connectClickHouse } from '../../clients/clickhouse.ts';
import { context, explainLock, fail } from '../context.ts';

export function sqlCommand(program: Command): void {
  program
    .command('sql')
    .description('run a read-only query against the configured ClickHouse and print JSONEachRow')
    .argument('<query>', 'SQL; unqualified tables resolve in CLICKHOUSE_DATABASE')
    .option('-p, --param <name=value...>', 'query parameters, used as {name:Type} in the query')
    .addHelpText('after', '\nExample:\n  qrm sql "SELECT feed, reason_code, count() n FROM dead_letters GROUP BY ALL"\n\nIn embedded mode this needs the data directory to itself: stop `qrm run` first.')
    .action(async (query: string, opts: { param?: string[] }) => {
      const { config } = context();
      try {
        const ch = await connectClickHouse(config.clickhouse, { createDatabase: false });
        try {
          const params = Object.fromEntries((opts.param ?? []).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
          const result = await ch.client.query({
            query,
            format: 'JSONEachRow',
            query_params: params,
            // The engine enforces read-only (2: settings may change, data and schema may not), so no
            // statement can slip past a hand-written check.
            clickhouse_settings: { readonly: '2' },
          });
          process.stdout.write(await result.text());
        } finally {
          await ch.close();
        }
      } catch (err) {
        fail(explainLock(err, config.clickhouse.dataDir));
      }
    });
}
