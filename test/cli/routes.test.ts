import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { routesCommand } from '../../services/cli/commands/routes.ts';

// `qrm routes` on a program built here, with commander's output captured and its exits turned into
// exceptions, so the command is tested in-process exactly as main.ts registers it.

type Run = { out: string; err: string; exitCode: number };

async function qrmRoutes(...args: string[]): Promise<Run> {
  const run: Run = { out: '', err: '', exitCode: 0 };
  const program = new Command('qrm')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (run.out += s), writeErr: (s) => (run.err += s) })
    .showHelpAfterError();
  routesCommand(program);
  try {
    await program.parseAsync(['routes', ...args], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    run.exitCode = err.exitCode;
  }
  return run;
}

const example = 'infra/routes.example.yaml';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('qrm routes check', () => {
  it('prints the routes and recipients of a valid file as a tree', async () => {
    const r = await qrmRoutes('check', example);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain(`${example}: valid, 12 routes, 12 recipients\n`);
    expect(r.out).toContain('defaults: group wait 30 s · repeat every 1440 min · send resolved · escalate I, II after 120 min\n');
    expect(r.out).toContain(
      [
        '├─ [0] regions 130184 新乐市 (continue)',
        '│  ├─ to: xinle-bureau 新乐市市场监督管理局',
        '│  ├─ I: email, sms · II: email, sms · III: email · IV: digest',
        '│  └─ group wait 30 s · repeat every 1440 min · send resolved · escalate I, II after 120 min',
      ].join('\n'),
    );
    expect(r.out).toContain('├─ [5] regions 1301 石家庄市 · prefecture level (continue)\n');
    expect(r.out).toContain('└─ [11] every warning\n   ├─ to: risk-centre 风险评估中心\n');
    expect(r.out).toContain('│  └─ escalates to: shijiazhuang-bureau → hebei-bureau\n');
  });

  it('exits 1 with one line per problem for an invalid file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qrm-routes-cli-'));
    const file = join(dir, 'routes.yaml');
    writeFileSync(
      file,
      `version: 1
recipients:
  risk-centre: { name: 风险评估中心, email: [risk-centre@example.gov.cn], escalateTo: nobody }
routes:
  - to: [risk-centre, xinle-bureau]
    channels: { II: [email] }
`,
    );
    const r = await qrmRoutes('check', file);
    expect(r.exitCode).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(`${file}:3 recipients.risk-centre.escalateTo: unknown recipient nobody\n${file}:5 routes[0].to[1]: unknown recipient xinle-bureau\n`);
  });

  it('has help with an example', async () => {
    const r = await qrmRoutes('check', '--help');
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain('Usage: qrm routes check [options] <file>');
    expect(r.out).toContain('qrm routes check infra/routes.example.yaml');
  });
});

describe('qrm routes test', () => {
  it('shows who gets a level II warning in Xinle, with channels, timings and escalation', async () => {
    vi.stubEnv('QRM_ROUTES', undefined);
    const r = await qrmRoutes('test', '--region', '130184', '--product', 'waterproof_membrane', '--level', 'II');
    expect(r.exitCode).toBe(0);
    expect(r.out).toBe(
      [
        'warning: 130184 新乐市 · waterproof_membrane 防水卷材 · level II',
        'routes file: infra/routes.example.yaml',
        '',
        'xinle-bureau 新乐市市场监督管理局 (route 0)',
        '  email at once: xinle@amr.example.gov.cn',
        '  sms at once: +8613800130184',
        '  group wait 30 s · repeat every 1440 min · send resolved',
        '  unacknowledged after 120 min: escalates to shijiazhuang-bureau 石家庄市市场监督管理局, then hebei-bureau 河北省市场监督管理局',
        'risk-centre 风险评估中心 (route 11)',
        '  email at once: risk-centre@example.gov.cn',
        '  sms at once: +8613800000000',
        '  group wait 60 s · repeat every 1440 min · send resolved',
        '  no escalation',
        '',
      ].join('\n'),
    );
  });

  it('shows level IV going to the digest only', async () => {
    const r = await qrmRoutes('test', '--region', '1301', '--product', 'coating', '--level', 'IV', '--file', example);
    expect(r.out).toContain('shijiazhuang-bureau 石家庄市市场监督管理局 (route 5)\n  daily digest: shijiazhuang@amr.example.gov.cn\n');
    expect(r.out).not.toContain('at once');
    expect(r.out).not.toContain('xinle-bureau');
  });

  it('reads the routes file from QRM_ROUTES', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qrm-routes-cli-'));
    const file = join(dir, 'routes.json');
    const routes = { version: 1, recipients: { only: { name: '唯一', email: ['only@example.gov.cn'] } }, routes: [{ match: { levels: ['I'] }, to: ['only'], channels: { I: ['email'] } }] };
    writeFileSync(file, JSON.stringify(routes));
    vi.stubEnv('QRM_ROUTES', file);
    const r = await qrmRoutes('test', '--region', '130184', '--product', 'toy', '--level', 'I');
    expect(r.out).toContain('only 唯一 (route 0)\n  email at once: only@example.gov.cn\n');
    const none = await qrmRoutes('test', '--region', '130184', '--product', 'toy', '--level', 'II');
    expect(none.out).toContain('nobody: no route sends this warning at this level\n');
  });

  it('rejects an unknown region, product or level as a usage error', async () => {
    const region = await qrmRoutes('test', '--region', '139999', '--product', 'toy', '--level', 'I');
    expect(region.exitCode).toBe(1);
    expect(region.err).toContain("option '--region <code>' argument '139999' is invalid. unknown region code 139999");
    const product = await qrmRoutes('test', '--region', '130184', '--product', 'toys', '--level', 'I');
    expect(product.err).toContain('unknown product code toys');
    const level = await qrmRoutes('test', '--region', '130184', '--product', 'toy', '--level', 'V');
    expect(level.err).toContain('Allowed choices are I, II, III, IV');
  });

  it('has help with examples and the QRM_ROUTES default', async () => {
    const r = await qrmRoutes('test', '--help');
    expect(r.out).toContain('qrm routes test --region 130184 --product waterproof_membrane --level II');
    expect(r.out).toMatch(/default: infra\/routes\.example\.yaml, env:\s+QRM_ROUTES/);
  });
});
