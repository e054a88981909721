export type Topic = 'hotline' | 'media' | 'spotcheck';

export type SimMessage = {
  topic: Topic;
  /** The record id, or '' (the contract lets producers leave the key empty). */
  key: string;
  value: Buffer;
  /** Whether the value satisfies every rule of feeds-v1; invalid ones must end in the dead-letter topic. */
  valid: boolean;
  invalidReason?: string;
  /** When the message is put on the topic (simulated time, whole seconds). */
  time: Date;
};

export type IncidentKind = 'complaint_surge' | 'spotcheck_failures' | 'media_expose';

export type Incident = {
  kind: IncidentKind;
  productCode: string;
  /** Six-digit county code. */
  regionCode: string;
  start: Date;
  durationHours: number;
  /**
   * complaint_surge: multiplier of the cell's complaint rate; spotcheck_failures: number of
   * failing spot checks; media_expose: scales the exposé's reach and the follow-up volume.
   */
  intensity: number;
};

export type SimOptions = {
  seed: number;
  start: Date;
  /** Simulated time span. */
  durationSeconds: number;
  /** Messages per simulated second across the three feeds (about 70 % hotline, 25 % media, 5 % spot checks). */
  ratePerSecond: number;
  /** Share of messages, 0..1, that break a rule of the contract. */
  invalidRate: number;
  incidents: Incident[];
  /**
   * When the messages will be processed. Timestamps made "more than a day in the future" are
   * measured from it; without it they are placed years after the window, so they stay invalid
   * whenever the output is replayed.
   */
  now?: Date;
};
