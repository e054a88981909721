import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backtest, type BacktestResult } from './backtest.ts';
import { summary } from './report.ts';
import type { Built, Report, Scenario } from './scenario.ts';
import { diffuse } from './scenarios/diffuse.ts';
import { duplicates } from './scenarios/duplicates.ts';
import { exposes } from './scenarios/exposes.ts';
import { flood } from './scenarios/flood.ts';
import { outbreaks } from './scenarios/outbreaks.ts';
import { spotchecks } from './scenarios/spotchecks.ts';
import { assertInPast } from './time.ts';

// `npm run eval [-- --seed 2] [--only outbreaks,flood] [--out FILE] [--keep]`: generates the labelled
// scenarios, backtests each with `qrm backtest`, and reports detection, false positives and delay
// against the targets. Not a unit test: it takes minutes, and its figures are for reading.

// Longest first, so the two worker slots finish at about the same time.
const SCENARIOS: Scenario[] = [outbreaks, spotchecks, diffuse, duplicates, exposes, flood];
// chDB is multi-threaded, but the machine this was sized on has two cores.
const CONCURRENCY = 2;

const { values: opts } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    out: { type: 'string', default: 'test/bench/results/eval.json' },
    keep: { type: 'boolean', default: false },
  },
});

assertInPast();
const seed = Number(opts.seed);
const only = opts.only?.split(',');
const chosen = SCENARIOS.filter((s) => !only || only.includes(s.name));
if (chosen.length === 0) throw new Error(`--only ${opts.only}: no such scenario (${SCENARIOS.map((s) => s.name).join(', ')})`);
const dir = mkdtempSync(join(tmpdir(), 'qrm-eval-'));
const started = Date.now();

try {
  const built: { scenario: Scenario; built: Built }[] = [];
  for (const scenario of chosen) {
    process.stderr.write(`generating ${scenario.name}\n`);
    built.push({ scenario, built: await scenario.build(seed, dir) });
  }
  const jobs = built.flatMap(({ scenario, built: b }) => Object.entries(b.runs).map(([name, run]) => ({ key: `${scenario.name}/${name}`, run: { ...run, out: join(dir, `${scenario.name}-${name}.warnings.ndjson`) } })));
  const results = new Map<string, BacktestResult>();
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        process.stderr.write(`backtest ${job.key} started\n`);
        const result = await backtest(job.run);
        process.stderr.write(`backtest ${job.key}: ${result.passes} passes, ${result.warnings.length} warning events, ${result.seconds.toFixed(0)} s\n`);
        results.set(job.key, result);
      }
    }),
  );
  const reports = built.map(({ scenario, built: b }) => {
    const mine = Object.fromEntries(Object.keys(b.runs).map((name) => [name, results.get(`${scenario.name}/${name}`)!]));
    const runs = Object.values(mine);
    const report: Report = { scenario: scenario.name, description: scenario.description, series: b.series.length, ...b.judge(mine) };
    return {
      ...report,
      events: runs.reduce((n, r) => n + r.loaded, 0),
      passes: runs.reduce((n, r) => n + r.passes, 0),
      seconds: runs.reduce((n, r) => n + r.seconds, 0),
    };
  });
  const runtimeSeconds = Math.round((Date.now() - started) / 1000);
  const command = ['npm run eval', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  process.stdout.write(`${summary(reports)}\nseed ${seed}; ${runtimeSeconds} s in all\n`);
  mkdirSync(join(opts.out, '..'), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify({ command, seed, runtimeSeconds, allTargetsPass: reports.every((r) => r.targets.every((t) => t.pass)), scenarios: reports }, null, 2)}\n`);
  process.stderr.write(`wrote ${opts.out}${opts.keep ? `; events and warnings kept in ${dir}` : ''}\n`);
} finally {
  if (!opts.keep) rmSync(dir, { recursive: true, force: true });
}
