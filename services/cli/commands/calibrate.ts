import { Presets, SingleBar } from 'cli-progress';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { calibrate, type CalibrationReport, type Measure } from '../../app/calibrate.ts';
import { connectClickHouse } from '../../clients/clickhouse.ts';
import { loadConfig } from '../../config/index.ts';
import { migrate } from '../../sinks/clickhouse/migrate.ts';
import { createLogger } from '../../telemetry/logger.ts';
import { explainLock, fail } from '../context.ts';
import { isoTime, span } from '../options.ts';

type Opts = { from: Date; to: Date; step: number; rate: number; measure: Measure; dataDir?: string };

export function calibrateCommand(program: Command): void {
  program
    .command('calibrate')
    .description("propose county complaint alarm thresholds (QRM_COMPLAINT_ALARM_Z) from the stored data's own weekly warning rate")
    .requiredOption('--from <iso>', 'first evaluation time', isoTime('--from'))
    .requiredOption('--to <iso>', 'end of the period; whole weeks from --from are used', isoTime('--to'))
    // More than a week would leave weeks without a pass, still counted in the denominator.
    .addOption(new Option('--step <span>', 'time between evaluations, at most 7d (1h or 6h see more of each day)').argParser(span('--step', 7 * 86_400_000)).default(86_400_000, '1d'))
    .option('--rate <share>', 'share of county cell-weeks allowed to warn', (v) => {
      const n = Number(v);
      if (!(n > 0 && n < 1)) throw new InvalidArgumentError('--rate: a share between 0 and 1, e.g. 0.01');
      return n;
    }, 0.01)
    .addOption(
      new Option('--measure <what>', 'what --rate counts: cell-weeks in which a warning opens (each an inspection), or in which one is open')
        .choices(['openings', 'alarm-weeks'])
        .default('openings'),
    )
    .option('--data-dir <dir>', 'an embedded database other than QRM_DATA_DIR, e.g. one a backtest kept with --data-dir')
    .addHelpText(
      'after',
      `
Runs a scoring pass at every step, each seeing only what was known at its time, and follows each
county cell's complaint signal through the warning rule (open at level IV, hold 10 points lower).
Prints one JSON object: the share of county cell-weeks with a warning opening and with one open at
the current thresholds, and the current thresholds scaled in proportion to the lowest that keep to
--rate. The weeks of warnings that inspections confirmed (qrm warnings outcome with violations) are
left out; other genuine outbreaks count as warnings, so the proposal errs high. Writes no scores or
warnings.`,
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
            measure: opts.measure,
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
  const rates = (x: CalibrationReport['suggested'] & object) =>
    `${x.openings} cell-weeks with an opening (${pct(x.openingRate)}), ${x.alarmWeeks} with a warning open (${pct(x.alarmWeekRate)})`;
  const lines = [
    `${r.weeks} weeks from ${r.from} to ${r.to}, ${r.passes} passes, ${r.cellWeeks} county cell-weeks; left out ${r.confirmed.cellWeeksLeftOut} cell-weeks for the ${r.confirmed.warnings} warnings inspections confirmed`,
    `current   ${r.current.alarmZ}: ${rates(r.current)}; a window at its threshold: 1d ${pct(r.current.byWindow['1d'])}, 7d ${pct(r.current.byWindow['7d'])}, 28d ${pct(r.current.byWindow['28d'])}`,
    r.suggested
      ? `suggested ${r.suggested.alarmZ}: ${rates(r.suggested)}; target ${r.target.measure} ${pct(r.target.rate)}\nset QRM_COMPLAINT_ALARM_Z=${r.suggested.alarmZ}`
      : `no valid thresholds keep ${r.target.measure} to ${pct(r.target.rate)}`,
  ];
  return `${lines.join('\n')}\n`;
}
