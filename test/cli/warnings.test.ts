import { beforeAll, describe, expect, it } from 'vitest';
import { warningEventV1 } from '../../schemas/outputs/warning-event.ts';
import { storeWarningEvents } from '../../services/sinks/warnings/store.ts';
import type { WarningEvent } from '../../services/transforms/warnings/state.ts';
import { openClickHouse, tempDir, testConfig } from '../support/app.ts';
import { qrmOnce } from '../support/cli.ts';
import { brokers, consumeAll, testKafka, uniqueTopics } from '../support/kafka.ts';

// `qrm warnings` and `qrm silence` as an operator runs them, each its own process on a database
// prepared here and closed first (embedded mode allows one process per data directory), so the
// commands run one after another.

const dataDir = tempDir();
const topics = uniqueTopics('cli-warnings');
const env = { QRM_DATA_DIR: dataDir, KAFKA_BROKERS: brokers(), QRM_TOPIC_WARNINGS: `${topics.id}.warnings`, LOG_LEVEL: 'silent' };
const run = (...args: string[]) => qrmOnce(args, env);
const lines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

const T = Date.now() - 3_600_000;
function event(warningId: string, regionCode: string, o: Partial<WarningEvent> = {}): WarningEvent {
  const at = new Date(T).toISOString();
  return { warningId, event: 'opened', evaluatedAt: at, productCode: 'waterproof_membrane', regionCode, regionLevel: 'county', level: 'II', previousLevel: null, score: 78, openedAt: at, evidence: null, ...o };
}
const OPEN = 'W-C-waterproof_membrane-130184-C1';
const RESOLVED = 'W-C-coating-130637-C2';
const TOY = 'W-C-toy-440515-C3';

beforeAll(async () => {
  const ch = await openClickHouse(testConfig({ QRM_DATA_DIR: dataDir }));
  try {
    await storeWarningEvents(ch, [
      event(OPEN, '130184'),
      event(RESOLVED, '130637', { productCode: 'coating', level: 'III', score: 55 }),
      event(RESOLVED, '130637', { productCode: 'coating', event: 'resolved', level: 'III', score: 20, evaluatedAt: new Date(T + 60_000).toISOString() }),
      event(TOY, '440515', { productCode: 'toy', level: 'I', score: 91 }),
    ]);
  } finally {
    await ch.close();
  }
});

describe('--help', () => {
  it('describes every warnings and silence command', async () => {
    const commands = [['warnings'], ['warnings', 'list'], ['warnings', 'show'], ['warnings', 'ack'], ['warnings', 'outcome'], ['silence'], ['silence', 'add'], ['silence', 'list'], ['silence', 'expire']];
    const results = await Promise.all(commands.map((c) => run(...c, '--help')));
    results.forEach((r, i) => {
      expect(r.code, commands[i]!.join(' ')).toBe(0);
      expect(r.stdout).toContain(`Usage: qrm ${commands[i]!.join(' ')}`);
    });
    expect(results[4]!.stdout).toContain('--inspected <n>');
    expect(results[6]!.stdout).toContain('--for <span>');
  });
});

describe('qrm warnings', () => {
  it('lists open warnings, most severe first, and by region', async () => {
    const open = await run('warnings', 'list', '--open');
    expect(open.stderr).toBe('');
    expect(open.code).toBe(0);
    expect(lines(open.stdout).map((w) => w.warning_id)).toEqual([TOY, OPEN]);
    const all = await run('warnings', 'list', '--region', '13');
    expect(lines(all.stdout).map((w) => [w.warning_id, w.last_event])).toEqual([
      [OPEN, 'opened'],
      [RESOLVED, 'resolved'],
    ]);
  });

  it('shows one warning with its events, and fails clearly for an unknown one', async () => {
    const r = await run('warnings', 'show', RESOLVED);
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout);
    expect(shown.warningId).toBe(RESOLVED);
    expect(shown.events.map((e: { event: string }) => e.event)).toEqual(['opened', 'resolved']);
    expect(shown.feedback).toEqual([]);
    expect(await run('warnings', 'show', 'W-nope')).toMatchObject({ code: 1, stdout: '', stderr: 'qrm: no warning W-nope\n' });
  });

  it('records an inspection outcome, shown with the warning', async () => {
    const r = await run('warnings', 'outcome', OPEN, '--by', 'xinle-bureau', '--inspected', '3', '--violations', '1', '--comment', '1 家不合格');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ warningId: OPEN });
    const shown = JSON.parse((await run('warnings', 'show', OPEN)).stdout);
    expect(shown.feedback).toEqual([expect.objectContaining({ kind: 'outcome', author: 'xinle-bureau', comment: '1 家不合格', enterprises_inspected: 3, violations_found: 1 })]);
  });

  // Regression: an outcome for a mistyped warning id was recorded against a warning that does not
  // exist, and more enterprises with violations than were inspected was accepted.
  it('refuses an outcome for an unknown warning, impossible counts, or counts that are not whole numbers', async () => {
    expect(await run('warnings', 'outcome', 'W-nope', '--by', 'x', '--inspected', '3', '--violations', '1')).toMatchObject({ code: 1, stderr: 'qrm: no warning W-nope\n' });
    const impossible = await run('warnings', 'outcome', OPEN, '--by', 'x', '--inspected', '1', '--violations', '2');
    expect(impossible.code).toBe(1);
    expect(impossible.stderr).toContain('--violations (2) cannot exceed --inspected (1)');
    const notCount = await run('warnings', 'outcome', OPEN, '--by', 'x', '--inspected', 'three', '--violations', '1');
    expect(notCount.code).not.toBe(0);
    expect(notCount.stderr).toContain('expected a whole number');
    expect(JSON.parse((await run('warnings', 'show', OPEN)).stdout).feedback).toHaveLength(1);
  });

  it('acknowledges a warning: recorded and published on the warnings topic', async () => {
    const r = await run('warnings', 'ack', TOY, '--by', 'chenghai-bureau', '--comment', '已派员核查');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ warningId: TOY, event: 'acknowledged', level: 'I' });
    const [m] = await consumeAll(testKafka(), env.QRM_TOPIC_WARNINGS, 1, 20_000);
    expect(m?.key).toBe(TOY);
    expect(warningEventV1.parse(JSON.parse(m!.value!.toString()))).toMatchObject({ warningId: TOY, event: 'acknowledged' });
    const shown = JSON.parse((await run('warnings', 'show', TOY)).stdout);
    expect(shown.feedback).toEqual([expect.objectContaining({ kind: 'ack', author: 'chenghai-bureau', comment: '已派员核查' })]);
    expect(shown.events.map((e: { event: string }) => e.event)).toEqual(['opened', 'acknowledged']);
  });
});

describe('qrm silence', () => {
  it('adds a silence, lists it while active, and expires it', async () => {
    const added = await run('silence', 'add', '--region', '130184', '--for', '2h', '--author', 'a', '--reason', 'r');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const { silenceId } = JSON.parse(added.stdout) as { silenceId: string };
    expect(silenceId).toMatch(/^S-/);

    const active = lines((await run('silence', 'list', '--active')).stdout);
    expect(active).toEqual([expect.objectContaining({ silence_id: silenceId, region_prefix: '130184', product_code: '', author: 'a', reason: 'r' })]);
    const ends = Date.parse(`${String(active[0]!.ends_at).replace(' ', 'T')}Z`);
    expect(ends - Date.parse(`${String(active[0]!.starts_at).replace(' ', 'T')}Z`)).toBe(2 * 3_600_000);

    expect(JSON.parse((await run('silence', 'expire', silenceId)).stdout)).toEqual({ silenceId, expired: true });
    expect((await run('silence', 'list', '--active')).stdout).toBe('');
    expect(lines((await run('silence', 'list')).stdout).map((s) => s.silence_id)).toEqual([silenceId]);
    expect(await run('silence', 'expire', 'S-nope')).toMatchObject({ code: 1, stderr: 'qrm: no silence S-nope\n' });
  });

  it('refuses to silence everything', async () => {
    const r = await run('silence', 'add', '--for', '2h', '--author', 'a', '--reason', 'r');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('qrm: give --product, --region or both; silencing everything is not allowed\n');
  });

  // Regression: any text was taken as a region prefix or product code, so `--region 1` silenced
  // five provinces and a misspelt product silenced nothing, both without a word.
  it('refuses a region that is not a 2-, 4- or 6-digit prefix, and an unknown product', async () => {
    const region = await run('silence', 'add', '--region', '1', '--for', '2h', '--author', 'a', '--reason', 'r');
    expect(region.code).not.toBe(0);
    expect(region.stderr).toContain('--region');
    const product = await run('silence', 'add', '--product', 'waterproof_membrain', '--for', '2h', '--author', 'a', '--reason', 'r');
    expect(product.code).not.toBe(0);
    expect(product.stderr).toContain('unknown product code waterproof_membrain');
    expect((await run('silence', 'list')).stdout.trim().split('\n')).toHaveLength(1);
  });
});
