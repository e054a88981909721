import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { channels, harms, issues, kinds } from '../../schemas/feeds/v1/hotline.ts';
import { sourceTypes } from '../../schemas/feeds/v1/media.ts';
import { levels, results } from '../../schemas/feeds/v1/spotcheck.ts';
import { connectClickHouse, type ClickHouse } from '../../services/clients/clickhouse.ts';
import type { ClickHouseConfig } from '../../services/config/clickhouse.ts';
import { loadConfig } from '../../services/config/index.ts';
import { migrate } from '../../services/sinks/clickhouse/migrate.ts';
import { createLogger } from '../../services/telemetry/logger.ts';
import { tables } from '../../services/transforms/normalize/rows.ts';
import {
  FEEDS,
  buildDataset,
  childrenCpuSecondsOf,
  cpuSecondsOf,
  formatTable,
  freePort,
  machineBusySeconds,
  machineInfo,
  memoryOf,
  parseMetrics,
  partitionCounts,
  perFeed,
  produceAll,
  produceWarmup,
  retentionWindow,
  round,
  sleep,
  startBrokers,
  sum,
  sumBy,
  summarizeCpuProfile,
  threadCpuDelta,
  threadCpuOf,
  waitForRows,
  type Dataset,
  type Feed,
  type PerFeed,
  type ProducerLibrary,
  type ProduceResult,
} from './lib.ts';

// End-to-end ingest throughput: `npm run bench:ingest [-- --messages N --out FILE --profile DIR]`.
//
// 1. producer alone: the data set to throwaway topics, nobody consuming: the ceiling for what
//    follows, since both contenders are measured from first produce to last row.
// 2. qrm: `qrm run --services ingest` as a child process on fresh topics and a fresh chDB; the
//    clock runs from the first produce until qrm_ingest_records_total{outcome="stored"} (counted
//    only after the ClickHouse insert succeeded) reaches the number of messages.
// 3. ClickHouse's own Kafka table engine: the same messages to fresh topics, consumed by chDB in a
//    child process (Kafka tables plus materialized views into qrm's own tables); the clock runs
//    until the target tables hold every row. This is the figure a ClickHouse engineer compares with.
//
// Messages are produced while the consumer runs and never further ahead of it than the broker
// retains: librdkafka's mock cluster keeps only 5 MiB per partition (retentionWindow in lib.ts; the
// mock's other quirks are listed in mockCaveats and written to the JSON). The same seed gives the
// same bytes for both contenders. Only valid messages are used, so row counts are exact. The JSON is
// written even when a contender fails, with the reason; the exit code is 0 unless the options are wrong.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ROLE_ENV = 'QRM_BENCH_ROLE';

type Options = {
  messages: number;
  out: string;
  seed: number;
  producer: ProducerLibrary;
  chunk: number;
  inFlight: number;
  acks: -1 | 1;
  kafkaConsumers: number;
  only?: 'qrm' | 'kafka-engine';
  profile?: string;
  pollMs: number;
  stallSeconds: number;
};

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      messages: { type: 'string' },
      out: { type: 'string', default: join(root, 'test/bench/results/ingest.json') },
      seed: { type: 'string', default: '1' },
      producer: { type: 'string', default: 'kcat' },
      chunk: { type: 'string', default: '8000' },
      'in-flight': { type: 'string', default: '4' },
      acks: { type: 'string', default: '-1' },
      'kafka-consumers': { type: 'string', default: '1' },
      only: { type: 'string' },
      profile: { type: 'string' },
      'poll-ms': { type: 'string', default: '100' },
      'stall-seconds': { type: 'string', default: '30' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      [
        'usage: npm run bench:ingest -- [options]',
        '  --messages N         valid messages over the three feeds (default 300000; BENCH_QUICK=1: 20000)',
        '  --out FILE           result JSON (default test/bench/results/ingest.json)',
        '  --seed N             generator seed (default 1)',
        '  --producer kcat|kafkajs  the producing client (default kcat: librdkafka in its own processes, a few CPU us per message; kafkajs: in this process, about 20)',
        '  --chunk N            messages per topic handed to the producer at once (default 8000: about 3.4 MB for hotline)',
        '  --in-flight N        kafkajs: sendBatch calls in flight (default 4)',
        '  --acks -1|1          producer acks (default -1)',
        '  --kafka-consumers N  kafka_num_consumers per Kafka engine table (default 1)',
        '  --only qrm|kafka-engine',
        '  --profile DIR        run qrm with --cpu-prof into DIR and summarise the profile',
        'qrm settings come from the environment as usual (QRM_INGEST_BATCH_MAX_ROWS, QRM_INGEST_BATCH_MAX_WAIT_MS, ...).',
        '',
      ].join('\n'),
    );
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}, got ${v}`);
    return n;
  };
  const acks = int('acks', values.acks, -1);
  if (acks !== -1 && acks !== 1) throw new Error('--acks: expected -1 or 1');
  if (values.producer !== 'kcat' && values.producer !== 'kafkajs') throw new Error('--producer: expected kcat or kafkajs');
  if (values.only !== undefined && values.only !== 'qrm' && values.only !== 'kafka-engine') throw new Error('--only: expected qrm or kafka-engine');
  const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
  return {
    messages: int('messages', values.messages ?? (quick ? '20000' : '300000'), 100),
    out: resolve(values.out),
    seed: int('seed', values.seed, 0),
    producer: values.producer,
    chunk: int('chunk', values.chunk, 1),
    inFlight: int('in-flight', values['in-flight'], 1),
    acks,
    kafkaConsumers: int('kafka-consumers', values['kafka-consumers'], 1),
    only: values.only as Options['only'],
    profile: values.profile ? resolve(values.profile) : undefined,
    pollMs: int('poll-ms', values['poll-ms'], 10),
    stallSeconds: int('stall-seconds', values['stall-seconds'], 1),
  };
}

// ---------------------------------------------------------------------------------------------------
// Shared by both contenders: warm up, then produce under flow control while polling for rows.

type Run = {
  kafka: Kafka;
  brokers: string;
  dataset: Dataset;
  opts: Options;
  /** Every child process and mock this run started, for cleanup on any exit path. */
  cleanups: (() => void)[];
  mockPid?: number;
};

/**
 * The timed part: produce every message (kept within the mock's retention of what `read` reports as
 * stored) and poll `read` until every feed has all its rows, counting the warm-up message too.
 * Meanwhile it samples the consuming process (`pid`): memory, and CPU per thread, so a slow result
 * can be told apart as CPU-bound (the JavaScript thread near one core) or waiting.
 */
async function measure(run: Run, topics: PerFeed<string>, read: () => Promise<PerFeed<number>>, pid: number) {
  const { dataset, opts } = run;
  const n = dataset.messages.length;
  const window = retentionWindow(dataset, await partitionCounts(run.kafka, topics));
  const target = perFeed((f) => dataset.count[f] + 1);
  let stored = await read();
  const atReady = memoryOf(pid);
  // The sample with the largest RSS, split into anonymous and file pages: what the peak is made of.
  let maxRss = atReady;
  const threadsBefore = threadCpuOf(pid);
  const cpuBefore = cpuSecondsOf(pid) ?? NaN;
  const mockBefore = run.mockPid ? cpuSecondsOf(run.mockPid) : undefined;
  const benchBefore = process.cpuUsage();
  const producersBefore = childrenCpuSecondsOf(process.pid) ?? 0;
  const machineBefore = machineBusySeconds();

  const abort = new AbortController();
  const stop = (err: unknown) => {
    abort.abort(err);
    throw err;
  };
  const producing = produceAll({
    kafka: run.kafka,
    brokers: run.brokers,
    library: opts.producer,
    topics,
    messages: dataset.messages,
    chunk: opts.chunk,
    inFlight: opts.inFlight,
    acks: opts.acks,
    stored: () => stored,
    window,
    signal: abort.signal,
  }).catch(stop);
  const watching = waitForRows({
    read,
    target,
    intervalMs: opts.pollMs,
    stallMs: opts.stallSeconds * 1000,
    signal: abort.signal,
    onSample: (rows) => {
      stored = rows;
      const now = memoryOf(pid);
      if (now && now.rssMB > (maxRss?.rssMB ?? 0)) maxRss = now;
    },
  }).catch(stop);
  const [produced, watched] = await Promise.all([producing, watching]);

  const seconds = (watched.endedAt - produced.startedAt) / 1000;
  const cpuSeconds = (cpuSecondsOf(pid) ?? NaN) - cpuBefore;
  const bench = process.cpuUsage(benchBefore);
  const mockAfter = run.mockPid ? cpuSecondsOf(run.mockPid) : undefined;
  const machineAfter = machineBusySeconds();
  // kcat producers have exited by now, so their CPU is in this process's children's account.
  const benchCpu = (bench.user + bench.system) / 1e6 + ((childrenCpuSecondsOf(process.pid) ?? 0) - producersBefore);
  const mockCpu = mockBefore !== undefined && mockAfter !== undefined ? mockAfter - mockBefore : 0;
  return {
    msgsPerSec: Math.round(n / seconds),
    seconds: round(seconds, 3)!,
    messages: n,
    peakRssMB: round(memoryOf(pid)?.peakRssMB, 1),
    rssAtReadyMB: round(atReady?.rssMB, 1),
    maxRssDuringRunMB: round(maxRss?.rssMB, 1),
    rssSplitMB: {
      atReady: { anon: round(atReady?.anonMB, 1), file: round(atReady?.fileMB, 1) },
      atMaxSample: { anon: round(maxRss?.anonMB, 1), file: round(maxRss?.fileMB, 1) },
    },
    cpuSeconds: round(cpuSeconds, 2),
    cpuCores: round(cpuSeconds / seconds, 2),
    cpuMicrosPerMessage: round((1e6 * cpuSeconds) / n, 1),
    cpuByThread: threadCpuDelta(threadsBefore, threadCpuOf(pid)),
    producer: producerFigures(produced, n),
    // The other processes on the same cores during the timed part: the producer (this process and
    // its kcat children) and the mock.
    benchProcessCpuSeconds: round(benchCpu, 2),
    mockCpuSeconds: run.mockPid ? round(mockCpu, 2) : undefined,
    // Anything else that ran meanwhile: well above zero means the figures are skewed by other load.
    otherLoadCpuSeconds:
      machineBefore !== undefined && machineAfter !== undefined ? round(Math.max(0, machineAfter - machineBefore - cpuSeconds - benchCpu - mockCpu), 2) : undefined,
    retentionWindow: window,
  };
}

function producerFigures(p: ProduceResult, n: number) {
  return { msgsPerSec: Math.round(n / p.seconds), seconds: round(p.seconds, 3)!, throttledSeconds: round(p.throttledSeconds, 3)! };
}

function uniqueTopics(prefix: string): PerFeed<string> {
  return perFeed((f) => `${prefix}.${f}`);
}

/** A short random suffix: a rerun on the same long-lived cluster never sees an earlier run's messages. */
const runId = `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

// ---------------------------------------------------------------------------------------------------
// Phase 1: the producer alone

async function producerAlone(run: Run) {
  const topics = uniqueTopics(`${runId}.alone`);
  await produceWarmup(run.kafka, topics, run.dataset);
  const o = run.opts;
  const r = await produceAll({ kafka: run.kafka, brokers: run.brokers, library: o.producer, topics, messages: run.dataset.messages, chunk: o.chunk, inFlight: o.inFlight, acks: o.acks });
  return producerFigures(r, run.dataset.messages.length);
}

// ---------------------------------------------------------------------------------------------------
// Phase 2: qrm as a child process

async function benchQrm(run: Run, brokers: string) {
  const topics = uniqueTopics(`${runId}.qrm`);
  const dataDir = mkdtempSync(join(tmpdir(), 'qrm-bench-'));
  const logFile = join(dataDir, 'qrm.log');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: brokers,
    QRM_TOPIC_HOTLINE: topics.hotline,
    QRM_TOPIC_MEDIA: topics.media,
    QRM_TOPIC_SPOTCHECK: topics.spotcheck,
    QRM_TOPIC_DLQ: `${runId}.qrm.dlq`,
    QRM_INGEST_GROUP_PREFIX: `${runId}-qrm`,
    QRM_DATA_DIR: dataDir,
    QRM_PII_KEY: randomBytes(24).toString('base64url'),
    QRM_HTTP_PORT: String(port),
    LOG_LEVEL: 'warn',
    QRM_KAFKA_SESSION_TIMEOUT_MS: '6000',
    // A developer's `qrm kafka-dev` file must not redirect the child to another cluster.
    QRM_KAFKA_DEV_FILE: join(dataDir, 'no-kafka-dev.env'),
    CLICKHOUSE_URL: '',
  };
  const ingest = loadConfig(env).ingest;
  const settings = { batchMaxRows: ingest.batchMaxRows, batchMaxWaitMs: ingest.batchMaxWaitMs, clickhouse: 'embedded chDB' };

  // Topics exist before the consumers subscribe, and the warm-up rows prove the groups have joined.
  await produceWarmup(run.kafka, topics, run.dataset);
  if (run.opts.profile) mkdirSync(run.opts.profile, { recursive: true });
  const nodeArgs = run.opts.profile ? ['--cpu-prof', '--cpu-prof-dir', run.opts.profile] : [];
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'bin/qrm.js'), 'run', '--services', 'ingest'], { cwd: root, env, stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = once(child, 'exit');
  run.cleanups.push(() => child.kill('SIGKILL'));
  const pid = child.pid!;
  const base = `http://127.0.0.1:${port}`;
  const logTail = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n') : '');

  try {
    await waitUntil(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.ok === true, child, 90_000, 'qrm /readyz');
    // The same scrape splits qrm's memory: the V8 heap and Buffers (external) against the RSS; the
    // rest of the RSS is native memory, chDB's engine above all.
    const heap = { heapTotalMB: 0, heapUsedMB: 0, externalMB: 0 };
    const read = async () => {
      if (child.exitCode !== null) throw new Error(`qrm exited with code ${child.exitCode}`);
      const samples = parseMetrics(await (await fetch(`${base}/metrics`)).text());
      const gauge = (name: string) => (sumBy(samples, `qrm_process_nodejs_${name}`, '')[''] ?? 0) / 1_048_576;
      heap.heapTotalMB = Math.max(heap.heapTotalMB, gauge('heap_size_total_bytes'));
      heap.heapUsedMB = Math.max(heap.heapUsedMB, gauge('heap_size_used_bytes'));
      heap.externalMB = Math.max(heap.externalMB, gauge('external_memory_bytes'));
      const stored = sumBy(samples, 'qrm_ingest_records_total', 'feed', { outcome: 'stored' });
      return perFeed((f) => stored[f] ?? 0);
    };
    await waitForRows({ read, target: perFeed(() => 1), intervalMs: 100, stallMs: 60_000 });

    const measured = await measure(run, topics, read, pid);
    const samples = parseMetrics(await (await fetch(`${base}/metrics`)).text());

    child.kill('SIGTERM');
    const [code] = (await Promise.race([exited, sleep(30_000).then(() => [undefined])])) as [number | null | undefined];
    if (code === undefined) child.kill('SIGKILL');

    return {
      ...measured,
      maxHeapDuringRunMB: { total: round(heap.heapTotalMB, 1), used: round(heap.heapUsedMB, 1), external: round(heap.externalMB, 1) },
      settings,
      batches: batchFigures(samples),
      inserts: insertFigures(samples),
      exitCode: code ?? 'killed after 30 s',
      ...(run.opts.profile ? { profile: mainThreadProfile(run.opts.profile, pid) } : {}),
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- qrm log (${logFile}) ---\n${logTail()}`, { cause: err });
  } finally {
    await Promise.race([exited, sleep(5_000)]);
    if (child.exitCode !== null || child.signalCode !== null) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function waitUntil(check: () => Promise<boolean>, child: ChildProcess, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (child.exitCode !== null) throw new Error(`${what}: the process exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/** Mean rows per flushed batch: small batches mean the batcher's timer, not its size, decides. */
function batchFigures(samples: ReturnType<typeof parseMetrics>) {
  const count = sumBy(samples, 'qrm_ingest_batch_size_records_count', 'feed');
  const total = sumBy(samples, 'qrm_ingest_batch_size_records_sum', 'feed');
  return Object.fromEntries(FEEDS.map((f) => [f, { batches: count[f] ?? 0, meanRows: round((total[f] ?? 0) / (count[f] || 1)) }]));
}

function insertFigures(samples: ReturnType<typeof parseMetrics>) {
  const count = sumBy(samples, 'qrm_ingest_insert_duration_seconds_count', 'table');
  const total = sumBy(samples, 'qrm_ingest_insert_duration_seconds_sum', 'table');
  return Object.fromEntries(
    Object.keys(count).map((t) => [t, { inserts: count[t], meanMs: round((1000 * (total[t] ?? 0)) / (count[t] || 1), 1), totalSeconds: round(total[t], 2) }]),
  );
}

/**
 * The main thread's profile of process `pid`: node writes one file per thread,
 * CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, and tsx's loader runs in a worker thread.
 */
function mainThreadProfile(dir: string, pid: number) {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.0.`));
  return file ? summarizeCpuProfile(join(dir, file), root) : { error: `no main-thread .cpuprofile for process ${pid} in ${dir}` };
}

// ---------------------------------------------------------------------------------------------------
// Phase 3: ClickHouse's Kafka table engine, in chDB in a child process (its own RSS, its own CPU)

type EngineSettings = { maxBlockSize: number; flushIntervalMs: number; numConsumers: number; skipBrokenMessages: number };
type EngineJob = { clickhouse: ClickHouseConfig; brokers: string; topics: PerFeed<string>; group: string; piiKey: string; settings: EngineSettings };
type EngineReply = { id: number; rows?: PerFeed<number>; error?: string };

const engineDatabase = 'bench';

const kafkaEngineNotes = [
  'The Kafka engine does not validate: no catalog, region or future-date checks, no dead-letter topic; a broken message is skipped (kafka_skip_broken_messages).',
  'Transformations done in the materialized views: timestamps parsed best-effort (Beijing time when no offset), bilingual enums mapped with transform(), region hierarchy by code prefix, phones masked with an RE2 pattern (no look-behind), phone HMAC-SHA256 as qrm does.',
  'Target tables are qrm\'s own, created by the same migrations (with any materialized views they define), so the storage side of both contenders is identical.',
];

async function benchKafkaEngine(run: Run, brokers: string, qrmSettings: { batchMaxRows: number; batchMaxWaitMs: number }) {
  const topics = uniqueTopics(`${runId}.ch`);
  const dataDir = mkdtempSync(join(tmpdir(), 'qrm-bench-ch-'));
  // The engine's block size and flush interval play the part of qrm's batch size and wait.
  const settings: EngineSettings = {
    maxBlockSize: qrmSettings.batchMaxRows,
    flushIntervalMs: qrmSettings.batchMaxWaitMs,
    numConsumers: run.opts.kafkaConsumers,
    skipBrokenMessages: 1_000,
  };
  // The same engine options as qrm's embedded chDB (QRM_CHDB_ARGS, QRM_CHDB_MALLOC_CONF), so only the ingest path differs.
  const engine = loadConfig({ ...process.env, QRM_KAFKA_DEV_FILE: join(dataDir, 'none.env') }).clickhouse;
  const clickhouse: ClickHouseConfig = { ...engine, mode: 'embedded', url: undefined, cluster: undefined, database: engineDatabase, dataDir };
  const job: EngineJob = { clickhouse, brokers, topics, group: `${runId}-ch`, piiKey: randomBytes(24).toString('base64url'), settings };
  await produceWarmup(run.kafka, topics, run.dataset);
  const child = fork(fileURLToPath(import.meta.url), [], {
    cwd: root,
    env: { ...process.env, [ROLE_ENV]: 'kafka-engine', QRM_BENCH_JOB: JSON.stringify(job) },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  run.cleanups.push(() => child.kill('SIGKILL'));
  const exited = once(child, 'exit');
  const pid = child.pid!;
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: EngineReply) => void; reject: (e: Error) => void }>();
  child.on('message', (m: EngineReply) => pending.get(m.id)?.resolve(m));
  child.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`the Kafka engine process exited with code ${code}`));
    pending.clear();
  });
  const ask = (type: 'ready' | 'rows' | 'stop', timeoutMs = 120_000): Promise<EngineReply> =>
    new Promise<EngineReply>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => reject(new Error(`the Kafka engine process did not answer "${type}" within ${timeoutMs / 1000} s`)), timeoutMs);
      pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          pending.delete(id);
          if (r.error) reject(new Error(r.error));
          else resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send({ id, type });
    });
  const read = async () => (await ask('rows', 30_000)).rows!;

  try {
    await ask('ready');
    await waitForRows({ read, target: perFeed(() => 1), intervalMs: 100, stallMs: 60_000 });
    const measured = await measure(run, topics, read, pid);
    await ask('stop', 30_000).catch(() => child.kill('SIGKILL'));
    return {
      ...measured,
      settings: {
        kafka_max_block_size: settings.maxBlockSize,
        kafka_flush_interval_ms: settings.flushIntervalMs,
        kafka_num_consumers: settings.numConsumers,
        kafka_skip_broken_messages: settings.skipBrokenMessages,
        kafka_format: 'JSONEachRow',
      },
      notes: kafkaEngineNotes,
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    await Promise.race([exited, sleep(5_000)]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The child side: chDB with qrm's tables, a Kafka table and a materialized view per feed. */
async function kafkaEngineWorker(): Promise<void> {
  const job = JSON.parse(process.env.QRM_BENCH_JOB ?? '{}') as EngineJob;
  let ch: ClickHouse | undefined;
  const reply = (m: EngineReply) => process.send!(m);
  const handle = async (m: { id: number; type: string }) => {
    try {
      if (m.type === 'ready') {
        ch = await connectClickHouse(job.clickhouse);
        await migrate(ch, createLogger('warn'));
        for (const statement of kafkaEngineDdl(job)) await ch.client.command({ query: statement });
        reply({ id: m.id });
      } else if (m.type === 'rows') {
        // total_rows comes from part metadata: cheap to poll, unlike count() with FINAL, and exact
        // here because every record id is unique (nothing for ReplacingMergeTree to collapse).
        const res = await ch!.client.query({ query: `SELECT name, total_rows FROM system.tables WHERE database = '${engineDatabase}'`, format: 'JSONEachRow' });
        const byTable = new Map(((await res.json()) as { name: string; total_rows: number | string | null }[]).map((r) => [r.name, Number(r.total_rows ?? 0)]));
        reply({ id: m.id, rows: perFeed((f) => byTable.get(tables[f]) ?? 0) });
      } else if (m.type === 'stop') {
        // Dropping the Kafka tables stops their consumers and leaves the groups cleanly.
        for (const f of FEEDS) await ch?.client.command({ query: `DROP TABLE IF EXISTS ${engineDatabase}.kafka_${f}` });
        await ch?.close();
        reply({ id: m.id });
        process.disconnect();
        setTimeout(() => process.exit(0), 100).unref();
      }
    } catch (err) {
      reply({ id: m.id, error: `${m.type}: ${(err as Error).message}` });
    }
  };
  // One request at a time, in order, on the one chDB session.
  let chain = Promise.resolve();
  process.on('message', (m: { id: number; type: string }) => void (chain = chain.then(() => handle(m))));
  process.on('disconnect', () => setTimeout(() => process.exit(0), 1_000).unref());
}

/**
 * Kafka table plus materialized view per feed, into qrm's own tables. Literals come from this run's
 * own settings and from the contract's label tables, never from message content.
 */
function kafkaEngineDdl(job: EngineJob): string[] {
  const db = engineDatabase;
  const s = job.settings;
  const kafkaTable = (feed: Feed, columns: string) =>
    `CREATE TABLE ${db}.kafka_${feed} (${columns}) ENGINE = Kafka SETTINGS ` +
    [
      `kafka_broker_list = ${lit(job.brokers)}`,
      `kafka_topic_list = ${lit(job.topics[feed])}`,
      `kafka_group_name = ${lit(`${job.group}-${feed}`)}`,
      `kafka_format = 'JSONEachRow'`,
      `kafka_num_consumers = ${s.numConsumers}`,
      `kafka_max_block_size = ${s.maxBlockSize}`,
      `kafka_flush_interval_ms = ${s.flushIntervalMs}`,
      `kafka_skip_broken_messages = ${s.skipBrokenMessages}`,
    ].join(', ');
  const time = (col: string) => `parseDateTime64BestEffort(${col}, 3, 'Asia/Shanghai')`;
  const region = `substring(regionCode, 1, 6) AS region_code, substring(regionCode, 1, 4) AS prefecture_code, substring(regionCode, 1, 2) AS province_code`;
  const source = `_topic AS source_topic, _partition AS source_partition, _offset AS source_offset, now64(3) AS ingested_at`;
  // The RE2 equivalent of pii.ts's pattern, without its digit look-arounds (RE2 has none).
  const phonePattern = String.raw`(\+?86[- ]?)?(1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}|0[0-9]{2,3}-?[0-9]{7,8})`;
  const digits = `replaceRegexpAll(JSONExtractString(complainant, 'phone'), '[^0-9]', '')`;
  const phone = `multiIf(length(${digits}) = 13 AND startsWith(${digits}, '86'), substring(${digits}, 3), length(${digits}) = 15 AND startsWith(${digits}, '0086'), substring(${digits}, 5), ${digits})`;
  return [
    kafkaTable(
      'hotline',
      'id String, receivedAt String, channel String, kind String, regionCode String, productCode String, productName String, enterprise String, issue String, harm String, description String, complainant String',
    ),
    `CREATE MATERIALIZED VIEW ${db}.mv_hotline TO ${db}.${tables.hotline} AS SELECT id, ${time('receivedAt')} AS received_at,
      if(channel = '', 'phone', ${label(channels, 'channel')}) AS channel, ${label(kinds, 'kind')} AS kind, ${region},
      productCode AS product_code, replaceRegexpAll(productName, ${lit(phonePattern)}, '[phone]') AS product_name,
      JSONExtractString(enterprise, 'creditCode') AS enterprise_credit_code, JSONExtractString(enterprise, 'name') AS enterprise_name,
      ${label(issues, 'issue')} AS issue, if(harm = '', 'none', ${label(harms, 'harm')}) AS harm,
      replaceRegexpAll(description, ${lit(phonePattern)}, '[phone]') AS description,
      if(${digits} = '', '', lower(substring(hex(HMAC('sha256', ${phone}, ${lit(job.piiKey)})), 1, 32))) AS complainant_phone_hash,
      ${source} FROM ${db}.kafka_hotline`,
    kafkaTable(
      'media',
      'id String, publishedAt String, source String, sourceType String, url String, title String, regionCodes Array(String), productCode String, enterpriseCreditCodes Array(String), sentiment Float32, reach UInt64, exposure Bool',
    ),
    `CREATE MATERIALIZED VIEW ${db}.mv_media TO ${db}.${tables.media} AS SELECT id, ${time('publishedAt')} AS published_at, source,
      ${label(sourceTypes, 'sourceType')} AS source_type, url, title, arrayDistinct(arrayMap(c -> substring(c, 1, 6), regionCodes)) AS region_codes,
      productCode AS product_code, arrayDistinct(arrayFilter(c -> c != '', enterpriseCreditCodes)) AS enterprise_credit_codes,
      sentiment, reach, toUInt8(exposure) AS exposure, ${source} FROM ${db}.kafka_media`,
    kafkaTable(
      'spotcheck',
      'id String, sampledAt String, publishedAt String, level String, regionCode String, productCode String, enterprise String, batch String, result String, failedItems Array(Tuple(item String, hazard String)), lab String',
    ),
    `CREATE MATERIALIZED VIEW ${db}.mv_spotcheck TO ${db}.${tables.spotcheck} AS SELECT id, ${time('sampledAt')} AS sampled_at,
      parseDateTime64BestEffortOrNull(publishedAt, 3, 'Asia/Shanghai') AS published_at, ${label(levels, 'level')} AS level, ${region},
      productCode AS product_code, JSONExtractString(enterprise, 'creditCode') AS enterprise_credit_code,
      JSONExtractString(enterprise, 'name') AS enterprise_name, batch, ${label(results, 'result')} AS result,
      arrayMap(x -> x.item, failedItems) AS \`failed_items.item\`, arrayMap(x -> x.hazard, failedItems) AS \`failed_items.hazard\`,
      lab, ${source} FROM ${db}.kafka_spotcheck`,
  ];
}

/** Maps a bilingual label (Chinese or English) to its English code, as the contract's enums do. */
function label(labels: Record<string, string>, column: string): string {
  const pairs = Object.entries(labels).filter(([, zh]) => zh);
  return `transform(${column}, [${pairs.map(([, zh]) => lit(zh)).join(', ')}], [${pairs.map(([en]) => lit(en)).join(', ')}], ${column})`;
}

function lit(v: string): string {
  return `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

// ---------------------------------------------------------------------------------------------------
// Report

type QrmFigures = Awaited<ReturnType<typeof benchQrm>>;
type EngineFigures = Awaited<ReturnType<typeof benchKafkaEngine>>;
/** A contender's figures, or why there are none: the JSON is written whatever happened. */
type Outcome<T> = T | { msgsPerSec: null; error?: string; skipped?: true; notes?: string[] };
type ProducerOutcome = ReturnType<typeof producerFigures> | { error: string };

type Result = {
  date: string;
  /** The code measured: commit, and whether the working tree had changes on top of it. */
  revision?: string;
  machine: ReturnType<typeof machineInfo>;
  brokers?: string;
  messages: number;
  perFeed: PerFeed<number>;
  bytes: number;
  seed: number;
  producerSettings: { library: string; chunkPerTopic: number; inFlight: number; acks: -1 | 1 };
  producerAlone?: ProducerOutcome;
  qrm: Outcome<QrmFigures>;
  clickhouseKafkaEngine: Outcome<EngineFigures>;
  caveats?: string[];
  error?: string;
};

// What the mock cluster does differently from a Kafka broker, each of which shapes the figures.
const mockCaveats = [
  'The mock keeps 5 MiB per partition and drops older message sets, so the producer waits whenever produced minus stored nears 60 % of that ("throttledSeconds"); a consumer that catches up does not get a backlog to chew through.',
  'The mock answers a fetch with at most one message set per partition (rdkafka_mock_handlers.c, "FIXME: Multiple messageSets ?"), so a consumer gets at most one producer batch per partition per fetch (kcat: librdkafka\'s batch.size, 1 MB, about 2,300 hotline messages; kafkajs: chunk / 4); a broker returns up to the fetch size (qrm asks 2 MiB per partition).',
  'Every topic has 4 partitions, the mock\'s default for auto-created topics: librdkafka 2.0.2\'s mock has no CreateTopics (kafkajs gets "does not support the requested API version"), so neither a larger retention window (5 MiB per partition) nor more consumer parallelism can be had by adding partitions. Both contenders read the same 4-partition topics.',
  'The mock holds an empty fetch for the full max wait even when data arrives meanwhile (qrm: kafkajs maxWaitTimeInMs, QRM_KAFKA_FETCH_MAX_WAIT_MS, default 100; the Kafka engine: librdkafka fetch.wait.max.ms 500).',
  'Producer, mock and consumer share this machine\'s cores: see cpuByThread, benchProcessCpuSeconds, mockCpuSeconds and otherLoadCpuSeconds.',
];

const figures = <T extends object>(o: Outcome<T> | ProducerOutcome | undefined): Partial<T> & { error?: string; skipped?: true } =>
  (o ?? {}) as Partial<T> & { error?: string; skipped?: true };

function printReport(r: Result, dataset: Dataset, out: string): void {
  const q = figures<QrmFigures>(r.qrm);
  const k = figures<EngineFigures>(r.clickhouseKafkaEngine);
  const p = figures<ReturnType<typeof producerFigures>>(r.producerAlone);
  const note = (o: { error?: string; skipped?: true }, ok: string) => (o.error ? `error: ${firstLine(o.error)}` : o.skipped ? 'skipped' : ok);
  const m = r.machine;
  const lines = [
    '',
    `ingest benchmark: ${r.messages.toLocaleString('en-US')} valid messages (${FEEDS.map((f) => `${dataset.count[f].toLocaleString('en-US')} ${f}`).join(', ')}), seed ${r.seed}`,
    `machine: ${m.cpus} x ${m.cpuModel}, ${m.os}, Node ${m.node}, load average ${m.loadAverage1m} at start; brokers: ${r.brokers ?? '-'}`,
    '',
    formatTable(
      ['', 'msgs/s', 'seconds', 'producer msgs/s', 'throttled s', 'peak RSS MB', 'CPU s', 'CPU us/msg', 'note'],
      [
        ['producer alone (ceiling)', p.msgsPerSec, p.seconds, undefined, undefined, undefined, undefined, undefined, note(p, 'no consumer')],
        [
          'qrm ingest',
          q.msgsPerSec ?? undefined,
          q.seconds,
          q.producer?.msgsPerSec,
          q.producer?.throttledSeconds,
          q.peakRssMB,
          q.cpuSeconds,
          q.cpuMicrosPerMessage,
          note(q, `validates; batch ${q.settings?.batchMaxRows} rows / ${q.settings?.batchMaxWaitMs} ms`),
        ],
        [
          'ClickHouse Kafka engine',
          k.msgsPerSec ?? undefined,
          k.seconds,
          k.producer?.msgsPerSec,
          k.producer?.throttledSeconds,
          k.peakRssMB,
          k.cpuSeconds,
          k.cpuMicrosPerMessage,
          note(k, 'no validation (see notes in the JSON)'),
        ],
      ],
    ),
    '',
  ];
  if (q.msgsPerSec) {
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    lines.push(
      `targets: qrm >= 50,000 msg/s ${verdict(q.msgsPerSec >= 50_000)}; peak RSS < 500 MB ${verdict((q.peakRssMB ?? Infinity) < 500)}` +
        (k.msgsPerSec ? `; at least as fast as the Kafka engine ${verdict(q.msgsPerSec >= k.msgsPerSec)}` : ''),
    );
  }
  if (q.otherLoadCpuSeconds !== undefined || k.otherLoadCpuSeconds !== undefined) {
    // More than a tenth of the machine's capacity taken by something else skews the comparison.
    const skewed = [q, k].some((o) => o.otherLoadCpuSeconds !== undefined && o.seconds && o.otherLoadCpuSeconds > 0.1 * o.seconds * m.cpus);
    lines.push(
      `other load on this machine during the timed parts: qrm ${q.otherLoadCpuSeconds ?? '-'} CPU s, Kafka engine ${k.otherLoadCpuSeconds ?? '-'} CPU s` +
        (skewed ? ' -- SKEWED: run again on a quiet machine' : ''),
    );
  }
  if (q.batches) lines.push(`qrm batches: ${FEEDS.map((f) => `${f} ${q.batches![f]!.batches} x ${q.batches![f]!.meanRows} rows`).join(', ')}`);
  lines.push(
    '"throttled s": time the producer waited so the consumer stayed within the mock cluster\'s 5 MiB per partition; CPU: the consumer process only.',
    `written: ${out}`,
    '',
  );
  process.stdout.write(lines.join('\n'));
}

function revision(): string | undefined {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return undefined;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ' with uncommitted changes' : ''}`;
}

const firstLine = (s: string) => s.split('\n')[0]!.slice(0, 80);

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  let opts: Options;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench:ingest: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const machine = machineInfo();
  const started = new Date();
  const cleanups: (() => void)[] = [];
  const onSignal = () => {
    for (const c of cleanups.reverse()) c();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  process.stderr.write(`generating ${opts.messages.toLocaleString('en-US')} messages (seed ${opts.seed})...\n`);
  const dataset = buildDataset(opts.messages, opts.seed);
  const result: Result = {
    date: started.toISOString(),
    revision: revision(),
    machine,
    messages: dataset.messages.length,
    perFeed: dataset.count,
    bytes: sum(dataset.bytes),
    seed: opts.seed,
    producerSettings: { library: opts.producer, chunkPerTopic: opts.chunk, inFlight: opts.inFlight, acks: opts.acks },
    qrm: { msgsPerSec: null, skipped: true },
    clickhouseKafkaEngine: { msgsPerSec: null, skipped: true },
  };

  const logDir = mkdtempSync(join(tmpdir(), 'qrm-bench-kafka-'));
  try {
    const brokers = await startBrokers(join(logDir, 'kafka-mock.log'));
    cleanups.push(brokers.stop);
    result.brokers = brokers.mock ? 'librdkafka mock cluster (kcat), 3 brokers' : brokers.brokers;
    if (brokers.mock) result.caveats = mockCaveats;
    const kafka = new Kafka({ clientId: 'qrm-bench', brokers: brokers.brokers.split(','), logLevel: logLevel.ERROR });
    const run: Run = { kafka, brokers: brokers.brokers, dataset, opts, cleanups, mockPid: brokers.mockPid };

    process.stderr.write('producer alone...\n');
    result.producerAlone = await producerAlone(run).catch((err: Error) => ({ error: err.message }));

    // The Kafka engine copies qrm's batch settings, so read them even when qrm itself is skipped.
    let qrmSettings = loadConfig({ ...process.env, QRM_KAFKA_DEV_FILE: join(logDir, 'none.env') }).ingest;
    if (opts.only !== 'kafka-engine') {
      process.stderr.write('qrm...\n');
      try {
        const q = await benchQrm(run, brokers.brokers);
        qrmSettings = { ...qrmSettings, ...q.settings };
        result.qrm = q;
      } catch (err) {
        result.qrm = { msgsPerSec: null, error: (err as Error).message };
      }
    }
    if (opts.only !== 'qrm') {
      process.stderr.write('ClickHouse Kafka engine...\n');
      try {
        result.clickhouseKafkaEngine = await benchKafkaEngine(run, brokers.brokers, qrmSettings);
      } catch (err) {
        result.clickhouseKafkaEngine = { msgsPerSec: null, error: (err as Error).message, notes: kafkaEngineNotes };
      }
    }
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    for (const c of cleanups.reverse()) c();
    rmSync(logDir, { recursive: true, force: true });
  }

  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
  printReport(result, dataset, opts.out);
  if (result.error) process.stderr.write(`bench: ${result.error}\n`);
  for (const [name, r] of [
    ['qrm', figures(result.qrm)],
    ['Kafka engine', figures(result.clickhouseKafkaEngine)],
  ] as const) {
    if (r.error) process.stderr.write(`\n${name} failed:\n${r.error}\n`);
  }
  // Exit 0 even when a contender failed: the JSON records why, and the lead's scripts read it.
  process.exit(0);
}

if (process.env[ROLE_ENV] === 'kafka-engine') await kafkaEngineWorker();
else await main();
