// One closed list of error codes. Each says whether trying again can help: the ingest loop retries
// retryable storage errors with backoff and never retries bad data (that goes to the dead-letter
// topic instead).

export const errorCodes = {
  CONFIG_INVALID: { retryable: false, message: 'configuration is invalid' },
  CLICKHOUSE_UNAVAILABLE: { retryable: true, message: 'ClickHouse is unavailable' },
  CLICKHOUSE_REJECTED: { retryable: false, message: 'ClickHouse rejected the statement' },
  DLQ_PUBLISH_FAILED: { retryable: true, message: 'could not publish to the dead-letter topic' },
  MIGRATION_FAILED: { retryable: false, message: 'a schema migration failed' },
  KAFKA_DEV_UNAVAILABLE: { retryable: false, message: 'the local Kafka mock cluster cannot be started' },
  SHUTDOWN: { retryable: false, message: 'the service is shutting down' },
  EMAIL_UNAVAILABLE: { retryable: true, message: 'the SMTP server is unreachable or deferred the message' },
  EMAIL_REJECTED: { retryable: false, message: 'the SMTP server rejected the message' },
  SMS_UNAVAILABLE: { retryable: true, message: 'the SMS gateway is unreachable or failing' },
  SMS_REJECTED: { retryable: false, message: 'the SMS gateway rejected the message' },
} as const satisfies Record<string, { retryable: boolean; message: string }>;

export type ErrorCode = keyof typeof errorCodes;

export type Stage = 'config' | 'decode' | 'insert' | 'dlq' | 'commit' | 'migrate' | 'query' | 'http' | 'cli' | 'kafka' | 'notify';

export class QrmError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly stage: Stage;

  constructor(code: ErrorCode, stage: Stage, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${errorCodes[code].message}: ${detail}` : errorCodes[code].message, options);
    this.name = 'QrmError';
    this.code = code;
    this.retryable = errorCodes[code].retryable;
    this.stage = stage;
  }
}

export function isRetryable(err: unknown): boolean {
  return err instanceof QrmError ? err.retryable : false;
}

/** Wraps an error with what was being done ("inserting batch: ..."), keeping the cause. */
export function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
