import { describe, expect, it } from 'vitest';
import { Batcher, type Part } from '../../../services/sources/kafka-feed/batcher.ts';

// One insert at a time; parts that arrive meanwhile go together in the next one.

describe('Batcher', () => {
  it('flushes at maxRows, one flush at a time, and settles each part after its flush', async () => {
    const flushed: number[][] = [];
    let release!: () => void;
    let running = 0;
    let maxRunning = 0;
    const b = new Batcher<number>({
      maxRows: 10,
      maxWaitMs: 60_000,
      flush: async (parts: Part<number>[]) => {
        maxRunning = Math.max(maxRunning, ++running);
        flushed.push(parts.flatMap((p) => p.items));
        await new Promise<void>((r) => (release = r));
        running--;
      },
    });
    const first = b.add({ items: [1], size: 10 });
    const second = b.add({ items: [2], size: 4 });
    const third = b.add({ items: [3], size: 4 });
    expect(flushed).toEqual([[1]]);
    expect(b.bufferedRows).toBe(18);
    release();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(flushed).toEqual([[1]]);
    const done = b.flushNow();
    await new Promise((r) => setImmediate(r));
    expect(flushed).toEqual([[1], [2, 3]]);
    release();
    await Promise.all([second, third, done]);
    expect(maxRunning).toBe(1);
    expect(b.bufferedRows).toBe(0);
  });

  it('flushes after maxWaitMs, and rejects the parts of a failed flush', async () => {
    const b = new Batcher<number>({
      maxRows: 100,
      maxWaitMs: 20,
      flush: async () => {
        throw new Error('refused');
      },
    });
    await expect(b.add({ items: [1], size: 1 })).rejects.toThrow('refused');
    expect(b.bufferedRows).toBe(0);
  });
});
