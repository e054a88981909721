import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendReport } from '../../../services/app/reports.ts';
import type { ClickHouse } from '../../../services/clients/clickhouse.ts';
import { insertRows } from '../../../services/sinks/clickhouse/insert.ts';
import { buildEmailSender } from '../../../services/sinks/email/sender.ts';
import type { DispatchDeps } from '../../../services/sinks/notifications/dispatch.ts';
import { alertMetrics, createRegistry } from '../../../services/telemetry/metrics.ts';
import { chTime } from '../../../services/transforms/normalize/rows.ts';
import { exampleRoutesFile, loadRoutes } from '../../../services/transforms/routing/index.ts';
import { parseMessage } from '../email/mime.ts';
import { openClickHouse, testConfig } from '../../support/app.ts';
import { startSmtp } from '../../support/mail.ts';
import { spotCheck } from '../../support/rows.ts';

// The scheduled weekly report, sent by email to the risk centre as the alert service's cron job
// does: one message, its charts as SVG parts the HTML refers to by Content-ID.

const routes = loadRoutes(exampleRoutesFile);
let ch: ClickHouse;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let deps: DispatchDeps;
const at = (s: string) => new Date(`${s}+08:00`).getTime();

beforeAll(async () => {
  ch = await openClickHouse(testConfig({}));
  smtp = await startSmtp();
  const log = pino({ level: 'silent' });
  deps = {
    ch,
    routes,
    email: buildEmailSender({ smtpUrl: smtp.url, from: 'qrm <qrm@localhost>' }, { log }),
    log,
    metrics: alertMetrics(createRegistry(false)),
    dashboardUrl: 'http://dashboard.example',
    ackInstructions: 'qrm warnings ack',
  };
  await insertRows(ch, 'spot_checks', [
    ...Array.from({ length: 9 }, (_, i) => spotCheck(`p-${i}`, at('2026-10-01T09:00:00'), { product: 'toy', region: '440515' })),
    spotCheck('f-1', at('2026-10-02T09:00:00'), { product: 'toy', region: '440515', result: 'fail' }),
  ]);
  await insertRows(ch, 'warnings', [
    { warning_id: 'W-1', event: 'opened', evaluated_at: chTime(at('2026-10-03T10:00:00')), product_code: 'toy', region_code: '440515', region_level: 'county', level: 'II', previous_level: '', score: 72, opened_at: chTime(at('2026-10-03T10:00:00')), evidence: '' },
  ]);
});

afterAll(async () => {
  await deps?.email?.close();
  await smtp?.down();
  await ch?.close();
});

describe('sendReport', () => {
  it('emails the weekly report to the risk centre with its charts as cid SVG parts', async () => {
    await sendReport(ch, deps, 'weekly', 'risk-centre', new Date(at('2026-10-05T08:00:00')));
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.to).toEqual(['risk-centre@example.gov.cn']);
    expect(mail!.raw).toMatch(/^Content-Type: image\/svg\+xml/im);
    expect(mail!.raw).toMatch(/^Content-ID: <[^>]+@qrm>/im);
    const message = parseMessage(mail!.raw);
    // The 7 days up to the schedule's cut-off (Monday 08:00 Beijing).
    expect(message.headers.subject).toMatch(/^【产品质量风险周报】2026-09-28 08:00 至 2026-10-05 08:00：新发预警 1 条/);
    const svgs = message.parts.filter((p) => /image\/svg\+xml/.test(p.headers['content-type'] ?? ''));
    expect(svgs.length).toBeGreaterThanOrEqual(1);
    const html = message.parts.find((p) => /text\/html/.test(p.headers['content-type'] ?? ''))!.body;
    for (const svg of svgs) {
      const cid = /^<(.+)>$/.exec(svg.headers['content-id'] ?? '')?.[1];
      expect(cid, 'Content-ID').toBeDefined();
      expect(html).toContain(`src="cid:${cid}"`);
      expect(svg.body).toContain('<svg');
    }
    // Webmail strips inline <svg>: the HTML only refers to the parts.
    expect(html).not.toContain('<svg');
  });

  it('sends nothing to a recipient without an email address', async () => {
    smtp.received.length = 0;
    await sendReport(ch, deps, 'monthly', 'nobody', new Date(at('2026-10-05T08:00:00')));
    expect(smtp.received).toHaveLength(0);
  });
});
