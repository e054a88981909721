import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { ClickHouse } from '../../clients/clickhouse.ts';
import { QrmError } from '../../errors.ts';
import { loadReferenceData } from './reference-data.ts';
import { render } from './sql.ts';

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


// --- The cluster variant -----------------------------------------------------------------------
//
// With CLICKHOUSE_CLUSTER set, the same migration files are rendered for a sharded, replicated
// ClickHouse cluster instead of being edited into a second copy. Each table `t` becomes
//   t_local  ON CLUSTER, Replicated<Engine>('/clickhouse/tables/{shard}/<db>/t_local', '{replica}', args)
//   t        ON CLUSTER, AS t_local, Distributed(cluster, db, t_local, <sharding key>)
// so every query, insert and dashboard keeps naming `t` and sees the whole cluster. Materialized
// views run on each shard: an insert routed to a shard fires the view there, so a view must read the
// shard's local raw table and write the shard's local aggregate table.
//
// Tables every node holds in full rather than sharded: the reference data that scoring joins (small,
// and a join with a local copy needs no data from other shards) and the migration record (any node
// must answer "which migrations ran"). Their replication path has no {shard}: one replica per node.
const everyNodeTables = new Set(['schema_migrations', 'products', 'regions', 'region_centroids']);

// The sharding key must be a function of the columns that identify a row for ReplacingMergeTree
// (its ORDER BY key): FINAL and merges only collapse duplicates within one shard, so a redelivered
// record has to land where its first copy did. Within that constraint, tables keyed by a cell put a
// cell's rows on one shard, so the materialized views of a complaint or spot check fill the cell's
// aggregate rows on the same shard as the rows the Distributed aggregate table would route there.
// Media items name several counties, so they are spread by id; their aggregates are exact anyway
// (uniqExact and groupUniqArray states merge across shards). A table not listed here is sharded by a
// hash of its whole ORDER BY key (always safe for deduplication), or at random for a plain MergeTree,
// which deduplicates nothing.
export const shardingKeys: Readonly<Record<string, string>> = {
  complaints: 'cityHash64(product_code, region_code)',
  media_items: 'cityHash64(id)',
  spot_checks: 'cityHash64(product_code, region_code)',
  dead_letters: 'cityHash64(source_topic, source_partition, source_offset)',
  complaints_hourly: 'cityHash64(product_code, region_code)',
  complaints_enterprise_daily: 'cityHash64(product_code, region_code)',
  complaints_enterprise_callers_daily: 'cityHash64(product_code, region_code)',
  complaints_daily: 'cityHash64(product_code, region_code)',
  // Sealed numbers are written and read through the Distributed tables only (a rollup cell's voices
  // come from every shard), so any key of the cell spreads them.
  complaints_voices_daily: 'cityHash64(product_code, cell)',
  complaints_seals: 'cityHash64(day)',
  media_hourly_counted: 'cityHash64(product_code, region_code)',
  media_negativity_hourly: 'cityHash64(product_code, cell)',
  media_seals: 'cityHash64(day)',
  // Staged day signals are written and read through the Distributed tables, like the sealed numbers;
  // a stage's duplicate rows of a cell (two passes staging at once) share a shard, so FINAL drops them.
  day_signals: 'cityHash64(key)',
  day_signals_marks: 'cityHash64(day, inputs)',
  spot_checks_daily: 'cityHash64(product_code, region_code)',
  spot_check_failures_enterprise: 'cityHash64(product_code, region_code)',
  // Dropped by migration 0009, but a fresh cluster still creates it in 0002 first.
  media_hourly: 'cityHash64(product_code, region_code)',
  risk_scores: 'cityHash64(product_code, region_code)',
  warnings: 'cityHash64(warning_id)',
  notifications: 'cityHash64(notification_id)',
  notification_attempts: 'cityHash64(notification_id)',
  silences: 'cityHash64(silence_id)',
  warning_feedback: 'cityHash64(warning_id)',
};

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Rewrites one migration statement (with its `{{db}}` placeholder) for a cluster: `ON CLUSTER`
 * everywhere, Replicated engines under `_local` names, Distributed tables over them under the
 * original names, materialized views from local to local. Pure: the same input gives the same DDL,
 * which is what the tests check. A statement kind it does not know is an error rather than a guess.
 */
export function renderForCluster(statement: string, db: string, cluster: string): string[] {
  if (!identifier.test(cluster)) {
    throw new QrmError('CONFIG_INVALID', 'migrate', `CLICKHOUSE_CLUSTER: expected a plain identifier, got ${JSON.stringify(cluster)}`);
  }
  const sql = render(statement, db).trim();
  const on = `ON CLUSTER ${cluster}`;
  const name = `${db}\\.(\\w+)`;

  const database = new RegExp(`^CREATE DATABASE (IF NOT EXISTS )?${db}\\b`).exec(sql);
  if (database) return [`CREATE DATABASE ${database[1] ?? ''}${db} ${on}${sql.slice(database[0].length)}`];

  const view = new RegExp(`^CREATE MATERIALIZED VIEW (IF NOT EXISTS )?${name}\\s+TO\\s+${name}\\s+AS\\s`).exec(sql);
  if (view) {
    const [head, ifNotExists = '', viewName, target] = view;
    const body = sql.slice(head.length).replace(new RegExp(`\\b${name}\\b`, 'g'), (_, table: string) => `${db}.${local(table)}`);
    return [`CREATE MATERIALIZED VIEW ${ifNotExists}${db}.${viewName} ${on} TO ${db}.${local(target!)} AS ${body}`];
  }

  // A backfill runs once, from one node, through the Distributed tables: they route each row to its
  // shard as an insert by qrm would.
  if (new RegExp(`^INSERT INTO ${name}\\s`).test(sql)) return [sql];

  // Storage settings belong to the tables that store: the _local ones of a sharded table.
  const setting = new RegExp(`^ALTER TABLE ${name} MODIFY SETTING `).exec(sql);
  if (setting) return [`ALTER TABLE ${db}.${local(setting[1]!)} ${on} MODIFY SETTING ${sql.slice(setting[0].length)}`];

  // A column belongs to the tables that store it and to the Distributed table over them, which
  // names the same columns.
  const column = new RegExp(`^ALTER TABLE ${name} ADD COLUMN `).exec(sql);
  if (column) {
    const table = column[1]!;
    const names = everyNodeTables.has(table) ? [table] : [local(table), table];
    return names.map((n) => `ALTER TABLE ${db}.${n} ${on} ADD COLUMN ${sql.slice(column[0].length)}`);
  }

  // A materialized view's new query reads and writes the local tables, as the view it replaces did.
  const query = new RegExp(`^ALTER TABLE ${name} MODIFY QUERY\\s`).exec(sql);
  if (query) {
    const body = sql.slice(query[0].length).replace(new RegExp(`\\b${name}\\b`, 'g'), (_, table: string) => `${db}.${local(table)}`);
    return [`ALTER TABLE ${db}.${query[1]} ${on} MODIFY QUERY ${body}`];
  }

  // A sharded table is a Distributed table over _local ones: both go. A view (materialized or plain)
  // and a table every node holds whole have one name on every node.
  const drop = new RegExp(`^DROP (TABLE|VIEW) IF EXISTS ${name}$`).exec(sql);
  if (drop) {
    const kind = drop[1]!;
    const dropped = drop[2]!;
    const names = kind === 'TABLE' && !everyNodeTables.has(dropped) ? [dropped, local(dropped)] : [dropped];
    return names.map((n) => `DROP ${kind} IF EXISTS ${db}.${n} ${on}`);
  }

  const plainView = new RegExp(`^CREATE VIEW (IF NOT EXISTS )?${name}\\s`).exec(sql);
  if (plainView) {
    // A plain view is a stored query: on each node it reads the Distributed tables, i.e. everything.
    return [`CREATE VIEW ${plainView[1] ?? ''}${db}.${plainView[2]} ${on} ${sql.slice(plainView[0].length)}`];
  }

  const table = new RegExp(`^CREATE TABLE (IF NOT EXISTS )?${name}\\s*\\(`).exec(sql);
  if (table) {
    const ifNotExists = table[1] ?? '';
    const tableName = table[2]!;
    const rest = sql.slice(table[0].length - 1); // from the column list's opening parenthesis
    const engine = /\bENGINE\s*=\s*(\w*MergeTree)\b/.exec(rest);
    if (!engine || engine[1]!.startsWith('Replicated')) {
      throw new QrmError('MIGRATION_FAILED', 'migrate', `cannot render ${db}.${tableName} for a cluster: expected ENGINE = <X>MergeTree`);
    }
    const afterName = engine.index + engine[0].length;
    const args = balancedParens(rest, afterName);
    const localName = everyNodeTables.has(tableName) ? tableName : `${tableName}_local`;
    const path = `/clickhouse/tables/${everyNodeTables.has(tableName) ? 'all' : '{shard}'}/${db}/${localName}`;
    const replicated = `ENGINE = Replicated${engine[1]}('${path}', '{replica}'${args?.inner.trim() ? `, ${args.inner.trim()}` : ''})`;
    const localSql = `CREATE TABLE ${ifNotExists}${db}.${localName} ${on} ${rest.slice(0, engine.index)}${replicated}${rest.slice(args ? args.end : afterName)}`;
    if (everyNodeTables.has(tableName)) return [localSql];
    const key = shardingKeys[tableName] ?? fallbackShardingKey(engine[1]!, rest);
    return [
      localSql,
      `CREATE TABLE ${ifNotExists}${db}.${tableName} ${on} AS ${db}.${localName} ENGINE = Distributed(${cluster}, ${db}, ${localName}, ${key})`,
    ];
  }

  throw new QrmError('MIGRATION_FAILED', 'migrate', `cannot render for a cluster (only CREATE DATABASE, TABLE, VIEW, MATERIALIZED VIEW ... TO, INSERT INTO, ALTER TABLE ... MODIFY SETTING|ADD COLUMN|MODIFY QUERY and DROP TABLE|VIEW IF EXISTS are supported): ${sql.slice(0, 80)}…`);
}

const local = (table: string) => (everyNodeTables.has(table) ? table : `${table}_local`);

/** `(…)` starting at `from` (after optional spaces), with nested parentheses; undefined if none. */
function balancedParens(text: string, from: number): { inner: string; end: number } | undefined {
  let i = from;
  while (text[i] === ' ') i++;
  if (text[i] !== '(') return undefined;
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    if (text[j] === '(') depth++;
    else if (text[j] === ')' && --depth === 0) return { inner: text.slice(i + 1, j), end: j + 1 };
  }
  throw new QrmError('MIGRATION_FAILED', 'migrate', `unbalanced parentheses in: ${text.slice(0, 80)}…`);
}

function fallbackShardingKey(engine: string, rest: string): string {
  if (engine === 'MergeTree') return 'rand()';
  const orderBy = /\bORDER BY\s+/.exec(rest);
  if (!orderBy) return 'rand()';
  const from = orderBy.index + orderBy[0].length;
  const key = balancedParens(rest, from)?.inner ?? /^[^\s;]+/.exec(rest.slice(from))![0];
  return key.trim() === '' || key.trim() === 'tuple()' ? 'rand()' : `cityHash64(${key.trim()})`;
}

// The statements migrate() runs before any migration file, as templates so that the cluster variant
// renders them like any other.
const createDatabase = 'CREATE DATABASE IF NOT EXISTS {{db}}';
const createMigrationsTable =
  "CREATE TABLE IF NOT EXISTS {{db}}.schema_migrations (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY version";

/** One migration statement as migrate() runs it: as written on a single node, rewritten on a cluster. */
function renderStatement(statement: string, db: string, cluster: string | undefined): string[] {
  return cluster ? renderForCluster(statement, db, cluster) : [render(statement, db)];
}

/** Every statement migrate() would run on an empty database, for a cluster or a single node. */
export function renderAll(db: string, cluster?: string, migrations = loadMigrations()): string[] {
  return [createDatabase, createMigrationsTable, ...migrations.flatMap((m) => m.statements)].flatMap((s) => renderStatement(s, db, cluster));
}

export async function migrate(ch: ClickHouse, log: Logger): Promise<{ applied: string[] }> {
  const db = ch.database;
  const cluster = ch.cluster;
  if (cluster && ch.mode === 'embedded') {
    throw new QrmError('MIGRATION_FAILED', 'migrate', 'CLICKHOUSE_CLUSTER needs a ClickHouse server (CLICKHOUSE_URL); embedded chDB has no cluster');
  }
  const statements = (s: string) => renderStatement(s, db, cluster);
  const run = async (query: string) => {
    try {
      await ch.client.command({ query });
    } catch (err) {
      throw new QrmError('MIGRATION_FAILED', 'migrate', `${query.slice(0, 80)}…: ${(err as Error).message}`, { cause: err });
    }
  };
  for (const q of statements(createDatabase)) await run(q);
  // On a cluster the record is replicated to every node, so an insert on one is seen on all.
  for (const q of statements(createMigrationsTable)) await run(q);
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
    for (const statement of m.statements) for (const q of statements(statement)) await run(q);
    await ch.client.insert({
      table: `${db}.schema_migrations`,
      values: [{ version: m.version, name: m.name, checksum: m.checksum }],
      format: 'JSONEachRow',
    });
    log.info({ migration: m.name, ...(cluster ? { cluster } : {}) }, 'migration applied');
    now.push(m.name);
  }
  await loadReferenceData(ch);
  return { applied: now };
}
