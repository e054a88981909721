import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../services/sinks/email/escape.ts';
import { regionChain } from '../../../services/sinks/email/names.ts';
import { renderEmail, type EmailInput } from '../../../services/sinks/email/render.ts';
import { warningEvent } from './events.ts';

const dashboardUrl = 'https://grafana.example.cn/d/qrm-cell/qrm-cell?var-product=waterproof_membrane&var-region=130184';
const ackInstructions = '请在处置后确认：qrm warnings ack <预警编号> --by <单位>';

function render(patch: Partial<EmailInput> = {}) {
  return renderEmail({ kind: 'immediate', recipientName: '新乐市市场监督管理局', items: [{ event: warningEvent(), dashboardUrl }], ackInstructions, ...patch });
}

/** The HTML with tags removed and entities decoded: what a reader sees. */
function visible(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('renderEmail', () => {
  it('names the level, place and product in the subject of a single warning', () => {
    expect(render().subject).toBe('【II级预警】新乐市 防水卷材 风险评分 82');
  });

  it('carries the same content in the text and HTML parts', () => {
    const { text, html } = render({
      items: [{ event: warningEvent({ event: 'escalated', level: 'II', previousLevel: 'III' }), dashboardUrl }],
    });
    for (const body of [text, visible(html)]) {
      expect(body).toContain('新乐市市场监督管理局：');
      expect(body).toContain('II级预警（橙色）');
      expect(body).toContain('防水卷材（waterproof_membrane）');
      expect(body).toContain('河北省 石家庄市 新乐市（130184，县级）');
      expect(body).toContain('82（II级阈值 70）');
      expect(body).toContain('由 III级 升至 II级');
      expect(body).toContain('W-C-waterproof_membrane-130184-20261121T080000Z');
      expect(body).toContain('2026-11-21 16:00（北京时间）');
      // evidence: signal, observed, expected, z, contribution, findings
      expect(body).toContain('12365 投诉举报');
      expect(body).toContain('加权诉求量 31.5');
      expect(body).toContain('加权诉求量 6.2');
      expect(body).toContain('6.1');
      expect(body).toContain('45.2 分');
      expect(body).toContain('rebound: failures after a quiet period with passing samples');
      expect(body).toContain('90日不合格率（收缩估计） 0.312');
      expect(body).toContain('12365-T-1、12365-T-2');
      expect(body).toContain('SC-T-7');
      expect(body).toContain(dashboardUrl);
      expect(body).toContain(ackInstructions);
    }
    expect(html).toContain(`<a href="${escapeHtml(dashboardUrl)}">`);
  });

  it.each([
    ['I', '红色', '#c62828'],
    ['II', '橙色', '#ef6c00'],
    ['III', '黄色', '#f9a825'],
    ['IV', '蓝色', '#1565c0'],
  ] as const)('shows level %s in %s', (level, colour, hex) => {
    const { text, html } = render({ items: [{ event: warningEvent({ level }), dashboardUrl }] });
    expect(text).toContain(`${level}级预警（${colour}）`);
    expect(html).toContain(`background:${hex}`);
  });

  it('escapes everything interpolated into the HTML', () => {
    const event = warningEvent();
    event.evidence!.signals[0]!.findings = ['<script>alert("x")</script> & more'];
    event.evidence!.samples = { complaints: ['<img src=x onerror=alert(1)>'] };
    const { text, html } = render({ recipientName: '<b>局</b>', items: [{ event, dashboardUrl: 'https://g.example.cn/d?a=1&b="x"' }] });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(html).toContain('href="https://g.example.cn/d?a=1&amp;b=&quot;x&quot;"');
    expect(html).toContain('&lt;预警编号&gt;');
    // The text part is not HTML: it says what was found, verbatim.
    expect(text).toContain('<script>alert("x")</script> & more');
  });

  it('lists several warnings most severe first', () => {
    const items = [
      { event: warningEvent({ level: 'III', score: 55, regionCode: '130637', productCode: 'coating' }), dashboardUrl },
      { event: warningEvent({ level: 'I', score: 91, regionCode: '371721', productCode: 'wood_panel' }), dashboardUrl },
      { event: warningEvent({ level: 'II', score: 75 }), dashboardUrl },
    ];
    const { subject, text } = render({ items });
    expect(subject).toBe('【质量风险预警】3 条：曹县 人造板 I级；新乐市 防水卷材 II级；博野县 涂料 III级');
    expect(text.indexOf('曹县')).toBeLessThan(text.indexOf('新乐市 防水卷材'));
    expect(text.indexOf('新乐市 防水卷材')).toBeLessThan(text.indexOf('博野县'));
  });

  it('cuts a long list in the subject with 等', () => {
    const items = ['130184', '130637', '371721', '440515'].map((regionCode) => ({ event: warningEvent({ regionCode }), dashboardUrl }));
    expect(render({ items }).subject).toMatch(/^【质量风险预警】4 条：(.+ II级；){2}.+ II级 等$/);
  });

  it('writes a digest, also when there is nothing to report', () => {
    const items = [{ event: warningEvent({ level: 'IV', score: 33 }), dashboardUrl }];
    expect(render({ kind: 'digest', periodLabel: '2026年11月21日', items }).subject).toBe('【每日汇总】2026年11月21日 1 条预警：新乐市 防水卷材 IV级');
    const empty = render({ kind: 'digest', periodLabel: '2026年11月21日', items: [] });
    expect(empty.subject).toBe('【每日汇总】2026年11月21日 无预警');
    expect(empty.text).toContain('2026年11月21日无预警。');
  });

  it('writes repeat, escalation and resolution notices', () => {
    expect(render({ kind: 'repeat' }).subject).toBe('【再次提醒】II级预警未确认：新乐市 防水卷材 风险评分 82');
    expect(render({ kind: 'escalation' }).subject).toBe('【升级提醒】II级预警超时未确认：新乐市 防水卷材');
    expect(render({ kind: 'escalation' }).text).toContain('已超过确认时限仍未确认');
    const resolved = render({ kind: 'resolved', items: [{ event: warningEvent({ event: 'resolved', previousLevel: 'II', score: 41, evidence: null }), dashboardUrl }] });
    expect(resolved.subject).toBe('【预警解除】新乐市 防水卷材（原 II级）');
    expect(resolved.text).toContain('预警解除（解除前为 II级）');
    expect(resolved.text).toContain('无证据');
    expect(resolved.text).toContain('41');
  });

  it('needs a warning unless it is a digest', () => {
    expect(() => render({ kind: 'immediate', items: [] })).toThrow(RangeError);
  });

  it('never shows a score reaching a threshold the real score has not', () => {
    expect(render({ items: [{ event: warningEvent({ level: 'III', score: 69.97 }), dashboardUrl }] }).subject).toContain('风险评分 69');
  });

  it('names prefecture and province warnings by their names and coverage', () => {
    const event = warningEvent({ regionCode: '1301', regionLevel: 'prefecture' });
    event.evidence!.counties = 12;
    const { subject, text } = render({ items: [{ event, dashboardUrl }] });
    expect(subject).toBe('【II级预警】石家庄市 防水卷材 风险评分 82');
    expect(text).toContain('河北省 石家庄市（1301，地市级，12 个区县有数据）');
  });
});

describe('regionChain', () => {
  it.each([
    ['130184', ['河北省', '石家庄市', '新乐市']],
    ['1301', ['河北省', '石家庄市']],
    ['13', ['河北省']],
    // a municipality's district: no "北京市 北京市"
    ['110101', ['北京市', '东城区']],
    // directly administered county: no "省直辖县级行政区划"
    ['419001', ['河南省', '济源市']],
    ['999999', ['999999']],
  ])('names %s', (code, chain) => {
    expect(regionChain(code)).toEqual(chain);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<script>alert('x') && "y"</script>`)).toBe('&lt;script&gt;alert(&#39;x&#39;) &amp;&amp; &quot;y&quot;&lt;/script&gt;');
  });
});
