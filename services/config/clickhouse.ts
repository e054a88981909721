import { z } from 'zod';
import { optionalString, stringWithDefault } from './env.ts';

/**
 * Embedded chDB's engine options (server settings and default query settings, fixed when the
 * engine starts), e.g. `--background_pool_size=1`. None by default: none tried on a 2-core machine
 * (merge pool sizes, parallel parsing, jemalloc purging) beat chDB's own defaults beyond the noise
 * (README "Performance"). A ClickHouse server is configured on its own side.
 */
export const CHDB_ARGS = '';

/**
 * Options for the jemalloc inside embedded chDB (its JE_MALLOC_CONF), read once when the engine
 * loads. chDB hands memory a query freed back to the system within about 5 s (dirty_decay_ms:5000);
 * with passes five minutes apart, every pass then faulted its ~1 GB of hash tables in again, a
 * fifth of its time. Twenty minutes keeps most of it for the next pass, and still returns a spike
 * (a big merge, a first sealing) within the half hour. `dirty_decay_ms:5000` is chDB's own.
 */
export const CHDB_MALLOC_CONF = 'dirty_decay_ms:1200000';

export const clickhouseEnv = {
  CLICKHOUSE_URL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.url({ protocol: /^https?$/ }).optional(),
  ),
  CLICKHOUSE_USER: stringWithDefault('default'),
  CLICKHOUSE_PASSWORD: stringWithDefault(''),
  CLICKHOUSE_DATABASE: stringWithDefault('qrm').refine((v) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(v), 'expected a plain identifier'),
  CLICKHOUSE_CLUSTER: optionalString(),
  QRM_DATA_DIR: stringWithDefault('./data'),
  QRM_CHDB_MALLOC_CONF: stringWithDefault(CHDB_MALLOC_CONF).refine(
    (v) => /^[a-z_]+:[^,\s]+(,[a-z_]+:[^,\s]+)*$/.test(v.trim()),
    'expected comma-separated jemalloc option:value pairs',
  ),
  QRM_CHDB_ARGS: stringWithDefault(CHDB_ARGS).refine(
    (v) => v.trim() === '' || v.trim().split(/\s+/).every((a) => /^--[A-Za-z0-9_.]+=[^\s]+$/.test(a)),
    'expected space-separated --name=value engine options',
  ),
};

type Env = z.output<z.ZodObject<typeof clickhouseEnv>>;

export function clickhouseConfig(env: Env) {
  return {
    // Unset URL means embedded chDB: the same client API, the engine inside this process.
    mode: env.CLICKHOUSE_URL ? ('server' as const) : ('embedded' as const),
    url: env.CLICKHOUSE_URL,
    user: env.CLICKHOUSE_USER,
    password: env.CLICKHOUSE_PASSWORD,
    database: env.CLICKHOUSE_DATABASE,
    cluster: env.CLICKHOUSE_CLUSTER,
    dataDir: env.QRM_DATA_DIR,
    chdbArgs: splitChdbArgs(env.QRM_CHDB_ARGS),
    chdbMallocConf: env.QRM_CHDB_MALLOC_CONF.trim(),
  };
}

export function splitChdbArgs(args: string): string[] {
  return args.trim() === '' ? [] : args.trim().split(/\s+/);
}

export type ClickHouseConfig = ReturnType<typeof clickhouseConfig>;
