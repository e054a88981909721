import type { ClickHouse } from '../clients/clickhouse.ts';
import type { DispatchDeps } from '../sinks/notifications/dispatch.ts';
import { renderReport, reportData, type ReportKind } from '../transforms/reports/index.ts';

// Scheduled reports by email: the weekly report and monthly summary for the risk centre. Charts go as
// SVG parts referenced by cid: webmail strips inline <svg>, and a PNG would need a rasteriser with
// CJK fonts that this project does not ship; each chart also has a table beside it.

export async function sendReport(ch: ClickHouse, deps: DispatchDeps, kind: ReportKind, recipientId: string, at = new Date()): Promise<void> {
  const recipient = deps.routes.recipients[recipientId];
  if (!deps.email || !recipient?.email.length) {
    deps.log.warn({ kind, recipientId }, 'report not sent: no SMTP_URL or no email address for the recipient');
    return;
  }
  const report = renderReport(await reportData(ch, { kind, at }), { kind, dashboardUrl: deps.dashboardUrl, images: 'cid' });
  const { messageId } = await deps.email.send({ to: recipient.email, subject: report.subject, text: report.text, html: report.html, attachments: report.attachments });
  deps.metrics.messages.inc({ channel: 'email' });
  deps.log.info({ kind, recipientId, messageId }, 'report sent');
}
