import { describe, expect, it } from 'vitest';
import { OffsetTracker } from '../../../services/sources/kafka-feed/offsets.ts';

// Offsets are committed only once a batch and every earlier batch of its partition are stored,
// whatever order the stores finish in.

describe('OffsetTracker', () => {
  it('commits a partition only up to its oldest batch not yet stored', () => {
    const t = new OffsetTracker();
    const a = t.track(0, '0', '99', '500');
    const b = t.track(0, '100', '199', '500');
    const c = t.track(1, '0', '49', '50');
    b.stored();
    expect(t.take()).toEqual([]);
    c.stored();
    expect(t.take()).toEqual([{ partition: 1, offset: '50', lag: 0 }]);
    a.stored();
    expect(t.take()).toEqual([{ partition: 0, offset: '200', lag: 300 }]);
    expect(t.take()).toEqual([]);
    expect(t.pendingBatches).toBe(0);
  });

  it('never commits past a batch that failed, and rewinds to the oldest uncommitted batch', () => {
    const t = new OffsetTracker();
    const a = t.track(0, '0', '99', '300');
    const b = t.track(0, '100', '199', '300');
    const c = t.track(0, '200', '299', '300');
    a.stored();
    expect(t.take()).toEqual([{ partition: 0, offset: '100', lag: 200 }]);
    expect(b.failed()).toBe(true);
    c.stored();
    expect(t.take()).toEqual([]);
    expect(t.rewindPoints()).toEqual([{ partition: 0, offset: '100' }]);
    t.reset();
    // Outcomes from before the reset change nothing: those batches are read again.
    b.stored();
    expect(c.failed()).toBe(false);
    const again = t.track(0, '100', '299', '300');
    again.stored();
    expect(t.take()).toEqual([{ partition: 0, offset: '300', lag: 0 }]);
  });

  it('does not hand out an older offset after a partition is read again from an older commit', () => {
    const t = new OffsetTracker();
    t.track(0, '0', '99', '100').stored();
    expect(t.take()).toEqual([{ partition: 0, offset: '100', lag: 0 }]);
    t.track(0, '50', '99', '100').stored();
    expect(t.take()).toEqual([]);
  });
});
