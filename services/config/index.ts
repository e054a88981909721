import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { QrmError } from '../errors.ts';
import { alertConfig, alertEnv } from './alert.ts';
import { appConfig, appEnv } from './app.ts';
import { clickhouseConfig, clickhouseEnv } from './clickhouse.ts';
import { ingestConfig, ingestEnv } from './ingest.ts';
import { kafkaConfig, kafkaEnv } from './kafka.ts';

// The root schema is keyed by environment variable names, so every validation message names the
// exact variable to fix. Components own their part; this file only composes.
const rootEnv = z.object({ ...kafkaEnv, ...clickhouseEnv, ...ingestEnv, ...appEnv, ...alertEnv });

export type Config = Readonly<{
  kafka: ReturnType<typeof kafkaConfig>;
  clickhouse: ReturnType<typeof clickhouseConfig>;
  ingest: ReturnType<typeof ingestConfig>;
  app: ReturnType<typeof appConfig>;
  alert: ReturnType<typeof alertConfig>;
}>;

export type EnvSource = Record<string, string | undefined>;

/** Variables the configuration reads, for documentation and for the compose-file check. */
export const configVariables = Object.keys(rootEnv.shape).sort();

export function loadConfig(env: EnvSource = process.env): Config {
  const merged = { ...readKafkaDevFile(env), ...env };
  const parsed = rootEnv.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      const value = merged[name];
      const shown = value === undefined ? 'unset' : isSecret(name) ? 'set' : JSON.stringify(value);
      return `${name} (${shown}): ${i.message}`;
    });
    throw new QrmError('CONFIG_INVALID', 'config', lines.join('; '));
  }
  const e = parsed.data;
  return deepFreeze({
    kafka: kafkaConfig(e),
    clickhouse: clickhouseConfig(e),
    ingest: ingestConfig(e),
    app: appConfig(e),
    alert: alertConfig(e),
  });
}

function isSecret(name: string): boolean {
  return /PASSWORD|SECRET|KEY|TOKEN/.test(name);
}

/**
 * `qrm kafka-dev` writes the mock cluster's bootstrap servers to a small env file. It is the
 * lowest-priority source: anything set in the real environment wins.
 */
function readKafkaDevFile(env: EnvSource): EnvSource {
  const file = env.QRM_KAFKA_DEV_FILE || '.qrm/kafka-dev.env';
  if (!existsSync(file)) return {};
  const out: EnvSource = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2];
  }
  // A file left behind by a mock cluster that has since died would point at closed ports.
  const pid = Number(out.QRM_KAFKA_DEV_PID);
  if (pid && !processAlive(pid)) return {};
  return out;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
