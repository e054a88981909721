import { z } from 'zod';
import { optionalString, stringWithDefault } from './env.ts';

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
  };
}

export type ClickHouseConfig = ReturnType<typeof clickhouseConfig>;
