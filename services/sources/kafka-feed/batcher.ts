// Collects parts (one per Kafka batch, possibly from several partitions) until the batch is full or
// has waited long enough, then stores them in one go. Each part's promise settles when its data is
// stored, so the caller commits offsets only after that: the caller's wait is the backpressure, and
// the buffer never holds more than maxRows plus one part.

export type Part<T> = { items: T[]; size: number };

type Waiting<T> = Part<T> & { resolve: () => void; reject: (err: unknown) => void };

export type BatcherOptions<T> = {
  maxRows: number;
  maxWaitMs: number;
  flush: (parts: Part<T>[]) => Promise<void>;
};

export class Batcher<T> {
  readonly #opts: BatcherOptions<T>;
  #waiting: Waiting<T>[] = [];
  #size = 0;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(opts: BatcherOptions<T>) {
    this.#opts = opts;
  }

  add(part: Part<T>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ ...part, resolve, reject });
      this.#size += part.size;
      if (this.#size >= this.#opts.maxRows) this.flushNow();
      else this.#timer ??= setTimeout(() => this.flushNow(), this.#opts.maxWaitMs);
    });
  }

  /** Starts a flush of everything waiting; flushes run one at a time, in order. */
  flushNow(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const parts = this.#waiting;
    this.#waiting = [];
    this.#size = 0;
    if (parts.length === 0) return this.#chain;
    this.#chain = this.#chain.then(async () => {
      try {
        await this.#opts.flush(parts);
        for (const p of parts) p.resolve();
      } catch (err) {
        for (const p of parts) p.reject(err);
      }
    });
    return this.#chain;
  }

  get pendingRows(): number {
    return this.#size;
  }
}
