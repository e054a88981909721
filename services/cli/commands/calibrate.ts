import { Presets, SingleBar } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { calibrate, type CalibrationReport } from '../../app/calibrate.ts';
import { connectClickHouse } from '../../clients/clickhouse.ts';
import { loadConfig } from '../../config/index.ts';
import { parseSpan } from '../../lib/span.ts';
import { migrate } from '../../sinks/clickhouse/migrate.ts';
import { createLogger } from '../../telemetry/logger.ts';
import { explainLock, fail } from '../context.ts';

type Opts = { from: Date; to: Date; step: number; rate: number; dataDir?: string };

const date = (flag: string) => (v: string) => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(`${flag}: not an ISO time`);
  return d;
};

export function calibrateCommand(program: Command): void {
  program
    .command('calibrate')
    .description("propose county complaint alarm thresholds (QRM_COMPLAINT_ALARM_Z) from the stored data's own weekly warning rate")
    .requiredOption('--from <iso>', 'first evaluation time', date('--from'))
    .requiredOption('--to <iso>', 'end of the period; whole weeks from --from are used', date('--to'))
    .option('--step <span>', 'time between evaluations (1d; 1h or 6h see more of each day)', (v) => parseSpan(v), 86_400_000)
    .option('--rate <share>', 'share of county cell-weeks allowed to warn', (v) => {
      const n = Number(v);
      if (!(n > 0 && n < 1)) throw new InvalidArgumentError('--rate: a share between 0 and 1, e.g. 0.01');
      return n;
    }, 0.01)
    .option('--data-dir <dir>', 'an embedded database other than QRM_DATA_DIR, e.g. one a backtest kept with --data-dir')
    .addHelpText(
      'after',
      `
Runs a scoring pass at every step, each seeing only what was known at its time, and counts the county
cell-weeks in which a complaint window would reach its threshold. Prints one JSON object: the rate at
the current thresholds, overall and by window, and the current thresholds scaled in proportion to
the lowest that keep to --rate. Real data has no labels: genuine outbreaks count as warnings, so the
proposal errs high. Writes no scores or warnings.`,
    )
    .action(async (opts: Opts) => {
      try {
        const config = loadConfig(opts.dataDir ? { ...process.env, CLICKHOUSE_URL: '', QRM_DATA_DIR: opts.dataDir } : process.env);
        const log = createLogger(config.app.logLevel === 'info' ? 'warn' : config.app.logLevel);
        const ch = await connectClickHouse(config.clickhouse).catch((err) => {
          throw explainLock(err, config.clickhouse.dataDir);
        });
        try {
          await migrate(ch, log);
          const bar = process.stderr.isTTY ? new SingleBar({ format: 'calibrating {bar} {value}/{total} passes | eta {eta_formatted}' }, Presets.shades_classic) : undefined;
          bar?.start(1, 0);
          const report = await calibrate(ch, {
            from: opts.from,
            to: opts.to,
            stepMs: opts.step,
            alarmZ: config.app.complaintAlarmZ,
            rate: opts.rate,
            onProgress: (done, total) => {
              bar?.setTotal(total);
              bar?.update(done);
            },
          });
          bar?.stop();
          process.stderr.write(summary(report));
          process.stdout.write(`${JSON.stringify(report)}\n`);
        } finally {
          await ch.close();
        }
      } catch (err) {
        fail(err);
      }
    });
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

function summary(r: CalibrationReport): string {
  const lines = [
    `${r.weeks} weeks from ${r.from} to ${r.to}, ${r.passes} passes, ${r.cellWeeks} county cell-weeks`,
    `current   ${r.current.alarmZ}: ${r.current.warningWeeks} warning weeks, ${pct(r.current.weeklyRate)} (1d ${pct(r.current.byWindow['1d'])}, 7d ${pct(r.current.byWindow['7d'])}, 28d ${pct(r.current.byWindow['28d'])})`,
    r.suggested
      ? `suggested ${r.suggested.alarmZ}: ${r.suggested.warningWeeks} warning weeks, ${pct(r.suggested.weeklyRate)} (target ${pct(r.targetRate)}); set QRM_COMPLAINT_ALARM_Z=${r.suggested.alarmZ}`
      : `no valid thresholds keep to ${pct(r.targetRate)}`,
  ];
  return `${lines.join('\n')}\n`;
}
