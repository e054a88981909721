import { parseArgs } from 'node:util';
import { feedSchemasV1, type Feed } from '../../schemas/feeds/v1/index.ts';
import { plainValidatorsV1 } from '../../schemas/feeds/v1/plain.ts';
import { decoder, jsonDepth } from '../../services/transforms/normalize/decode.ts';
import { phoneHasher } from '../../services/transforms/normalize/pii.ts';
import { hotlineLine, mediaLine, spotcheckLine, type SourcePosition } from '../../services/transforms/normalize/rows.ts';
import { buildDataset, DATASET_END, FEEDS } from './lib.ts';

// Per-message CPU of the ingest path on the JavaScript thread, stage by stage, on the benchmark's
// own data set: `npx tsx test/bench/normalize.ts [--messages N]`. No Kafka, no ClickHouse, so the
// figures hold still on a busy machine where the end-to-end benchmark does not.

const { values } = parseArgs({ options: { messages: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } } });
const dataset = buildDataset(Number(values.messages), 1);
const now = () => DATASET_END.getTime();
const byFeed = Object.fromEntries(FEEDS.map((f) => [f, dataset.messages.filter((m) => m.feed === f).map((m) => m.message.value as Buffer)])) as Record<Feed, Buffer[]>;
const hash = phoneHasher('bench-key-0123456789');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function time(name: string, feed: Feed, fn: (v: Buffer, i: number) => unknown) {
  const msgs = byFeed[feed];
  let best = Infinity;
  for (let r = 0; r < Number(values.rounds); r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < msgs.length; i++) fn(msgs[i]!, i);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1000 / msgs.length);
  }
  return [name, feed, best.toFixed(2)] as const;
}

const rows: (readonly [string, string, string])[] = [];
for (const feed of FEEDS) {
  const texts = byFeed[feed].map((v) => v.toString('utf8'));
  const jsons = texts.map((t) => JSON.parse(t) as Record<string, unknown>);
  const zod = feedSchemasV1[feed]({ now });
  const plain = plainValidatorsV1({ now })[feed] as (j: Record<string, unknown>) => unknown;
  const decode = decoder(feed, { maxBytes: 1_048_576, maxDepth: 16, now });
  const pos: SourcePosition = { topic: 't', partition: 0, offset: '0', ingestedAt: now() };
  const build = { hotline: (r: unknown) => hotlineLine(r as never, pos, hash), media: (r: unknown) => mediaLine(r as never, pos), spotcheck: (r: unknown) => spotcheckLine(r as never, pos) }[feed];
  const records = jsons.map((j) => plain(j));
  rows.push(
    time('utf-8 decode', feed, (v) => utf8.decode(v)),
    time('depth check', feed, (_, i) => jsonDepth(texts[i]!)),
    time('JSON.parse', feed, (_, i) => JSON.parse(texts[i]!)),
    time('zod', feed, (_, i) => zod.safeParse(jsons[i])),
    time('fast path', feed, (_, i) => plain(jsons[i]!)),
    time('row line', feed, (_, i) => build(records[i])),
    time('whole decode()', feed, (v) => decode(v)),
  );
}
const width = Math.max(...rows.map((r) => r[0].length));
process.stdout.write(`microseconds per message (best of ${values.rounds}), ${dataset.messages.length} messages\n`);
for (const [name, feed, us] of rows) process.stdout.write(`${name.padEnd(width)}  ${feed.padEnd(9)}  ${us.padStart(7)}\n`);
