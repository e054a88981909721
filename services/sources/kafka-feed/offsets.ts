// Which offsets may be committed. Kafka batches are handed to storage without waiting for it, so a
// partition can have several batches between "read" and "stored" at once; an offset becomes
// committable only when its batch and every earlier batch of the same partition are stored. A batch
// whose storage failed blocks its partition: nothing at or after it is committed until the
// consumer has sought back to rewindPoints() and reset() the tracker.

type Pending = { first: string; next: bigint; highWatermark: bigint; stored: boolean };

export type Committable = { partition: number; offset: string; lag: number };

export class OffsetTracker {
  /** Per partition, batches in the order they were read. */
  #pending = new Map<number, Pending[]>();
  /** Per partition, the highest offset handed out for commit: commits never go backwards. */
  #handedOut = new Map<number, bigint>();
  #failed = new Set<number>();
  #epoch = 0;

  /**
   * Records a batch that was read; returns the callbacks its storage outcome must call. Callbacks
   * from before a reset() do nothing: their batches will be read again.
   */
  track(partition: number, firstOffset: string, lastOffset: string, highWatermark: string): { stored: () => void; failed: () => boolean } {
    const entry: Pending = { first: firstOffset, next: BigInt(lastOffset) + 1n, highWatermark: BigInt(highWatermark), stored: false };
    let queue = this.#pending.get(partition);
    if (!queue) this.#pending.set(partition, (queue = []));
    queue.push(entry);
    const epoch = this.#epoch;
    return {
      stored: () => {
        if (epoch === this.#epoch) entry.stored = true;
      },
      /** True the first time a batch of the current epoch fails: the caller then rewinds. */
      failed: () => {
        if (epoch !== this.#epoch || this.#failed.has(partition)) return false;
        this.#failed.add(partition);
        return true;
      },
    };
  }

  /** Offsets (next to read) that are newly safe to commit: stored, with everything before them. */
  take(): Committable[] {
    const out: Committable[] = [];
    for (const [partition, queue] of this.#pending) {
      if (this.#failed.has(partition)) continue;
      let ready: Pending | undefined;
      while (queue.length > 0 && queue[0]!.stored) ready = queue.shift();
      if (!ready) continue;
      // After a rebalance the same partition can be read again from an older commit; committing
      // that older offset would be safe but pointless.
      const before = this.#handedOut.get(partition);
      if (before !== undefined && ready.next <= before) continue;
      this.#handedOut.set(partition, ready.next);
      const lag = ready.highWatermark > ready.next ? Number(ready.highWatermark - ready.next) : 0;
      out.push({ partition, offset: ready.next.toString(), lag });
    }
    return out;
  }

  /** Batches read but not yet committable (stored or not). */
  get pendingBatches(): number {
    let n = 0;
    for (const q of this.#pending.values()) n += q.length;
    return n;
  }

  get failed(): boolean {
    return this.#failed.size > 0;
  }

  /**
   * Where each partition must be read again from: its oldest batch not yet committable. Everything
   * before it is stored.
   */
  rewindPoints(): { partition: number; offset: string }[] {
    return [...this.#pending].filter(([, q]) => q.length > 0).map(([partition, q]) => ({ partition, offset: q[0]!.first }));
  }

  /** Forgets everything: the consumer reads these batches again (after a seek to rewindPoints()). */
  reset(): void {
    this.#epoch++;
    this.#pending.clear();
    this.#handedOut.clear();
    this.#failed.clear();
  }
}
