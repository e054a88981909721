import type { Command } from 'commander';
import { build, parseServices, serviceNames } from '../../app/index.ts';
import { connectClickHouse } from '../../clients/clickhouse.ts';
import { createKafka } from '../../clients/kafka.ts';
import { migrate } from '../../sinks/clickhouse/migrate.ts';
import { createRegistry } from '../../telemetry/metrics.ts';
import { context, explainLock, fail } from '../context.ts';

export function runCommand(program: Command): void {
  program
    .command('run')
    .description('run the long-running services in this process (migrates the schema first)')
    .option('--services <list>', `comma-separated subset of: ${serviceNames.join(', ')}`, serviceNames.join(','))
    .option('--shutdown-deadline <ms>', 'how long a graceful stop may take before in-flight work is abandoned', '30000')
    .addHelpText('after', '\nSIGINT/SIGTERM: stop consuming, store and commit the in-flight batch, close. A second signal exits at once.')
    .action(async (opts: { services: string; shutdownDeadline: string }) => {
      const { config, log } = context();
      try {
        const names = parseServices(opts.services);
        const ch = await connectClickHouse(config.clickhouse).catch((err) => {
          throw explainLock(err, config.clickhouse.dataDir);
        });
        await migrate(ch, log);
        const app = build(config, { log, registry: createRegistry(), ch, kafka: createKafka(config.kafka, log) }, names);

        let signals = 0;
        const shutdown = async (signal: string) => {
          if (++signals > 1) {
            log.warn({ signal }, 'second signal: exiting now');
            process.exit(130);
          }
          log.info({ signal }, 'shutting down');
          try {
            await app.stop(Number(opts.shutdownDeadline));
            await ch.close();
            log.info('stopped');
            log.flush();
            process.exit(0);
          } catch (err) {
            log.error({ err: (err as Error).message }, 'shutdown failed');
            log.flush();
            process.exit(1);
          }
        };
        process.on('SIGINT', () => void shutdown('SIGINT'));
        process.on('SIGTERM', () => void shutdown('SIGTERM'));

        const { port } = await app.start();
        log.info({ services: names, port, clickhouse: config.clickhouse.mode, brokers: config.kafka.brokers }, 'qrm running');
      } catch (err) {
        fail(err);
      }
    });
}
