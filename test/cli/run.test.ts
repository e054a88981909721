import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/app.ts';
import { startBridge, type Bridge } from '../support/clickhouse-http-bridge.ts';
import { qrm, qrmOnce, waitForLog } from '../support/cli.ts';
import { hotlineRecord, json, mediaRecord, spotcheckRecord } from '../support/fixtures.ts';
import { brokers, produce, testKafka, uniqueTopics, waitForCommitted } from '../support/kafka.ts';

// `qrm run` as a process: killed with SIGKILL at the worst moment (batch stored, offsets not yet
// committed), restarted, and stopped gracefully. Counts are read back through `qrm sql`.

const kafka = testKafka();

function envFor(topicsEnv: Record<string, string>, extra: Record<string, string> = {}) {
  return {
    KAFKA_BROKERS: brokers(),
    QRM_PII_KEY: 'test-key-0123456789abcdef',
    QRM_HTTP_PORT: '0',
    QRM_KAFKA_SESSION_TIMEOUT_MS: '6000',
    QRM_INGEST_BATCH_MAX_WAIT_MS: '100',
    LOG_LEVEL: 'info',
    ...topicsEnv,
    ...extra,
  };
}

async function committedTotal(groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return t!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('qrm run: crash between insert and commit', () => {
  const topics = uniqueTopics('crash');
  const env = envFor(topics.env, { QRM_DATA_DIR: tempDir() });
  const feeds = ['hotline', 'media', 'spotcheck'] as const;
  const topicOf = { hotline: topics.env.QRM_TOPIC_HOTLINE, media: topics.env.QRM_TOPIC_MEDIA, spotcheck: topics.env.QRM_TOPIC_SPOTCHECK };

  beforeAll(async () => {
    await produce(kafka, topicOf.hotline, Array.from({ length: 500 }, (_, i) => ({ value: json(hotlineRecord(i)) })));
    await produce(kafka, topicOf.media, Array.from({ length: 50 }, (_, i) => ({ value: json(mediaRecord(i)) })));
    await produce(kafka, topicOf.spotcheck, Array.from({ length: 20 }, (_, i) => ({ value: json(spotcheckRecord(i)) })));
  });

  it('loses nothing and double-counts nothing', async () => {
    const crashed = await qrmOnce(['run', '--services', 'ingest'], { ...env, QRM_FAILPOINTS: 'ingest.after-store=kill' });
    expect(crashed.signal).toBe('SIGKILL');
    // The kill came after a batch was stored and before its offsets were committed.
    const committedBefore = await Promise.all(feeds.map((f) => committedTotal(`${topics.env.QRM_INGEST_GROUP_PREFIX}-${f}`, topicOf[f])));
    expect(committedBefore.reduce((a, b) => a + b, 0)).toBeLessThan(570);

    const restarted = qrm(['run', '--services', 'ingest'], env);
    await waitForLog(restarted, 'qrm running');
    for (const f of feeds) await waitForCommitted(kafka, `${topics.env.QRM_INGEST_GROUP_PREFIX}-${f}`, topicOf[f]);
    restarted.kill('SIGTERM');
    const stopped = await restarted.result;
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('"msg":"stopped"');

    const counts = await qrmOnce(
      ['sql', 'SELECT (SELECT count() FROM complaints) c, (SELECT uniqExact(id) FROM complaints) u, (SELECT count() FROM media_items) m, (SELECT count() FROM spot_checks) s'],
      env,
    );
    expect(counts.stderr).toBe('');
    expect(JSON.parse(counts.stdout)).toEqual({ c: 500, u: 500, m: 50, s: 20 });
  });

  it('never logs personal data', async () => {
    const run = qrm(['run', '--services', 'ingest'], { ...env, LOG_LEVEL: 'trace' });
    await waitForLog(run, 'qrm running');
    await produce(kafka, topicOf.hotline, [{ value: json(hotlineRecord(9999, { productCode: 'nope' })) }, { value: Buffer.from('{"complainant":{"phone":"13912345678"') }]);
    await waitForCommitted(kafka, `${topics.env.QRM_INGEST_GROUP_PREFIX}-hotline`, topicOf.hotline);
    run.kill('SIGTERM');
    const r = await run.result;
    expect(r.stderr).toContain('dead-lettered');
    expect(r.stderr).not.toContain('13800138000');
    expect(r.stderr).not.toContain('13912345678');
    expect(r.stderr).not.toContain('张三');
  });
});

describe('qrm run: shutdown while ClickHouse is down', () => {
  let bridge: Bridge;
  const topics = uniqueTopics('sig');
  beforeAll(async () => {
    bridge = await startBridge(tempDir());
  });
  afterAll(async () => bridge?.close());

  it('a first signal waits for the in-flight batch; a second exits at once without committing', async () => {
    const env = envFor(topics.env, { CLICKHOUSE_URL: bridge.url, QRM_INGEST_RETRY_MAX_MS: '300' });
    const run = qrm(['run', '--services', 'ingest'], env);
    await waitForLog(run, 'qrm running');
    await bridge.down();
    await produce(kafka, topics.env.QRM_TOPIC_HOTLINE, [{ value: json(hotlineRecord(1)) }]);
    await waitForLog(run, 'storage unavailable');
    run.kill('SIGTERM');
    await waitForLog(run, 'shutting down');
    // Still retrying: the first signal does not abandon a batch that could yet be stored.
    await new Promise((r) => setTimeout(r, 500));
    expect(run.exitCode).toBeNull();
    run.kill('SIGTERM');
    const r = await run.result;
    expect(r.code).toBe(130);
    expect(await committedTotal(`${topics.env.QRM_INGEST_GROUP_PREFIX}-hotline`, topics.env.QRM_TOPIC_HOTLINE)).toBe(0);
  });
});

describe('qrm commands', () => {
  const dataDir = tempDir();
  const env = { QRM_DATA_DIR: dataDir, LOG_LEVEL: 'warn', KAFKA_BROKERS: brokers() };

  it('migrate is idempotent', async () => {
    const first = await qrmOnce(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('applied: 0001_raw_tables');
    const second = await qrmOnce(['migrate'], env);
    expect(second.stdout).toContain('schema is up to date');
  });

  it('sql prints JSONEachRow and refuses writes', async () => {
    const ok = await qrmOnce(['sql', 'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name'], env);
    expect(ok.code).toBe(0);
    const names = ok.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { name: string }).name);
    expect(names).toEqual(expect.arrayContaining(['complaints', 'dead_letters', 'media_items', 'spot_checks']));
    const params = await qrmOnce(['sql', 'SELECT {n:UInt32} + 1 AS x', '--param', 'n=41'], env);
    expect(JSON.parse(params.stdout)).toEqual({ x: 42 });
    const write = await qrmOnce(['sql', 'DROP TABLE complaints'], env);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/readonly/i);
  });

  it('sql explains when another process owns the embedded database', async () => {
    const owner = qrm(['run', '--services', 'ingest'], { ...env, QRM_HTTP_PORT: '0', QRM_KAFKA_SESSION_TIMEOUT_MS: '6000', LOG_LEVEL: 'info', ...uniqueTopics('own').env });
    await waitForLog(owner, 'qrm running');
    const r = await qrmOnce(['sql', 'SELECT 1'], env);
    owner.kill('SIGTERM');
    await owner.result;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('in use by another qrm process');
  });

  it('names the variable when configuration is invalid', async () => {
    const r = await qrmOnce(['migrate'], { ...env, QRM_HTTP_PORT: 'eighty', KAFKA_BROKERS: 'no-port' });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('QRM_HTTP_PORT ("eighty")');
    expect(r.stderr).toContain('KAFKA_BROKERS ("no-port")');
  });

  it('rejects unknown services', async () => {
    const r = await qrmOnce(['run', '--services', 'ingest,teleport'], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('teleport');
  });

  it.each([[[]], [['run']], [['migrate']], [['sql']], [['kafka-dev']], [['simulate']]])('has --help for %j', async (cmd) => {
    const r = await qrmOnce([...cmd, '--help'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: qrm/);
  });
});
