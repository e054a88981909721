import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/config/index.ts';

const env = (extra: Record<string, string>) => ({ QRM_KAFKA_DEV_FILE: '/nonexistent/kafka-dev.env', ...extra });

describe('clickhouse config: QRM_CHDB_MALLOC_CONF', () => {
  it('keeps freed engine memory for twenty minutes by default', () => {
    expect(loadConfig(env({})).clickhouse.chdbMallocConf).toBe('dirty_decay_ms:1200000');
  });

  it('takes jemalloc option pairs; blank is the default', () => {
    expect(loadConfig(env({ QRM_CHDB_MALLOC_CONF: 'dirty_decay_ms:-1,muzzy_decay_ms:0' })).clickhouse.chdbMallocConf).toBe('dirty_decay_ms:-1,muzzy_decay_ms:0');
    expect(loadConfig(env({ QRM_CHDB_MALLOC_CONF: ' ' })).clickhouse.chdbMallocConf).toBe('dirty_decay_ms:1200000');
  });

  it('rejects what is not option:value pairs, naming the variable', () => {
    expect(() => loadConfig(env({ QRM_CHDB_MALLOC_CONF: 'dirty_decay_ms=5000' }))).toThrow(/QRM_CHDB_MALLOC_CONF/);
  });
});
