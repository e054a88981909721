import type { Command } from 'commander';
import { warningMessage } from '../../app/score.ts';
import { runPass } from '../../app/scoring.ts';
import { connectClickHouse } from '../../clients/clickhouse.ts';
import { createKafka } from '../../clients/kafka.ts';
import { migrate } from '../../sinks/clickhouse/migrate.ts';
import { context, explainLock, fail } from '../context.ts';
import { isoTime } from '../options.ts';

export function scoreCommand(program: Command): void {
  program
    .command('score')
    .description('run one scoring pass at a given time: scores, warning events, and their messages on qrm.risk.warnings')
    .requiredOption('--at <iso>', 'evaluation time; only data known before it is used', isoTime('--at'))
    .option('--no-publish', 'store scores and warning events in ClickHouse only')
    .addHelpText('after', '\nRe-running a pass at the same time gives the same scores and events (idempotent).\nPrints one JSON object: counts per region level and the warning events.')
    .action(async (opts: { at: Date; publish: boolean }) => {
      const { config, log } = context();
      try {
        const ch = await connectClickHouse(config.clickhouse).catch((err) => {
          throw explainLock(err, config.clickhouse.dataDir);
        });
        try {
          await migrate(ch, log);
          const result = await runPass(ch, opts.at, config.app.complaintAlarmZ);
          if (opts.publish && result.events.length > 0) {
            const producer = createKafka(config.kafka, log, 'score').producer({ allowAutoTopicCreation: true });
            await producer.connect();
            try {
              await producer.send({ topic: config.kafka.topics.warnings, acks: -1, messages: result.events.map(warningMessage) });
            } finally {
              await producer.disconnect();
            }
          }
          const cells: Record<string, number> = {};
          for (const c of result.cells) cells[c.regionLevel] = (cells[c.regionLevel] ?? 0) + 1;
          process.stdout.write(`${JSON.stringify({ evaluatedAt: opts.at.toISOString(), cellsScored: cells, events: result.events })}\n`);
        } finally {
          await ch.close();
        }
      } catch (err) {
        fail(err);
      }
    });
}
