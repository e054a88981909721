import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap servers of the Kafka cluster the tests use (see global-setup.ts). */
    kafkaBrokers: string;
  }
}
