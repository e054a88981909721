import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { ClickHouse } from '../../clients/clickhouse.ts';
import { QrmError } from '../../errors.ts';
import { loadReferenceData } from './reference-data.ts';

// Versioned migrations from schemas/clickhouse/NNNN_name.sql, applied in order and recorded in
// schema_migrations. Every statement is written to be safe to re-run (IF NOT EXISTS), so a migration
// interrupted half-way is simply applied again. A migration edited after it was applied is an error:
// the database would silently differ from what the file says.

export const migrationsDir = fileURLToPath(new URL('../../../schemas/clickhouse/', import.meta.url));

export type Migration = { version: number; name: string; checksum: string; statements: string[] };

export function loadMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(`${dir}/${file}`, 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        checksum: createHash('sha256').update(text).digest('hex').slice(0, 16),
        statements: splitStatements(text),
      };
    });
}

export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The database name comes from validated configuration (a plain identifier), never from input. */
export function render(statement: string, database: string): string {
  return statement.replaceAll('{{db}}', database);
}

export async function migrate(ch: ClickHouse, log: Logger): Promise<{ applied: string[] }> {
  const db = ch.database;
  const run = async (query: string) => {
    try {
      await ch.client.command({ query });
    } catch (err) {
      throw new QrmError('MIGRATION_FAILED', 'migrate', `${query.slice(0, 80)}…: ${(err as Error).message}`, { cause: err });
    }
  };
  await run(`CREATE DATABASE IF NOT EXISTS ${db}`);
  await run(
    `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const done = await ch.client.query({ query: `SELECT version, name, checksum FROM ${db}.schema_migrations`, format: 'JSONEachRow' });
  const appliedRows = (await done.json()) as { version: number; name: string; checksum: string }[];
  const applied = new Map(appliedRows.map((r) => [Number(r.version), r]));
  const now: string[] = [];
  for (const m of loadMigrations()) {
    const previous = applied.get(m.version);
    if (previous) {
      if (previous.checksum !== m.checksum) {
        throw new QrmError('MIGRATION_FAILED', 'migrate', `${m.name} changed after it was applied (checksum ${previous.checksum} → ${m.checksum}); add a new migration instead`);
      }
      continue;
    }
    for (const statement of m.statements) await run(render(statement, db));
    await ch.client.insert({
      table: `${db}.schema_migrations`,
      values: [{ version: m.version, name: m.name, checksum: m.checksum }],
      format: 'JSONEachRow',
    });
    log.info({ migration: m.name }, 'migration applied');
    now.push(m.name);
  }
  await loadReferenceData(ch);
  return { applied: now };
}
