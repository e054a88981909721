import type { Committable, OffsetTracker } from './offsets.ts';

// Commits what the tracker says is stored, one commit request at a time per feed: a commit that is
// running when more batches are stored is followed by one more carrying the newest offsets, so
// commits never pile up. A failed commit (group rebalancing, coordinator moving) is kept and sent
// again with the next one; until then those messages would merely be read again after a crash.

export type CommitDeps = {
  tracker: OffsetTracker;
  commit: (offsets: Committable[]) => Promise<void>;
  onCommitted: (offsets: Committable[]) => void;
  onError: (err: unknown) => void;
};

export class Committer {
  readonly #deps: CommitDeps;
  #due = new Map<number, Committable>();
  #running: Promise<void> | undefined;
  #again = false;

  constructor(deps: CommitDeps) {
    this.#deps = deps;
  }

  /** Commits newly stored offsets soon; resolves when that commit (or a later one) has run. */
  poke(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#loop().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      for (const c of this.#deps.tracker.take()) this.#due.set(c.partition, c);
      if (this.#due.size === 0) continue;
      const offsets = [...this.#due.values()];
      try {
        await this.#deps.commit(offsets);
        for (const c of offsets) if (this.#due.get(c.partition) === c) this.#due.delete(c.partition);
        this.#deps.onCommitted(offsets);
      } catch (err) {
        this.#deps.onError(err);
        return;
      }
    } while (this.#again);
  }

  /** Offsets stored but not yet committed (a failed commit waiting for the next one). */
  get uncommitted(): number {
    return this.#due.size;
  }

  /** After the consumer restarts from its last commit, offsets handed out earlier are moot. */
  reset(): void {
    this.#due.clear();
  }
}
