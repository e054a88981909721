// Collects parts (one per Kafka batch) until there are maxRows rows or the oldest has waited
// maxWaitMs, then stores them in one insert. One insert runs at a time per feed: while it runs, the
// next batch keeps filling, so a slow insert makes the next one larger instead of queueing many
// small ones. Each part's promise settles when its rows are stored; offsets are committed from that
// (offsets.ts). The caller bounds the buffer by waiting when bufferedRows grows too large.

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
  #waitingRows = 0;
  #flushingRows = 0;
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The oldest waiting part has waited maxWaitMs (or a flush was asked for). */
  #due = false;

  constructor(opts: BatcherOptions<T>) {
    this.#opts = opts;
  }

  /** Resolves once the part's rows are stored; rejects if storing them failed for good. */
  add(part: Part<T>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ ...part, resolve, reject });
      this.#waitingRows += part.size;
      this.#schedule();
    });
  }

  /** Stores everything waiting without waiting for the timer; resolves when nothing is left. */
  async flushNow(): Promise<void> {
    while (this.#flushing || this.#waiting.length > 0) {
      this.#due = true;
      this.#schedule();
      await this.#flushing;
    }
  }

  /** Rows handed to add() and not yet stored. */
  get bufferedRows(): number {
    return this.#waitingRows + this.#flushingRows;
  }

  #schedule(): void {
    if (this.#waiting.length === 0) return;
    if (!this.#flushing && (this.#due || this.#waitingRows >= this.#opts.maxRows)) {
      this.#start();
      return;
    }
    // The clock runs during a flush too, so parts that arrive meanwhile go right after it if due.
    if (!this.#due) this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#due = true;
      this.#schedule();
    }, this.#opts.maxWaitMs);
  }

  #start(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // Whole parts up to maxRows; what is left over has waited as long, so it goes next.
    let n = 0;
    let rows = 0;
    while (n < this.#waiting.length && (n === 0 || rows + this.#waiting[n]!.size <= this.#opts.maxRows)) rows += this.#waiting[n++]!.size;
    const parts = this.#waiting.splice(0, n);
    this.#waitingRows -= rows;
    this.#flushingRows = rows;
    this.#due = this.#waiting.length > 0 && this.#due;
    this.#flushing = this.#run(parts).finally(() => {
      this.#flushing = undefined;
      this.#flushingRows = 0;
      this.#schedule();
    });
  }

  async #run(parts: Waiting<T>[]): Promise<void> {
    try {
      await this.#opts.flush(parts);
    } catch (err) {
      for (const p of parts) p.reject(err);
      return;
    }
    for (const p of parts) p.resolve();
  }
}
