import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import { QrmError } from '../errors.ts';

// The key behind the complainant phone hash must stay the same for as long as the data does, or one
// caller becomes two. Deployed: it must come from QRM_PII_KEY (a secret store). Embedded: if unset, a
// random key is created once beside the data (mode 0600), so a newcomer's setup is secure by default
// and stable across restarts; it goes when the data directory goes.

export function resolvePiiKey(config: Config): string {
  if (config.app.piiKey) return config.app.piiKey;
  if (config.clickhouse.mode === 'server') {
    throw new QrmError('CONFIG_INVALID', 'config', 'QRM_PII_KEY (unset): required when CLICKHOUSE_URL is set; use a secret of at least 16 characters');
  }
  const file = join(config.clickhouse.dataDir, 'pii.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.clickhouse.dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}
