import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/app.ts';

// `npm run bench:score` end to end at a tiny size: generation, the timed passes and the per-CTE
// breakdown, as the full benchmark runs them. The figures themselves are not asserted (tests never
// judge wall-clock time); what is asserted is that every stage runs and writes the result file the
// issue names. The breakdown once failed at the end of a full run, after twenty minutes of
// generating, because it no longer passed score.sql a parameter.

const root = fileURLToPath(new URL('../..', import.meta.url));

type Result = {
  cells: number;
  historyDays: number;
  passSeconds: number;
  stageSeconds: number;
  series: unknown[];
  largest: { querySeconds: Record<string, number> };
  breakdown: { file: string; cte: string; rows: number; seconds: number; secondsAllColumns: number }[];
};

function bench(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/bench/score.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('npm run bench:score', () => {
  it('times passes and every CTE of score.sql, and writes cells, historyDays and passSeconds', async () => {
    const dir = tempDir('qrm-bench-test-');
    const out = join(dir, 'score.json');
    const args = ['--data', join(dir, 'data'), '--cells', '300', '--days', '30', '--cells-series', '200,300', '--days-series', '30', '--runs', '2', '--gap', '0', '--breakdown', 'both', '--out', out];
    const { code, output } = await bench(args);
    expect(code, output.slice(-3000)).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8')) as Result;
    expect(r).toMatchObject({ cells: 300, historyDays: 30 });
    expect(r.passSeconds).toBeGreaterThan(0);
    expect(r.series.length).toBeGreaterThan(0);
    // The first pass staged the day signals; the others read them.
    expect(r.stageSeconds).toBeGreaterThan(0);
    expect(r.largest.querySeconds['day inputs']).toBeGreaterThan(0);
    // Every CTE of both statements timed both ways, and the ones the pass depends on found rows.
    const ctes = new Map(r.breakdown.map((b) => [b.cte, b]));
    expect(ctes.get('concentration')?.file).toBe('day-signals.sql');
    expect(ctes.get('daily')?.file).toBe('score.sql');
    for (const name of ['c_obs', 'c_series', 'windows', 'stats', 'signals', 'daily', 'concentration', 's_cells', 'spotcheck']) {
      expect(ctes.get(name)?.rows, name).toBeGreaterThan(0);
      expect(ctes.get(name)?.secondsAllColumns, name).toBeGreaterThan(0);
      expect(ctes.get(name)?.seconds, name).toBeGreaterThan(0);
    }
  }, 180_000);
});
