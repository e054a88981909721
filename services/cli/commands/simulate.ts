import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import type { Message, Producer } from 'kafkajs';
import { createKafka, ensureTopics } from '../../clients/kafka.ts';
import { parseIncident, simulate, type Incident, type SimMessage } from '../../simulate/index.ts';
import { context, fail } from '../context.ts';
import { span } from '../options.ts';

type Opts = {
  rate: number;
  duration: number;
  start?: string;
  seed: number;
  invalidRate: number;
  incident: string[];
  out?: string;
  realtime?: boolean;
};

const number = (min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected a number in [${min}, ${max}]`);
  return n;
};

export function simulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('produce realistic hotline, media and spot-check feeds to Kafka, or to an NDJSON file')
    .option('--rate <n>', 'messages per second of event time, all feeds together', number(0.001, 1e6), 100)
    .option('--duration <span>', 'event-time span to simulate (90s, 15m, 6h, 7d)', span('--duration'), 60_000)
    .option('--start <iso>', 'event time of the first message (default: now minus the duration)')
    .option('--seed <n>', 'seed: the same seed and options give byte-identical output', number(0, 2 ** 32 - 1), 1)
    .option('--invalid-rate <r>', 'share of deliberately invalid messages', number(0, 1), 0.02)
    .option('--incident <spec>', 'inject an incident: kind:product:region[:start=ISO][:hours=N][:intensity=X]; kinds: complaint_surge, spotcheck_failures, media_expose (repeatable)', (v, prev: string[]) => [...prev, v], [])
    .option('--out <file>', 'write NDJSON lines {"topic","key","value"} instead of producing to Kafka ("-" for stdout)')
    .option('--realtime', 'pace production so event time follows the wall clock (a live feed); default is as fast as possible')
    .addHelpText('after', '\nExamples:\n  qrm simulate --duration 7d --rate 5 --incident complaint_surge:waterproof_membrane:130184\n  qrm simulate --duration 1h --rate 50 --out feeds.ndjson --seed 42')
    .action(async (opts: Opts) => {
      const { config, log } = context();
      try {
        const now = new Date();
        const start = opts.start ? new Date(opts.start) : new Date(now.getTime() - opts.duration);
        if (Number.isNaN(start.getTime())) throw new InvalidArgumentError('--start: not a date');
        const incidents: Incident[] = opts.incident.map((s) => parseIncident(s, new Date(start.getTime() + opts.duration / 2)));
        // With an explicit --start the output depends on the options alone (byte-identical for a seed);
        // without one the window ends now, and "now" also places the future-dated invalid messages.
        const messages = simulate({
          seed: opts.seed,
          start,
          durationSeconds: opts.duration / 1000,
          ratePerSecond: opts.rate,
          invalidRate: opts.invalidRate,
          incidents,
          ...(opts.start ? {} : { now }),
        });
        const topics = config.kafka.topics;
        const total = Math.round((opts.duration / 1000) * opts.rate);
        const counts: Record<string, { valid: number; invalid: number }> = {};
        const count = (m: SimMessage) => {
          const c = (counts[m.topic] ??= { valid: 0, invalid: 0 });
          if (m.valid) c.valid++;
          else c.invalid++;
        };
        const bar = process.stderr.isTTY && opts.out !== '-' ? new SingleBar({ clearOnComplete: true }, Presets.shades_classic) : undefined;
        bar?.start(total, 0);
        let done = 0;
        const tick = (n: number) => bar?.update((done += n));

        if (opts.out) {
          const stream: NodeJS.WritableStream = opts.out === '-' ? process.stdout : createWriteStream(opts.out);
          for (const m of messages) {
            count(m);
            if (!stream.write(`${ndjsonLine(topics[m.topic], m)}\n`)) await once(stream, 'drain');
            tick(1);
          }
          if (stream !== process.stdout) {
            (stream as WriteStream).end();
            await once(stream, 'finish');
          }
        } else {
          const kafka = createKafka(config.kafka, log, 'simulate');
          const producer = kafka.producer({ allowAutoTopicCreation: true });
          const admin = kafka.admin();
          await admin.connect();
          await ensureTopics(admin, [topics.hotline, topics.media, topics.spotcheck], log);
          await admin.disconnect();
          await producer.connect();
          try {
            await produceAll(producer, messages, (m) => topics[m.topic], { realtime: !!opts.realtime, start: start.getTime(), count, tick });
          } finally {
            await producer.disconnect();
          }
        }
        bar?.stop();
        const summary = `${JSON.stringify({ seed: opts.seed, from: start.toISOString(), to: new Date(start.getTime() + opts.duration).toISOString(), messages: counts })}\n`;
        (opts.out === '-' ? process.stderr : process.stdout).write(summary);
      } catch (err) {
        fail(err);
      }
    });
}

/** Lines as `qrm backtest --events` reads them; a message that is not valid JSON text keeps its bytes in base64. */
export function ndjsonLine(topic: string, m: SimMessage): string {
  const text = m.value.toString('utf8');
  let value: unknown;
  try {
    if (Buffer.from(text, 'utf8').equals(m.value)) value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  return value === undefined
    ? JSON.stringify({ topic, key: m.key, valueBase64: m.value.toString('base64') })
    : JSON.stringify({ topic, key: m.key, value });
}

async function produceAll(
  producer: Producer,
  messages: Iterable<SimMessage>,
  topicOf: (m: SimMessage) => string,
  o: { realtime: boolean; start: number; count: (m: SimMessage) => void; tick: (n: number) => void },
): Promise<void> {
  // Chunks per topic, several sends in flight: the mock cluster and a real broker both reward batching.
  const CHUNK = 2_000;
  let chunk = new Map<string, Message[]>();
  let size = 0;
  const inFlight = new Set<Promise<unknown>>();
  const wallStart = Date.now();
  const send = async () => {
    const topicMessages = [...chunk].map(([topic, msgs]) => ({ topic, messages: msgs }));
    chunk = new Map();
    const n = size;
    size = 0;
    const p = producer.sendBatch({ topicMessages, acks: -1 }).then(() => o.tick(n));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    if (inFlight.size >= 4) await Promise.race(inFlight);
  };
  for (const m of messages) {
    if (o.realtime) {
      const wait = m.time.getTime() - o.start - (Date.now() - wallStart);
      if (wait > 0) {
        if (size > 0) await send();
        await new Promise((r) => setTimeout(r, wait));
      }
    }
    o.count(m);
    const topic = topicOf(m);
    const list = chunk.get(topic) ?? [];
    list.push({ key: m.key || null, value: m.value });
    chunk.set(topic, list);
    if (++size >= CHUNK) await send();
  }
  if (size > 0) await send();
  await Promise.all(inFlight);
}
