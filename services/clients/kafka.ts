import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type LogEntry, type Admin } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConfig } from '../config/kafka.ts';

// The one place that builds a kafkajs client from configuration, with its logs routed into pino.

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(config: KafkaConfig, log: Logger, clientSuffix = ''): Kafka {
  const kafkaLog = log.child({ component: 'kafkajs' });
  const options: KafkaJsConfig = {
    clientId: clientSuffix ? `${config.clientId}-${clientSuffix}` : config.clientId,
    brokers: [...config.brokers],
    ssl: config.ssl,
    // kafkajs INFO is chatty (every join and rebalance); it is still useful at debug.
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        kafkaLog[levels[level] ?? 'info'](rest, message);
      },
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
  };
  if (config.sasl) options.sasl = { ...config.sasl } as KafkaJsConfig['sasl'];
  return new Kafka(options);
}

/**
 * Creates topics if they do not exist. A failure is logged, not fatal: brokers with auto-creation
 * (and librdkafka's mock cluster, whose CreateTopics fails with "Broker 0 not found") create them on
 * first use, and in a managed cluster topics are often provisioned by the platform team.
 */
export async function ensureTopics(admin: Admin, topics: string[], log: Logger, numPartitions = 4): Promise<void> {
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions })), waitForLeaders: true });
  } catch (err) {
    log.warn({ err: (err as Error).message, topics }, 'could not create topics; relying on broker auto-creation');
  }
}
