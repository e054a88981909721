import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { connectClickHouse } from '../../clients/clickhouse.ts';
import { parseReportTime, reportKinds, type ReportKind } from '../../transforms/reports/period.ts';
import { reportData } from '../../transforms/reports/data.ts';
import { renderReport } from '../../transforms/reports/render.ts';
import { context, explainLock, fail } from '../context.ts';

export function reportCommand(program: Command): void {
  program
    .command('report')
    .description('render a daily, weekly or monthly risk report as HTML (the one the schedule emails)')
    .argument('<kind>', `one of ${reportKinds.join(', ')}`, (v) => {
      if (!(reportKinds as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${reportKinds.join(', ')}`);
      return v as ReportKind;
    })
    .option('--at <time>', 'cut-off: a date or date-time in Beijing time, or ISO with Z/offset (default: now)', (v) => {
      const d = parseReportTime(v);
      if (!d) throw new InvalidArgumentError('expected YYYY-MM-DD, YYYY-MM-DDTHH:mm (Beijing time) or an ISO time with Z or an offset');
      return d;
    })
    .option('--out <file>', 'write the HTML to this file (default: stdout)')
    .option('--region <prefix>', "a bureau's region: 2, 4 or 6 leading digits of the GB/T 2260 code", (v) => {
      if (!/^\d{2}(\d{2}(\d{2})?)?$/.test(v)) throw new InvalidArgumentError('expected 2, 4 or 6 digits, e.g. 13, 1301 or 130184');
      return v;
    })
    .addHelpText(
      'after',
      [
        '',
        'Periods (Beijing time): daily = the 24 hours before --at, weekly = the 7 days before --at,',
        'monthly = the last complete calendar month before --at. --at 2026-10-05 means 2026-10-05 00:00 in Beijing.',
        '',
        'Example:',
        '  qrm report weekly --at 2026-10-05 --out report.html',
        '  qrm report daily --region 130184 --out xinle.html',
        '',
        'The HTML is self-contained (charts as inline SVG). In embedded mode this needs the data directory to itself: stop `qrm run` first.',
      ].join('\n'),
    )
    .action(async (kind: ReportKind, opts: { at?: Date; out?: string; region?: string }) => {
      const { config } = context();
      try {
        const ch = await connectClickHouse(config.clickhouse, { createDatabase: false });
        try {
          const data = await reportData(ch, { kind, at: opts.at ?? new Date(), ...(opts.region ? { regionPrefix: opts.region } : {}) });
          const report = renderReport(data, { images: 'inline', dashboardUrl: config.alert.dashboardUrl });
          if (opts.out) {
            writeFileSync(opts.out, report.html);
            process.stderr.write(`${report.subject}\nwritten to ${opts.out}\n`);
          } else {
            process.stdout.write(report.html);
          }
        } finally {
          await ch.close();
        }
      } catch (err) {
        fail(explainLock(err, config.clickhouse.dataDir));
      }
    });
}
