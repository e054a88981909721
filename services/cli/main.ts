import { Command } from 'commander';
import { backtestCommand } from './commands/backtest.ts';
import { calibrateCommand } from './commands/calibrate.ts';
import { demoCommand } from './commands/demo.ts';
import { kafkaDevCommand } from './commands/kafka-dev.ts';
import { migrateCommand } from './commands/migrate.ts';
import { reportCommand } from './commands/report.ts';
import { routesCommand } from './commands/routes.ts';
import { runCommand } from './commands/run.ts';
import { scoreCommand } from './commands/score.ts';
import { simulateCommand } from './commands/simulate.ts';
import { sqlCommand } from './commands/sql.ts';
import { silenceCommand, warningsCommand } from './commands/warnings.ts';

// The `qrm` command: only wiring. Each command lives in its own file under commands/.

const program = new Command('qrm')
  .description('product-quality risk monitor: Kafka feeds → ClickHouse → risk scores and early warnings')
  .version('0.1.0')
  .showHelpAfterError()
  .addHelpText('after', '\nConfiguration comes from environment variables; see README.md.');

runCommand(program);
migrateCommand(program);
sqlCommand(program);
kafkaDevCommand(program);
simulateCommand(program);
scoreCommand(program);
backtestCommand(program);
calibrateCommand(program);
warningsCommand(program);
silenceCommand(program);
routesCommand(program);
reportCommand(program);
demoCommand(program);

await program.parseAsync(process.argv);
