import { InvalidArgumentError, type Command } from 'commander';
import { acknowledge, listWarnings, reportOutcome, showWarning } from '../../app/actions.ts';
import { connectClickHouse, type ClickHouse } from '../../clients/clickhouse.ts';
import { createKafka } from '../../clients/kafka.ts';
import type { Config } from '../../config/index.ts';
import { isProductCode } from '../../domain/catalog.ts';
import { regionName } from '../../domain/regions.ts';
import { addSilence, expireSilence, listSilences } from '../../sinks/notifications/feedback.ts';
import { context, explainLock, fail } from '../context.ts';
import { span } from '../options.ts';

// Warnings and silences from the command line. They read and write ClickHouse directly, so in
// embedded mode they need the data directory to themselves (stop `qrm run`, or use the HTTP API).

async function withClickHouse<T>(config: Config, fn: (ch: ClickHouse) => Promise<T>): Promise<T> {
  const ch = await connectClickHouse(config.clickhouse, { createDatabase: false }).catch((err) => {
    throw explainLock(err, config.clickhouse.dataDir);
  });
  try {
    return await fn(ch);
  } finally {
    await ch.close();
  }
}

const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
const count = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
};
// Checked as the API and the routes file check them: otherwise `--region 1` silences five provinces
// and a misspelt product silences nothing, both without a word.
const regionPrefix = (v: string) => {
  if (!/^(\d{2}|\d{4}|\d{6})$/.test(v)) throw new InvalidArgumentError('expected a 2-, 4- or 6-digit GB/T 2260 prefix: 13, 1301 or 130184');
  if (regionName(v) === undefined) throw new InvalidArgumentError(`unknown region code ${v}`);
  return v;
};
const productCode = (v: string) => {
  if (!isProductCode(v)) throw new InvalidArgumentError(`unknown product code ${v} (see schemas/catalog/products.json)`);
  return v;
};

export function warningsCommand(program: Command): void {
  const warnings = program.command('warnings').description('list, inspect and acknowledge warnings; report inspection outcomes');
  warnings
    .command('list')
    .description('warnings, most severe first')
    .option('--open', 'only warnings that are not resolved')
    .option('--region <prefix...>', 'only these region prefixes (13, 1301, 130184)')
    .action(async (o: { open?: boolean; region?: string[] }) => {
      const { config } = context();
      try {
        const rows = await withClickHouse(config, (ch) => listWarnings(ch, { open: !!o.open, regionPrefix: o.region ?? [] }));
        for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
      } catch (err) {
        fail(err);
      }
    });
  warnings
    .command('show')
    .description('one warning: its events with evidence, notifications and feedback')
    .argument('<warning-id>')
    .action(async (id: string) => {
      const { config } = context();
      try {
        const w = await withClickHouse(config, (ch) => showWarning(ch, id));
        if (!w) throw new Error(`no warning ${id}`);
        print(w);
      } catch (err) {
        fail(err);
      }
    });
  warnings
    .command('ack')
    .description('acknowledge a warning (stops escalation; published on qrm.risk.warnings)')
    .argument('<warning-id>')
    .requiredOption('--by <bureau>', 'who acknowledges')
    .option('--comment <text>', 'what is being done', '')
    .action(async (id: string, o: { by: string; comment: string }) => {
      const { config, log } = context();
      try {
        const producer = createKafka(config.kafka, log, 'cli').producer({ allowAutoTopicCreation: true });
        await producer.connect();
        try {
          const event = await withClickHouse(config, (ch) => acknowledge(ch, producer, config.kafka.topics.warnings, id, o.by, o.comment));
          if (!event) throw new Error(`no warning ${id}`);
          print(event);
        } finally {
          await producer.disconnect();
        }
      } catch (err) {
        fail(err);
      }
    });
  warnings
    .command('outcome')
    .description('report the outcome of the inspection a warning led to')
    .argument('<warning-id>')
    .requiredOption('--by <bureau>', 'reporting bureau')
    .requiredOption('--inspected <n>', 'enterprises inspected', count)
    .requiredOption('--violations <n>', 'enterprises with violations found', count)
    .option('--comment <text>', 'findings', '')
    .action(async (id: string, o: { by: string; inspected: number; violations: number; comment: string }) => {
      const { config } = context();
      try {
        if (o.violations > o.inspected) throw new InvalidArgumentError(`--violations (${o.violations}) cannot exceed --inspected (${o.inspected})`);
        const outcome = await withClickHouse(config, (ch) => reportOutcome(ch, { warningId: id, by: o.by, comment: o.comment, enterprisesInspected: o.inspected, violationsFound: o.violations }));
        if (!outcome) throw new Error(`no warning ${id}`);
        print(outcome);
      } catch (err) {
        fail(err);
      }
    });
}

export function silenceCommand(program: Command): void {
  const silence = program.command('silence').description('time-boxed silences by product and/or region prefix');
  silence
    .command('add')
    .description('silence notifications (warnings are still scored and recorded)')
    .option('--product <code>', 'product code (default: all products)', productCode)
    .option('--region <prefix>', 'region prefix: 13, 1301 or 130184 (default: everywhere)', regionPrefix)
    .requiredOption('--for <span>', 'how long: 6h, 3d', span('--for'))
    .requiredOption('--author <name>', 'who silences')
    .requiredOption('--reason <text>', 'why')
    .action(async (o: { product?: string; region?: string; for: number; author: string; reason: string }) => {
      const { config } = context();
      try {
        if (!o.product && !o.region) throw new InvalidArgumentError('give --product, --region or both; silencing everything is not allowed');
        const id = await withClickHouse(config, (ch) => {
          // One clock reading for both ends, so a silence lasts exactly --for.
          const now = Date.now();
          return addSilence(ch, { productCode: o.product, regionPrefix: o.region, startsAt: now, endsAt: now + o.for, author: o.author, reason: o.reason }, now);
        });
        print({ silenceId: id });
      } catch (err) {
        fail(err);
      }
    });
  silence
    .command('list')
    .description('silences; --active for those in force now')
    .option('--active', 'only silences in force now')
    .action(async (o: { active?: boolean }) => {
      const { config } = context();
      try {
        for (const s of await withClickHouse(config, (ch) => listSilences(ch, o.active ? { activeAt: Date.now() } : {}))) process.stdout.write(`${JSON.stringify(s)}\n`);
      } catch (err) {
        fail(err);
      }
    });
  silence
    .command('expire')
    .description('end a silence now')
    .argument('<silence-id>')
    .action(async (id: string) => {
      const { config } = context();
      try {
        if (!(await withClickHouse(config, (ch) => expireSilence(ch, id)))) throw new Error(`no silence ${id}`);
        print({ silenceId: id, expired: true });
      } catch (err) {
        fail(err);
      }
    });
}
