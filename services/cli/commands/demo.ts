import { InvalidArgumentError, type Command } from 'commander';
import { runDemo } from '../../demo/run.ts';
import { fail } from '../context.ts';

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
};

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the whole system on this machine: mock Kafka, embedded ClickHouse, all services, simulated incidents, email and SMS catchers')
    .option('--days <n>', 'days of simulated history', positive, 63)
    .option('--rate <n>', 'messages per second of simulated time', positive, 0.02)
    .option('--seed <n>', 'simulator seed', positive, 7)
    .option('--timeout <seconds>', 'stop after this long', positive, 150)
    .option('--until-warning', 'stop once a level I–II county warning has been emailed and texted')
    .option('--out <dir>', 'where emails, the report, logs and the database go (default: a temporary directory)')
    .action(async (o: { days: number; rate: number; seed: number; timeout: number; untilWarning?: boolean; out?: string }) => {
      try {
        const counts = await runDemo({ days: o.days, rate: o.rate, seed: o.seed, timeoutSeconds: o.timeout, untilWarning: !!o.untilWarning, out: o.out }, (line) => process.stdout.write(`${line}\n`));
        process.exit(counts.warnings > 0 ? 0 : 1);
      } catch (err) {
        fail(err);
      }
    });
}
