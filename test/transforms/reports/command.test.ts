import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertRows } from '../../../services/sinks/clickhouse/insert.ts';
import { chTime } from '../../../services/transforms/normalize/rows.ts';
import { openClickHouse, tempDir, testConfig } from '../../support/app.ts';
import { childEnv } from '../../support/cli.ts';
import { spotCheck } from '../../support/rows.ts';
import { checkXml } from './xml.ts';

// `report <kind>` as an operator runs it, in its own process (chDB allows one process per data
// directory), through run-report.ts: the command on a bare program, as the CLI's main registers it.

const dataDir = tempDir();
const work = tempDir('qrm-report-cli-');
const script = fileURLToPath(new URL('./run-report.ts', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: fileURLToPath(new URL('../../../', import.meta.url)),
    env: childEnv({ QRM_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  const ch = await openClickHouse(testConfig({ QRM_DATA_DIR: dataDir }));
  try {
    const at = (s: string) => new Date(`${s}+08:00`).getTime();
    await insertRows(ch, 'spot_checks', [
      ...Array.from({ length: 9 }, (_, i) => spotCheck(`p-${i}`, at('2026-10-01T09:00:00'), { product: 'toy', region: '440515' })),
      spotCheck('f-1', at('2026-10-02T09:00:00'), { product: 'toy', region: '440515', result: 'fail' }),
      spotCheck('other', at('2026-10-02T09:00:00'), { product: 'coating', region: '130637', result: 'fail' }),
    ]);
    await insertRows(ch, 'warnings', [
      { warning_id: 'W-1', event: 'opened', evaluated_at: chTime(at('2026-10-03T10:00:00')), product_code: 'toy', region_code: '440515', region_level: 'county', level: 'II', previous_level: '', score: 72, opened_at: chTime(at('2026-10-03T10:00:00')), evidence: '' },
    ]);
  } finally {
    await ch.close();
  }
});

describe('qrm report', () => {
  it('writes a weekly report for a Beijing date to a file', async () => {
    const out = join(work, 'report.html');
    const r = await run(['report', 'weekly', '--at', '2026-10-05', '--out', out]);
    expect(r.stderr).toContain('【产品质量风险周报】2026-09-28 至 2026-10-04：新发预警 1 条');
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('目标 85.0%');
    expect(html).toContain('合格率 81.8%');
    checkXml(html, { html: true });
  });

  it('prints to stdout and keeps to a region', async () => {
    const r = await run(['report', 'weekly', '--at', '2026-10-05', '--region', '440515']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('广东省汕头市澄海区产品质量风险周报');
    expect(r.stdout).toContain('合格率 90.0%');
    expect(r.stdout).not.toContain('数据管道');
  });

  it('refuses a bad kind, time or region before touching the database', async () => {
    for (const args of [['report', 'yearly'], ['report', 'weekly', '--at', 'monday'], ['report', 'daily', '--region', '13x']]) {
      const r = await run(args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/expected/);
    }
  });
});
