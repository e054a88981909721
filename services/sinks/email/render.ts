import type { WarningEventV1 } from '../../../schemas/outputs/warning-event.ts';
import { escapeHtml } from './escape.ts';
import { displayScore, levelColour, levelName } from './names.ts';
import { bySeverity, evidenceColumns, itemView, shortLabel, type ItemView } from './view.ts';

// Alert emails in Chinese for district and county bureaus. The subject alone must tell a reader
// scanning an inbox what happened and where; the body carries the evidence, the dashboard link and
// how to acknowledge. Text and HTML parts say the same thing (see view.ts).

export type EmailKind = 'immediate' | 'digest' | 'repeat' | 'resolved' | 'escalation';

export type EmailItem = { event: WarningEventV1; dashboardUrl: string };

export type EmailInput = {
  kind: EmailKind;
  recipientName: string;
  items: EmailItem[];
  ackInstructions: string;
  /** Names the period of a digest, e.g. "2026年11月21日". */
  periodLabel?: string;
};

export type RenderedEmail = { subject: string; text: string; html: string };

// A subject lists this many warnings and then says "等"; mail clients cut long subjects anyway.
const SUBJECT_ITEMS = 3;

const FOOTER = '—— 产品质量风险监测系统（qrm）自动发送，请勿直接回复本邮件。';

export function renderEmail(input: EmailInput): RenderedEmail {
  if (input.items.length === 0 && input.kind !== 'digest') throw new RangeError(`a ${input.kind} email needs at least one warning`);
  const items = [...input.items].sort(bySeverity);
  const views = items.map(itemView);
  const subject = subjectFor(input.kind, items.map((i) => i.event), input.periodLabel);
  const intro = introFor(input.kind, items.length, input.periodLabel);
  return {
    subject,
    text: renderText(input.recipientName, intro, views, input.ackInstructions),
    html: renderHtml(subject, input.recipientName, intro, views, input.ackInstructions),
  };
}

function subjectFor(kind: EmailKind, events: WarningEventV1[], periodLabel: string | undefined): string {
  const list =
    events
      .slice(0, SUBJECT_ITEMS)
      .map((e) => `${shortLabel(e)} ${levelName(e.level)}`)
      .join('；') + (events.length > SUBJECT_ITEMS ? ' 等' : '');
  const n = events.length;
  const one = events[0]!;
  switch (kind) {
    case 'immediate':
      return n === 1 ? `【${levelName(one.level)}预警】${shortLabel(one)} 风险评分 ${displayScore(one.score)}` : `【质量风险预警】${n} 条：${list}`;
    case 'repeat':
      return n === 1
        ? `【再次提醒】${levelName(one.level)}预警未确认：${shortLabel(one)} 风险评分 ${displayScore(one.score)}`
        : `【再次提醒】${n} 条预警未确认：${list}`;
    case 'escalation':
      return n === 1 ? `【升级提醒】${levelName(one.level)}预警超时未确认：${shortLabel(one)}` : `【升级提醒】${n} 条预警超时未确认：${list}`;
    case 'resolved':
      return n === 1 ? `【预警解除】${shortLabel(one)}（原 ${levelName(one.level)}）` : `【预警解除】${n} 条：${list}`;
    case 'digest': {
      const period = periodLabel ? `${periodLabel} ` : '';
      return n === 0 ? `【每日汇总】${period}无预警` : `【每日汇总】${period}${n} 条预警：${list}`;
    }
  }
}

function introFor(kind: EmailKind, n: number, periodLabel: string | undefined): string {
  switch (kind) {
    case 'immediate':
      return '以下产品质量风险预警涉及您所辖地区，请及时核查处置，并在处置后确认。';
    case 'repeat':
      return '以下预警仍未确认，请尽快核查处置并确认。';
    case 'escalation':
      return '以下预警已超过确认时限仍未确认，请督促相关单位尽快核查处置。';
    case 'resolved':
      return '以下预警的风险评分已回落，预警解除。如已开展核查，请按下方确认方式报告处置结果。';
    case 'digest':
      return n === 0 ? `${periodLabel ?? '本期'}无预警。` : `${periodLabel ?? '本期'}预警汇总，共 ${n} 条。`;
  }
}

function renderText(recipientName: string, intro: string, views: ItemView[], ackInstructions: string): string {
  const lines = [`${recipientName}：`, '', intro];
  views.forEach((v, i) => {
    lines.push('', `【${i + 1}】${v.badge}｜${v.title}`);
    for (const [label, value] of v.fields) lines.push(`  ${label}：${value}`);
    if (v.evidence) {
      lines.push(`  证据（${v.evidence.formula}）：`);
      for (const row of v.evidence.rows) lines.push(`    - ${row.map((cell, c) => `${evidenceColumns[c]}：${cell}`).join('｜')}`);
    } else {
      lines.push('  证据：本轮该单元已无评分，无证据。');
    }
    if (v.samples.length > 0) {
      lines.push('  样本记录：');
      for (const [source, ids] of v.samples) lines.push(`    - ${source}：${ids}`);
    }
    lines.push(`  看板：${v.dashboardUrl}`);
  });
  lines.push('', '确认方式：', ackInstructions, '', FOOTER, '');
  return lines.join('\n');
}

function renderHtml(subject: string, recipientName: string, intro: string, views: ItemView[], ackInstructions: string): string {
  const h = escapeHtml;
  const cell = 'border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top';
  const items = views.map((v, i) => {
    const { hex } = levelColour[v.level];
    const fields = v.fields.map(([label, value]) => `<tr><th style="${cell};white-space:nowrap">${h(label)}</th><td style="${cell}">${h(value)}</td></tr>`).join('');
    const evidence = v.evidence
      ? `<table style="border-collapse:collapse;margin-top:8px"><caption style="text-align:left">证据（${h(v.evidence.formula)}）</caption>` +
        `<tr>${evidenceColumns.map((c) => `<th style="${cell}">${h(c)}</th>`).join('')}</tr>` +
        v.evidence.rows.map((row) => `<tr>${row.map((c) => `<td style="${cell}">${h(c)}</td>`).join('')}</tr>`).join('') +
        '</table>'
      : '<p>证据：本轮该单元已无评分，无证据。</p>';
    const samples = v.samples.length
      ? `<p style="margin:8px 0 0">样本记录：</p><ul style="margin:0">${v.samples.map(([s, ids]) => `<li>${h(s)}：${h(ids)}</li>`).join('')}</ul>`
      : '';
    return (
      `<div style="border-left:6px solid ${hex};padding:8px 12px;margin:16px 0">` +
      `<h2 style="font-size:16px;margin:0 0 8px">【${i + 1}】<span style="background:${hex};color:#fff;padding:1px 6px">${h(v.badge)}</span> ${h(v.title)}</h2>` +
      `<table style="border-collapse:collapse">${fields}</table>${evidence}${samples}` +
      `<p>看板：<a href="${h(v.dashboardUrl)}">${h(v.dashboardUrl)}</a></p></div>`
    );
  });
  return [
    '<!doctype html>',
    `<html lang="zh-CN"><head><meta charset="utf-8"><title>${h(subject)}</title></head>`,
    '<body style="font-family:sans-serif;font-size:14px;line-height:1.5">',
    `<p>${h(recipientName)}：</p>`,
    `<p>${h(intro)}</p>`,
    ...items,
    '<h3 style="font-size:15px">确认方式</h3>',
    `<p>${h(ackInstructions).replace(/\n/g, '<br>')}</p>`,
    `<p style="color:#666">${h(FOOTER)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}
