import type { Command } from 'commander';
import { isAlive, kcatAvailable, installHint, readDevEnv, removeDevEnv, startMockCluster, stopMockCluster, writeDevEnv } from '../../lib/kafka-mock.ts';
import { fail } from '../context.ts';

export function kafkaDevCommand(program: Command): void {
  program
    .command('kafka-dev')
    .description("start librdkafka's mock Kafka cluster (through kcat) for local use; installs nothing")
    .option('--stop', 'stop the mock cluster this command started')
    .option('--brokers <n>', 'number of mock brokers', '3')
    .option('--file <path>', 'where to write KAFKA_BROKERS for qrm and the tests', process.env.QRM_KAFKA_DEV_FILE || '.qrm/kafka-dev.env')
    .addHelpText('after', `\nThe cluster keeps nothing on disk and about 5 MB per partition; it runs until --stop.\nqrm commands run from this directory pick up the brokers from --file unless KAFKA_BROKERS is set.`)
    .action(async (opts: { stop?: boolean; brokers: string; file: string }) => {
      try {
        const current = readDevEnv(opts.file);
        if (opts.stop) {
          const stopped = current.pid ? stopMockCluster(current.pid) : false;
          removeDevEnv(opts.file);
          process.stdout.write(stopped ? `stopped mock cluster (process ${current.pid})\n` : 'no mock cluster was running\n');
          return;
        }
        if (current.pid && current.brokers && isAlive(current.pid)) {
          process.stdout.write(`mock cluster already running (process ${current.pid})\nKAFKA_BROKERS=${current.brokers}\n`);
          return;
        }
        if (!kcatAvailable()) {
          process.stderr.write(`${installHint}\nOr point KAFKA_BROKERS at any Kafka cluster.\n`);
          process.exit(69);
        }
        const cluster = await startMockCluster(opts.file.replace(/\.env$/, '') + '.log', Number(opts.brokers));
        writeDevEnv(opts.file, cluster);
        process.stdout.write(`mock Kafka cluster running (process ${cluster.pid}); brokers written to ${opts.file}\nKAFKA_BROKERS=${cluster.brokers}\n`);
      } catch (err) {
        fail(err);
      }
    });
}
