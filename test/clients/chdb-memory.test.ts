import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// QRM_CHDB_MALLOC_CONF reaches the jemalloc inside embedded chDB: with dirty pages never purged, the
// memory a query freed stays resident; purged at once, it is returned as the query frees it. Real
// chDB in a child process per setting (the allocator reads its options once per process).

const script = fileURLToPath(new URL('./rss-after-query.ts', import.meta.url));

function rssAfterQuery(mallocConf: string): { n: number; before: number; after: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, QRM_CHDB_MALLOC_CONF: mallocConf },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

describe('embedded chDB memory options', () => {
  it('keeps freed memory resident with purging off, and returns it with immediate purging', () => {
    const kept = rssAfterQuery('dirty_decay_ms:-1');
    const returned = rssAfterQuery('dirty_decay_ms:0');
    expect(kept.n).toBe(8_000_000);
    expect(returned.n).toBe(8_000_000);
    // An 8 M-element exact set is a 128 MB+ hash table: kept, the process grows by about that much.
    expect(kept.after - kept.before).toBeGreaterThan(100);
    expect(returned.after - returned.before).toBeLessThan(kept.after - kept.before - 80);
  }, 120_000);
});
