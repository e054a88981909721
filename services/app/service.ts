/** A long-running part of qrm that `qrm run` starts and stops. */
export type Service = {
  name: string;
  start(): Promise<void>;
  /** Finishes in-flight work and releases resources; idempotent. */
  stop(): Promise<void>;
  /** Gives up on in-flight work that cannot finish (shutdown deadline passed). */
  abort?(): void;
  ready(): boolean;
};
