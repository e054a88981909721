import { showRate, type Report } from './scenario.ts';

// The printed summary: one line per scenario with its headline figures, then every target with
// PASS or FAIL, then each scenario's breakdown and notes.

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  // Chinese characters are as wide as two Latin ones in a terminal, but they only appear in notes.
  return rows.map((r) => r.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function summary(reports: readonly (Report & { seconds: number; passes: number; events: number })[]): string {
  const head = ['scenario', 'series', 'events', 'passes', 'POD', 'weekly FPR', 'delay median / p90', 'seconds'];
  const lines = reports.map((r) => [
    r.scenario,
    String(r.series),
    String(r.events),
    String(r.passes),
    showRate(r.pod),
    showRate(r.fpr, 3),
    r.delay?.median == null ? '–' : `${r.delay.median} / ${r.delay.p90} ${r.delay.unit}`,
    r.seconds.toFixed(0),
  ]);
  const targets = reports.flatMap((r) => r.targets.map((t) => [t.pass ? 'PASS' : 'FAIL', r.scenario, t.name, t.detail]));
  const details = reports.map((r) => {
    const keys = [...new Set(r.breakdown.flatMap((b) => Object.keys(b)))];
    const body = r.breakdown.length ? table([keys, ...r.breakdown.map((b) => keys.map((k) => String(b[k] ?? '')))]) : '';
    return [`${r.scenario}: ${r.description}`, body, ...r.notes.map((n) => `  ${n}`)].filter(Boolean).join('\n');
  });
  return [table([head, ...lines]), '', table(targets), '', ...details.flatMap((d) => [d, ''])].join('\n');
}
