import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Feed } from '../../../schemas/feeds/v1/index.ts';
import type { KafkaConfig } from '../../config/kafka.ts';

// Reads `{"topic": "<feed topic>", "value": <message object>}` lines (what `qrm simulate --out`
// writes; `valueBase64` carries bytes that are not JSON text) and yields each message as the bytes a
// Kafka consumer would have seen, so backtests go through the very same decoding as live ingest.

export type FileMessage = { line: number; feed: Feed; key: Buffer | null; value: Buffer };
export type FileRejection = { line: number; reason: string };

export async function* readEvents(path: string, topics: KafkaConfig['topics']): AsyncGenerator<FileMessage | FileRejection> {
  const feedOf = new Map<string, Feed>([
    [topics.hotline, 'hotline'],
    [topics.media, 'media'],
    [topics.spotcheck, 'spotcheck'],
  ]);
  const lines = createInterface({ input: path === '-' ? process.stdin : createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    let entry: { topic?: unknown; key?: unknown; value?: unknown; valueBase64?: unknown };
    try {
      entry = JSON.parse(text) as typeof entry;
    } catch {
      yield { line: n, reason: 'line is not JSON' };
      continue;
    }
    const feed = typeof entry.topic === 'string' ? feedOf.get(entry.topic) : undefined;
    if (!feed) {
      yield { line: n, reason: `unknown topic ${JSON.stringify(entry.topic)}` };
      continue;
    }
    const value =
      typeof entry.valueBase64 === 'string'
        ? Buffer.from(entry.valueBase64, 'base64')
        : entry.value === undefined
          ? undefined
          : Buffer.from(typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value));
    if (!value) {
      yield { line: n, reason: 'no value' };
      continue;
    }
    yield { line: n, feed, key: typeof entry.key === 'string' && entry.key ? Buffer.from(entry.key) : null, value };
  }
}
