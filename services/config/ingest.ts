import type { z } from 'zod';
import { intWithDefault, stringWithDefault } from './env.ts';

export const ingestEnv = {
  QRM_INGEST_GROUP_PREFIX: stringWithDefault('qrm-ingest'),
  QRM_INGEST_BATCH_MAX_ROWS: intWithDefault(10_000, 1, 1_000_000),
  QRM_INGEST_BATCH_MAX_WAIT_MS: intWithDefault(50, 1, 60_000),
  QRM_MAX_MESSAGE_BYTES: intWithDefault(1_048_576, 1_024, 64 * 1_048_576),
  QRM_MAX_JSON_DEPTH: intWithDefault(16, 2, 256),
  QRM_INGEST_RETRY_MAX_MS: intWithDefault(30_000, 100, 600_000),
  QRM_KAFKA_SESSION_TIMEOUT_MS: intWithDefault(30_000, 6_000, 300_000),
  QRM_KAFKA_FETCH_MAX_WAIT_MS: intWithDefault(100, 10, 10_000),
};

type Env = z.output<z.ZodObject<typeof ingestEnv>>;

export function ingestConfig(env: Env) {
  return {
    groupPrefix: env.QRM_INGEST_GROUP_PREFIX,
    batchMaxRows: env.QRM_INGEST_BATCH_MAX_ROWS,
    batchMaxWaitMs: env.QRM_INGEST_BATCH_MAX_WAIT_MS,
    maxMessageBytes: env.QRM_MAX_MESSAGE_BYTES,
    maxJsonDepth: env.QRM_MAX_JSON_DEPTH,
    retryMaxMs: env.QRM_INGEST_RETRY_MAX_MS,
    sessionTimeoutMs: env.QRM_KAFKA_SESSION_TIMEOUT_MS,
    fetchMaxWaitMs: env.QRM_KAFKA_FETCH_MAX_WAIT_MS,
  };
}

export type IngestConfig = ReturnType<typeof ingestConfig>;
