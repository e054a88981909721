import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { relative } from 'node:path';
import type { Kafka, Message } from 'kafkajs';
import { startMockCluster, stopMockCluster } from '../../services/lib/kafka-mock.ts';
import { TOPIC_SHARE } from '../../services/simulate/activity.ts';
import { simulate, type Topic } from '../../services/simulate/index.ts';

// Helpers shared by the benchmarks under test/bench: the data set, the brokers, a producer that keeps
// the consumer inside the mock cluster's retention, process probes and the printed table.

export type Feed = Topic;
export const FEEDS: readonly Feed[] = ['hotline', 'media', 'spotcheck'];
export type PerFeed<T> = Record<Feed, T>;

export const perFeed = <T>(f: (feed: Feed) => T): PerFeed<T> => ({ hotline: f('hotline'), media: f('media'), spotcheck: f('spotcheck') });
export const sum = (v: PerFeed<number>): number => v.hotline + v.media + v.spotcheck;
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------
// Data set

export type Dataset = {
  seed: number;
  /**
   * One message per feed, produced and consumed before the clock starts: it creates the topics and
   * proves the consumers have joined, so group start-up is not counted as ingest time.
   */
  warmup: PerFeed<Message>;
  /** The measured messages in generator order, feeds interleaved as on a live system. */
  messages: { feed: Feed; message: Message }[];
  count: PerFeed<number>;
  /** Key plus value bytes: what the broker's retention is spent on, give or take record headers. */
  bytes: PerFeed<number>;
};

/**
 * The simulated week ends here, a fixed date in the past: the same seed then gives the same bytes
 * on every run and machine, so results compare across runs (only future dates are invalid).
 */
export const DATASET_END = new Date('2025-06-02T00:00:00Z');

/**
 * Exactly `total` valid messages split by the simulator's own topic shares, from one deterministic
 * run of the generator: the same seed gives the same bytes, so both contenders ingest identical data.
 * Generated into memory before any clock starts, so generation speed never limits the producer.
 */
export function buildDataset(total: number, seed: number, now = DATASET_END): Dataset {
  const quota: PerFeed<number> = {
    hotline: Math.round(total * TOPIC_SHARE.hotline),
    media: Math.round(total * TOPIC_SHARE.media),
    spotcheck: 0,
  };
  quota.spotcheck = total - quota.hotline - quota.media;
  // A whole simulated week, so the weekly activity profiles average out to the topic shares; 40 %
  // more arrivals than needed, since each feed stops at its quota and Poisson counts vary.
  const week = 7 * 86_400;
  const start = new Date(now.getTime() - week * 1000);
  const gen = simulate({ seed, start, durationSeconds: week, ratePerSecond: (total * 1.4) / week, invalidRate: 0, incidents: [], now });
  const warmup: Partial<PerFeed<Message>> = {};
  const messages: Dataset['messages'] = [];
  const count = perFeed(() => 0);
  const bytes = perFeed(() => 0);
  // Record ids are unique per seed (sequence numbers per topic), which both contenders rely on: the
  // target tables collapse duplicate ids, and a collapsed row would never be counted.
  for (const m of gen) {
    if (!m.valid) throw new Error(`simulate produced an invalid message with invalidRate 0: ${m.invalidReason}`);
    const message: Message = { key: m.key || null, value: m.value };
    if (!warmup[m.topic]) {
      warmup[m.topic] = message;
      continue;
    }
    if (count[m.topic] >= quota[m.topic]) {
      if (FEEDS.every((f) => count[f] >= quota[f])) break;
      continue;
    }
    messages.push({ feed: m.topic, message });
    count[m.topic]++;
    bytes[m.topic] += m.value.length + Buffer.byteLength(m.key);
  }
  for (const f of FEEDS) {
    if (count[f] < quota[f]) throw new Error(`the simulated week gave only ${count[f]} ${f} messages, ${quota[f]} needed`);
  }
  return { seed, warmup: warmup as PerFeed<Message>, messages, count, bytes };
}

// ---------------------------------------------------------------------------------------------------
// Brokers

export type Brokers = {
  brokers: string;
  mock: boolean;
  /** The kcat process that hosts the mock: its CPU is part of the picture on a two-core machine. */
  mockPid?: number;
  stop(): void;
};

/** KAFKA_BROKERS when set, else a librdkafka mock cluster (through kcat) for this run only. */
export async function startBrokers(logFile: string): Promise<Brokers> {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, mock: false, stop: () => undefined };
  const cluster = await startMockCluster(logFile);
  // startMockCluster returns the shell that pipes `tail` into kcat; kcat is one of its children.
  const kcat = childPidsOf(cluster.pid).find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'kcat');
  return { brokers: cluster.brokers, mock: true, mockPid: kcat, stop: () => void stopMockCluster(cluster.pid) };
}

/**
 * librdkafka's mock keeps at most 5 MiB per partition and drops the oldest message sets beyond that
 * (rdkafka_mock.c, `mpart->max_size`), so a consumer that falls further behind silently loses data.
 * The producer therefore keeps `produced - stored` under a share of that per feed: a real broker
 * retains far more, so the limit is conservative there and only matters if the consumer is slower.
 */
export const MOCK_PARTITION_BYTES = 5 * 1_048_576;

export function retentionWindow(dataset: Dataset, partitions: PerFeed<number>, share = 0.6): PerFeed<number> {
  // About 70 bytes of record and batch framing per message on top of key and value.
  return perFeed((f) => Math.floor((share * partitions[f] * MOCK_PARTITION_BYTES) / (dataset.bytes[f] / dataset.count[f] + 70)));
}

export async function partitionCounts(kafka: Kafka, topics: PerFeed<string>): Promise<PerFeed<number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: FEEDS.map((f) => topics[f]) });
    const byName = new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
    return perFeed((f) => byName.get(topics[f]) ?? 1);
  } finally {
    await admin.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------
// Producing

export type ProducerLibrary = 'kcat' | 'kafkajs';

export type ProduceOptions = {
  kafka: Kafka;
  /** Bootstrap servers, for kcat. */
  brokers: string;
  /**
   * kcat (librdkafka, C, one process per topic fed through a pipe) by default: it spends a few
   * CPU microseconds per message where kafkajs in this process spends about 20, CPU that the
   * contenders share on a small machine. kafkajs stays for comparison with earlier figures.
   */
  library: ProducerLibrary;
  topics: PerFeed<string>;
  messages: Dataset['messages'];
  /**
   * Messages per topic handed over at once: one sendBatch for kafkajs, one write to kcat's stdin
   * (librdkafka then batches by its own batch.size and linger.ms). Each feed has its own upstream
   * system, so batches are per topic, as real producers build them (per partition). The mock serves
   * one message set per partition per fetch (rdkafka_mock_handlers.c: "FIXME: Multiple
   * messageSets ?"), so on the mock a message set's size is also what a consumer gets per fetch.
   */
  chunk: number;
  /** kafkajs: sendBatch calls awaiting their acks at once. */
  inFlight: number;
  acks: -1 | 1;
  /** Flow control: rows the consumer side has stored so far (kept fresh by the caller's poll loop). */
  stored?: () => PerFeed<number>;
  /** Flow control: most messages per feed allowed to be produced but not yet stored. */
  window?: PerFeed<number>;
  signal?: AbortSignal;
};

export type ProduceResult = { startedAt: number; endedAt: number; seconds: number; throttledSeconds: number };

/** Hands a feed's messages to a producer; `close` resolves once everything is acknowledged. */
type Sender = { send(feed: Feed, messages: Message[]): Promise<void>; close(): Promise<void>; abort(): void };

export async function produceAll(o: ProduceOptions): Promise<ProduceResult> {
  const sender = o.library === 'kcat' ? kcatSender(o) : await kafkajsSender(o);
  const produced = perFeed(() => 0);
  const pending = perFeed((): Message[] => []);
  let throttled = 0;

  // A chunk larger than the window still goes once nothing is outstanding, rather than never.
  const fits = (feed: Feed, n: number) => {
    if (!o.stored || !o.window) return true;
    const backlog = produced[feed] - o.stored()[feed];
    return backlog <= 0 || backlog + n <= o.window[feed];
  };
  const send = async (feed: Feed) => {
    const messages = pending[feed];
    pending[feed] = [];
    if (!fits(feed, messages.length)) {
      const waitFrom = performance.now();
      while (!fits(feed, messages.length)) {
        if (o.signal?.aborted) throw o.signal.reason;
        await sleep(5);
      }
      throttled += performance.now() - waitFrom;
    }
    if (o.signal?.aborted) throw o.signal.reason;
    produced[feed] += messages.length;
    await sender.send(feed, messages);
  };

  const startedAt = performance.now();
  let closed = false;
  try {
    for (const m of o.messages) {
      pending[m.feed].push(m.message);
      if (pending[m.feed].length >= o.chunk) await send(m.feed);
    }
    for (const f of FEEDS) if (pending[f].length) await send(f);
    closed = true;
    await sender.close();
  } finally {
    if (!closed) sender.abort();
  }
  const endedAt = performance.now();
  return { startedAt, endedAt, seconds: (endedAt - startedAt) / 1000, throttledSeconds: throttled / 1000 };
}

async function kafkajsSender(o: ProduceOptions): Promise<Sender> {
  const producer = o.kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const inFlight = new Set<Promise<unknown>>();
  let failure: unknown;
  return {
    async send(feed, messages) {
      if (failure) throw failure;
      const p = producer.sendBatch({ acks: o.acks, topicMessages: [{ topic: o.topics[feed], messages }] }).catch((err: unknown) => void (failure ??= err));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= o.inFlight) await Promise.race(inFlight);
    },
    async close() {
      try {
        await Promise.all(inFlight);
        if (failure) throw failure;
      } finally {
        await producer.disconnect();
      }
    },
    abort() {
      void producer.disconnect().catch(() => undefined);
    },
  };
}

const TAB = 0x09;
const NEWLINE = 0x0a;

/**
 * One `kcat -P` per topic, fed `key<TAB>value<NEWLINE>` lines on stdin. A message counts as produced
 * once written to the pipe; kcat exits 0 after every message is acknowledged (it flushes on end of
 * input), so `close` is the producer's finish line. Keys and values of the data set hold neither
 * delimiter (ids and JSON.stringify output), checked as the lines are built.
 */
function kcatSender(o: ProduceOptions): Sender {
  const procs = perFeed((f) => {
    const child = spawn(
      'kcat',
      ['-P', '-q', '-b', o.brokers, '-t', o.topics[f], '-K', '\\t', '-X', `acks=${o.acks === -1 ? 'all' : '1'}`, '-X', 'linger.ms=5'],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => void (stderr = (stderr + d).slice(-2000)));
    const exited = new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`kcat producing to ${o.topics[f]} exited with ${code ?? signal}: ${stderr.trim()}`)),
      );
    });
    // A failed kcat must fail the run even before close() is reached.
    exited.catch(() => undefined);
    return { child, exited };
  });
  return {
    async send(feed, messages) {
      const parts: Buffer[] = [];
      for (const m of messages) {
        const key = m.key === null || m.key === undefined ? Buffer.alloc(0) : Buffer.from(m.key);
        const value = m.value as Buffer;
        if (key.includes(TAB) || key.includes(NEWLINE) || value.includes(NEWLINE)) throw new Error('kcat: a key or value holds a delimiter (tab or newline)');
        parts.push(key, TAB_BUFFER, value, NEWLINE_BUFFER);
      }
      const { child, exited } = procs[feed];
      if (child.exitCode !== null) await exited;
      if (!child.stdin!.write(Buffer.concat(parts))) await Promise.race([once(child.stdin!, 'drain'), exited]);
    },
    async close() {
      for (const f of FEEDS) procs[f].child.stdin!.end();
      await Promise.all(FEEDS.map((f) => procs[f].exited));
    },
    abort() {
      for (const f of FEEDS) procs[f].child.kill('SIGKILL');
    },
  };
}

const TAB_BUFFER = Buffer.from([TAB]);
const NEWLINE_BUFFER = Buffer.from([NEWLINE]);

/** Produces one message per feed and waits for the acks: creates the topics on auto-creating brokers. */
export async function produceWarmup(kafka: Kafka, topics: PerFeed<string>, dataset: Dataset): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    await producer.sendBatch({ acks: -1, topicMessages: FEEDS.map((f) => ({ topic: topics[f], messages: [dataset.warmup[f]] })) });
  } finally {
    await producer.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------
// Waiting for rows

export type WatchOptions = {
  read: () => Promise<PerFeed<number>>;
  target: PerFeed<number>;
  intervalMs: number;
  /** Give up when nothing new was stored for this long: messages were lost or the consumer died. */
  stallMs: number;
  onSample?: (rows: PerFeed<number>) => void;
  signal?: AbortSignal;
};

/** Polls until every feed reaches its target; returns when (performance.now()) the last row was seen. */
export async function waitForRows(o: WatchOptions): Promise<{ endedAt: number; rows: PerFeed<number> }> {
  let rows = await o.read();
  let lastTotal = sum(rows);
  let lastChange = performance.now();
  for (;;) {
    o.onSample?.(rows);
    if (FEEDS.every((f) => rows[f] >= o.target[f])) return { endedAt: performance.now(), rows };
    if (o.signal?.aborted) throw o.signal.reason;
    if (performance.now() - lastChange > o.stallMs) {
      const seen = FEEDS.map((f) => `${f} ${rows[f]}/${o.target[f]}`).join(', ');
      throw new Error(`no progress for ${o.stallMs / 1000} s (${seen}); if the consumer fell behind, the mock cluster dropped messages`);
    }
    await sleep(o.intervalMs);
    rows = await o.read();
    if (sum(rows) !== lastTotal) {
      lastTotal = sum(rows);
      lastChange = performance.now();
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Process probes (Linux /proc)

const MB = 1_048_576;

/**
 * Resident set now and its high-water mark (VmHWM: the kernel's own peak, covers the whole life).
 * The resident set splits into anonymous memory (heaps, stacks: what the process allocated) and
 * file pages (mapped libraries: chDB's libchdb.so alone is most of a process's file pages).
 */
export function memoryOf(pid: number): { rssMB: number; peakRssMB: number; anonMB: number; fileMB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMB: (kb('VmRSS') * 1024) / MB, peakRssMB: (kb('VmHWM') * 1024) / MB, anonMB: (kb('RssAnon') * 1024) / MB, fileMB: (kb('RssFile') * 1024) / MB };
  } catch {
    return undefined;
  }
}

let clockTicks: number | undefined;

/** User plus system CPU seconds a process has used so far, all threads included. */
export function cpuSecondsOf(pid: number, statFile = `/proc/${pid}/stat`): number | undefined {
  try {
    clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    const stat = readFileSync(statFile, 'utf8');
    // The command name may contain spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of a process's children that have ended and been waited for (cutime + cstime): the
 * benchmark's kcat producers, which exit when their input is produced.
 */
export function childrenCpuSecondsOf(pid: number): number | undefined {
  try {
    clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / clockTicks;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds the whole machine has been busy (all cores, /proc/stat): minus the processes a
 * benchmark knows about, what remains is other load that skewed the run (a shared machine).
 */
export function machineBusySeconds(): number | undefined {
  try {
    clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / clockTicks;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds per thread name, all threads of a process: separates a Node process's JavaScript
 * thread (named after the process, tid = pid) from libuv, V8 and chDB's engine threads.
 */
export function threadCpuOf(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    const cpu = cpuSecondsOf(Number(tid), `/proc/${pid}/task/${tid}/stat`);
    if (cpu === undefined) continue;
    let name: string;
    try {
      name = Number(tid) === pid ? 'main thread' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    out.set(name, (out.get(name) ?? 0) + cpu);
  }
  return out;
}

/** Per thread name: CPU seconds used between two threadCpuOf snapshots, largest first. */
export function threadCpuDelta(before: Map<string, number>, after: Map<string, number>, top = 8): Record<string, number> {
  const rows = [...after].map(([name, cpu]) => [name, cpu - (before.get(name) ?? 0)] as const).filter(([, cpu]) => cpu >= 0.01);
  rows.sort((a, b) => b[1] - a[1]);
  const out: Record<string, number> = {};
  for (const [name, cpu] of rows.slice(0, top)) out[name] = round(cpu, 2)!;
  const rest = rows.slice(top).reduce((acc, [, cpu]) => acc + cpu, 0);
  if (rest > 0) out['(other threads)'] = round(rest, 2)!;
  return out;
}

/**
 * Resets the kernel's high-water mark of resident memory (VmHWM) to the current RSS, so the next
 * memoryOf().peakRssMB covers only what follows (Linux >= 4.0, `5` in /proc/PID/clear_refs). False
 * when the kernel refuses, in which case the peak stays the whole life's.
 */
export function resetPeakRss(pid = process.pid): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Direct children of a process (Linux scans /proc: the `children` file is not always compiled in). */
export function childPidsOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // The process ended between readdir and read.
    }
  }
  return out;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
  };
}

// ---------------------------------------------------------------------------------------------------
// Prometheus text format (enough of it for qrm's /metrics)

export type Sample = { name: string; labels: Record<string, string>; value: number };

export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of a metric's samples grouped by one label, optionally filtered by others. */
export function sumBy(samples: Sample[], name: string, by: string, where: Record<string, string> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== name || Object.entries(where).some(([k, v]) => s.labels[k] !== v)) continue;
    const key = s.labels[by] ?? '';
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// CPU profiles (node --cpu-prof)

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number };

/**
 * Self time by function and by source (package or repository file) from a .cpuprofile, the two views
 * that say where an ingest path spends its time without opening DevTools. Covers the whole life of
 * the process, start-up included.
 */
export function summarizeCpuProfile(file: string, root: string, top = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
  // Shares are of busy time: idle samples (waiting on I/O or timers) are left out.
  const busy = profile.nodes.reduce((acc, n) => acc + (n.callFrame.functionName === '(idle)' ? 0 : (n.hitCount ?? 0)), 0);
  const total = busy || 1;
  const byFunction = new Map<string, number>();
  const bySource = new Map<string, number>();
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (!hits || n.callFrame.functionName === '(idle)') continue;
    const source = sourceOf(n.callFrame.url, root);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${source}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
    bySource.set(source, (bySource.get(source) ?? 0) + hits);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, hits]) => ({ name, selfPercent: Number(((100 * hits) / total).toFixed(1)) }));
  const interval = (profile.endTime - profile.startTime) / 1e6 / (profile.samples.length || 1);
  return {
    file,
    seconds: round((profile.endTime - profile.startTime) / 1e6, 2),
    busySeconds: round(busy * interval, 2),
    functions: rank(byFunction),
    sources: rank(bySource),
  };
}

function sourceOf(url: string, root: string): string {
  if (!url) return '(native, gc or idle)';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1]!;
  if (path.startsWith('node:')) return path;
  return path.startsWith('/') ? relative(root, path) : path;
}

// ---------------------------------------------------------------------------------------------------
// Output

/** Plain-text table with aligned columns: numbers right, text left. */
export function formatTable(header: string[], rows: (string | number | undefined)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === undefined ? '-' : typeof c === 'number' ? c.toLocaleString('en-US') : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.every((r) => r[i] === undefined || typeof r[i] === 'number'));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const round = (v: number | undefined, digits = 0): number | undefined => (v === undefined || !Number.isFinite(v) ? undefined : Number(v.toFixed(digits)));

/** The middle value (mean of the two middle ones for an even count); NaN for none. */
export const median = (values: number[]): number => {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
