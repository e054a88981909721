import { z } from 'zod';
import { booleanWithDefault, optionalString, stringWithDefault } from './env.ts';

export const kafkaEnv = {
  KAFKA_BROKERS: stringWithDefault('localhost:9092').refine(
    (v) => v.split(',').every((b) => /^[^\s:,]+:\d{1,5}$/.test(b.trim())),
    'expected comma-separated host:port pairs',
  ),
  KAFKA_CLIENT_ID: stringWithDefault('qrm'),
  KAFKA_SASL_MECHANISM: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.toLowerCase() : undefined),
    z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  ),
  KAFKA_SASL_USERNAME: optionalString(),
  KAFKA_SASL_PASSWORD: optionalString(),
  KAFKA_SSL: booleanWithDefault(false),
  QRM_TOPIC_HOTLINE: stringWithDefault('qrm.hotline.complaints'),
  QRM_TOPIC_MEDIA: stringWithDefault('qrm.media.sentiment'),
  QRM_TOPIC_SPOTCHECK: stringWithDefault('qrm.spotcheck.results'),
  QRM_TOPIC_DLQ: stringWithDefault('qrm.dlq'),
  QRM_TOPIC_WARNINGS: stringWithDefault('qrm.risk.warnings'),
  QRM_TOPIC_INSPECTIONS: stringWithDefault('qrm.inspection.requests'),
};

type Env = z.output<z.ZodObject<typeof kafkaEnv>>;

export function kafkaConfig(env: Env) {
  const sasl =
    env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME
      ? { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD ?? '' }
      : undefined;
  return {
    brokers: env.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    clientId: env.KAFKA_CLIENT_ID,
    ssl: env.KAFKA_SSL,
    sasl,
    topics: {
      hotline: env.QRM_TOPIC_HOTLINE,
      media: env.QRM_TOPIC_MEDIA,
      spotcheck: env.QRM_TOPIC_SPOTCHECK,
      dlq: env.QRM_TOPIC_DLQ,
      warnings: env.QRM_TOPIC_WARNINGS,
      inspections: env.QRM_TOPIC_INSPECTIONS,
    },
  };
}

export type KafkaConfig = ReturnType<typeof kafkaConfig>;
