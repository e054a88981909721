import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Message, type IHeaders } from 'kafkajs';
import { inject } from 'vitest';

// Test-side Kafka access: a plain kafkajs client on the shared cluster, and unique topic names per
// test so files can run in parallel against one cluster.

export function brokers(): string {
  return inject('kafkaBrokers');
}

export function testKafka(): Kafka {
  return new Kafka({ clientId: 'qrm-test', brokers: brokers().split(','), logLevel: logLevel.NOTHING });
}

export function uniqueTopics(prefix = 't') {
  const id = `${prefix}-${randomUUID().slice(0, 8)}`;
  return {
    id,
    env: {
      QRM_TOPIC_HOTLINE: `${id}.hotline`,
      QRM_TOPIC_MEDIA: `${id}.media`,
      QRM_TOPIC_SPOTCHECK: `${id}.spotcheck`,
      QRM_TOPIC_DLQ: `${id}.dlq`,
      QRM_INGEST_GROUP_PREFIX: `${id}-ingest`,
    },
  };
}

export async function produce(kafka: Kafka, topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 1_000) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1_000) });
  } finally {
    await producer.disconnect();
  }
}

export type Consumed = { key: string | null; value: Buffer | null; headers: Record<string, string> };

/** Reads a topic from the beginning until `count` messages arrived (or the timeout passes). */
export async function consumeAll(kafka: Kafka, topic: string, count: number, timeoutMs = 30_000): Promise<Consumed[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  const out: Consumed[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      out.push({ key: message.key?.toString() ?? null, value: message.value, headers: headersToStrings(message.headers) });
      if (out.length >= count) done();
    },
  });
  await Promise.race([finished, new Promise((r) => setTimeout(r, timeoutMs))]);
  await consumer.disconnect();
  return out;
}

function headersToStrings(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  return out;
}

/** Polls until `check` returns true; fails with the last value seen. */
export async function waitFor<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 45_000, label = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}; last value ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

/** Waits until a consumer group has committed every partition of `topic` up to its high watermark. */
export async function waitForCommitted(kafka: Kafka, groupId: string, topic: string, timeoutMs = 60_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const lagOf = async () => {
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      // kafkajs reports -1 for a partition the group has not committed yet.
      return ends.reduce((sum, p) => {
        const c = done.get(p.partition) ?? -1n;
        return sum + Number(BigInt(p.high) - (c < 0n ? 0n : c));
      }, 0);
    };
    await waitFor(lagOf, (lag) => lag === 0, timeoutMs, `group ${groupId} to commit ${topic}`);
  } finally {
    await admin.disconnect();
  }
}
