import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { eventSpan, evaluate, loadEvents } from '../../app/backtest.ts';
import { connectClickHouse } from '../../clients/clickhouse.ts';
import { loadConfig } from '../../config/index.ts';
import { migrate } from '../../sinks/clickhouse/migrate.ts';
import { createLogger } from '../../telemetry/logger.ts';
import { fail } from '../context.ts';
import { isoTime, span } from '../options.ts';

type Opts = { events: string; from?: Date; to?: Date; step: number; out?: string; dataDir?: string };

export function backtestCommand(program: Command): void {
  program
    .command('backtest')
    .description('replay an events file into a fresh embedded ClickHouse and run live scoring and warnings at every step')
    .requiredOption('--events <file>', 'NDJSON lines {"topic": "<feed topic>", "value": <message>} (qrm simulate --out writes them)')
    .option('--from <iso>', 'first evaluation time (default: 90 days after the first event)', isoTime('--from'))
    .option('--to <iso>', 'last evaluation time (default: the last event)', isoTime('--to'))
    .addOption(new Option('--step <span>', 'time between evaluations (1h, 6h, 1d)').argParser(span('--step')).default(86_400_000, '1d'))
    .option('--out <file>', 'warning events as NDJSON (default: stdout)')
    .option('--data-dir <dir>', 'keep the database here instead of a temporary directory')
    .addHelpText('after', '\nRejected lines are counted on stderr, not fatal. Each pass sees only what was known at its time.')
    .action(async (opts: Opts) => {
      const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'qrm-backtest-'));
      try {
        const config = loadConfig({ ...process.env, CLICKHOUSE_URL: '', QRM_DATA_DIR: dataDir });
        const log = createLogger(config.app.logLevel === 'info' ? 'warn' : config.app.logLevel);
        const ch = await connectClickHouse(config.clickhouse);
        try {
          await migrate(ch, log);
          // A backtest's phone hashes never leave its own temporary database; a random key is as good.
          const report = await loadEvents(ch, config, opts.events, config.app.piiKey ?? crypto.randomUUID());
          process.stderr.write(`loaded ${report.accepted} events; rejected ${report.rejected}${report.rejected ? ` ${JSON.stringify(report.reasons)}` : ''}\n`);
          const span = await eventSpan(ch);
          if (!span) throw new Error('no events to evaluate');
          const from = opts.from ?? new Date(span.first.getTime() + 90 * 86_400_000);
          const to = opts.to ?? span.last;
          if (from > to) throw new InvalidArgumentError(`--from ${from.toISOString()} is after --to ${to.toISOString()}`);
          const out = opts.out ? createWriteStream(opts.out) : process.stdout;
          const bar = process.stderr.isTTY ? new SingleBar({ format: 'scoring {bar} {value}/{total} passes | {events} warning events | eta {eta_formatted}' }, Presets.shades_classic) : undefined;
          let written = 0;
          bar?.start(Math.floor((to.getTime() - from.getTime()) / opts.step) + 1, 0, { events: 0 });
          const result = await evaluate(ch, {
            from,
            to,
            stepMs: opts.step,
            alarmZ: config.app.complaintAlarmZ,
            log,
            onEvents: (events) => {
              for (const e of events) out.write(`${JSON.stringify(e)}\n`);
              written += events.length;
            },
            onProgress: (done) => bar?.update(done, { events: written }),
          });
          bar?.stop();
          if (out !== process.stdout) await new Promise<void>((r) => out.end(r));
          process.stderr.write(`evaluated ${result.passes} passes from ${from.toISOString()} to ${to.toISOString()}; ${result.events} warning events\n`);
        } finally {
          await ch.close();
        }
      } catch (err) {
        fail(err);
      } finally {
        if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      }
    });
}
