// Collects parts (one per Kafka batch, possibly from several partitions) until the batch is full or
// has waited long enough, then stores them in one go. Each part's promise settles when its data is
// stored, so the caller commits offsets only after that: the caller's wait is the backpressure, and
// the buffer never holds more than maxRows plus one part per partition.
//
// Up to `concurrency` flushes run at once, so decoding the next batch overlaps with inserting the
// last. That is safe for offsets: a partition's next Kafka batch is fetched only after its previous
// part settled, so one partition never has two parts in flight, and each part commits only its own
// partition's offsets.

export type Part<T> = { items: T[]; size: number };

type Waiting<T> = Part<T> & { resolve: () => void; reject: (err: unknown) => void };

export type BatcherOptions<T> = {
  maxRows: number;
  maxWaitMs: number;
  concurrency?: number;
  flush: (parts: Part<T>[]) => Promise<void>;
};

export class Batcher<T> {
  readonly #opts: BatcherOptions<T>;
  #waiting: Waiting<T>[] = [];
  #size = 0;
  #timer: NodeJS.Timeout | undefined;
  #running = new Set<Promise<void>>();

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

  /** Starts a flush of everything waiting, once a flush slot is free; resolves when all are done. */
  flushNow(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const parts = this.#waiting;
    this.#waiting = [];
    this.#size = 0;
    if (parts.length > 0) {
      const slotFree = this.#running.size < (this.#opts.concurrency ?? 1) ? Promise.resolve() : Promise.race(this.#running);
      const run: Promise<void> = slotFree.then(async () => {
        try {
          await this.#opts.flush(parts);
          for (const p of parts) p.resolve();
        } catch (err) {
          for (const p of parts) p.reject(err);
        }
      });
      this.#running.add(run);
      void run.finally(() => this.#running.delete(run));
    }
    return Promise.all(this.#running).then(() => undefined);
  }

  get pendingRows(): number {
    return this.#size;
  }
}
