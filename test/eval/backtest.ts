import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TOPICS } from './records.ts';
import { iso } from './time.ts';

// `qrm backtest` as a child process: the command line is the contract under evaluation, and each
// run gets its own embedded ClickHouse (chDB allows one data directory per process).

const repo = fileURLToPath(new URL('../../', import.meta.url));

export type RegionLevel = 'county' | 'prefecture' | 'province';

/** The fields of a warning event the evaluation reads (the backtest writes more). */
export type WarningEvent = {
  warningId: string;
  event: 'opened' | 'escalated' | 'deescalated' | 'resolved';
  evaluatedAt: string;
  productCode: string;
  regionCode: string;
  regionLevel: RegionLevel;
  level: 'I' | 'II' | 'III' | 'IV';
  score: number;
  evidence: unknown;
};

export type BacktestRun = { events: string; from: number; to: number; step: '1d' | '1h'; out: string };
export type BacktestResult = { warnings: WarningEvent[]; loaded: number; passes: number; seconds: number };

export function backtest(run: BacktestRun): Promise<BacktestResult> {
  const args = ['bin/qrm.js', 'backtest', '--events', run.events, '--from', iso(run.from), '--to', iso(run.to), '--step', run.step, '--out', run.out];
  // The events files use the default topic names; a developer's own overrides must not hide them.
  const env = { ...process.env, QRM_TOPIC_HOTLINE: TOPICS.hotline, QRM_TOPIC_MEDIA: TOPICS.media, QRM_TOPIC_SPOTCHECK: TOPICS.spotcheck };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repo, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`qrm ${args.slice(1).join(' ')} exited with ${code}:\n${stderr}`));
      const loaded = /loaded (\d+) events; rejected (\d+)/.exec(stderr);
      const passes = /evaluated (\d+) passes/.exec(stderr);
      if (!loaded || !passes) return reject(new Error(`unexpected backtest output:\n${stderr}`));
      // The generators write only valid records: a rejection is a bug in the evaluation itself.
      if (loaded[2] !== '0') return reject(new Error(`the backtest rejected ${loaded[2]} lines of ${run.events}:\n${stderr}`));
      const text = readFileSync(run.out, 'utf8');
      resolve({
        warnings: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as WarningEvent),
        loaded: Number(loaded[1]),
        passes: Number(passes[1]),
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}
