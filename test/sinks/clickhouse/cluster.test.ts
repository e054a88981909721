import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'chdb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClickHouse, type ClickHouse } from '../../../services/clients/clickhouse.ts';
import { loadConfig } from '../../../services/config/index.ts';
import { QrmError } from '../../../services/errors.ts';
import { runPass } from '../../../services/app/scoring.ts';
import { DEFAULT_ALARM_Z } from '../../../services/transforms/score/alarm.ts';
import { insertRows } from '../../../services/sinks/clickhouse/insert.ts';
import { loadMigrations, migrate, renderAll, renderForCluster, shardingKeys } from '../../../services/sinks/clickhouse/migrate.ts';
import { render } from '../../../services/sinks/clickhouse/sql.ts';
import { loadReferenceData } from '../../../services/sinks/clickhouse/reference-data.ts';
import { scorePass } from '../../../services/transforms/score/pass.ts';
import { tempDir } from '../../support/app.ts';
import { background, complaint, hours, mediaItem, spotCheck } from '../../support/rows.ts';

// The cluster variant of the migrations (CLICKHOUSE_CLUSTER). A real cluster needs ClickHouse Keeper
// and several servers, which this machine cannot run; what it can do, this file does:
//   1. the rendered DDL, statement by statement: ON CLUSTER, Replicated engines and their paths,
//      Distributed tables over _local ones, materialized views from local to local;
//   2. ClickHouse's own parser on every statement exactly as migrate() sends it (chDB, EXPLAIN AST
//      and formatQuery, which parse without executing);
//   3. the same DDL executed on a one-shard cluster defined in chDB's configuration, with only the
//      two things chDB cannot do taken out (ON CLUSTER, which needs the distributed DDL queue, and
//      replication, which needs Keeper): the Distributed tables, their sharding keys, the views
//      reading and writing _local tables, and qrm's real scoring queries through Distributed tables,
//      compared with the same data on the single-server schema.

const db = 'qrm';
const cluster = 'qrm_test';
const statements = renderAll(db, cluster);
const plain = renderAll(db);

// The tables a schema ends up with: created, and not dropped by a later migration.
const tablesOf = (list: string[]) => {
  const dropped = new Set(list.flatMap((s) => /^DROP TABLE IF EXISTS qrm\.(\w+)$/.exec(s)?.[1] ?? []));
  return list.flatMap((s) => {
    const m = /^CREATE TABLE IF NOT EXISTS qrm\.(\w+)\s*\(/.exec(s);
    return m && !dropped.has(m[1]!) ? [m[1]!] : [];
  });
};
const plainTables = tablesOf(plain);
const createdTables = plain.flatMap((s) => /^CREATE TABLE IF NOT EXISTS qrm\.(\w+)\s*\(/.exec(s)?.[1] ?? []);
const everyNode = ['schema_migrations', 'products', 'regions', 'region_centroids'];
const sharded = plainTables.filter((t) => !everyNode.includes(t));
const find = (prefix: string) => {
  const found = statements.filter((s) => s.startsWith(prefix));
  expect(found, prefix).toHaveLength(1);
  return found[0]!;
};
const oneLine = (s: string) => s.replace(/\s+/g, ' ').replace(/ ?\( ?/g, '(').replace(/ \)/g, ')');
const plainCreate = (table: string) => plain.find((s) => new RegExp(`^CREATE TABLE IF NOT EXISTS qrm\\.${table}\\s*\\(`).test(s))!;

describe('renderForCluster', () => {
  it('finds the tables it is meant to shard', () => {
    expect(sharded).toEqual(expect.arrayContaining(['complaints', 'media_items', 'spot_checks', 'complaints_hourly', 'risk_scores', 'warnings', 'notifications']));
    expect(plainTables).toEqual(expect.arrayContaining(everyNode));
  });

  it('runs every DDL statement ON CLUSTER, and backfills once through the Distributed tables', () => {
    for (const s of statements.filter((s) => !s.startsWith('INSERT'))) expect(s).toMatch(/^(CREATE (DATABASE|TABLE|MATERIALIZED VIEW|VIEW) IF NOT EXISTS|DROP (TABLE|VIEW) IF EXISTS|ALTER TABLE) qrm(\.\w+)? ON CLUSTER qrm_test\b/);
    const backfills = statements.filter((s) => s.startsWith('INSERT'));
    expect(backfills.length).toBeGreaterThan(0);
    // Into and from the Distributed names: rows reach their shard as qrm's own inserts would.
    for (const s of backfills) expect(s).not.toMatch(/_local\b|ON CLUSTER/);
    expect(statements[0]).toBe('CREATE DATABASE IF NOT EXISTS qrm ON CLUSTER qrm_test');
  });

  it.each(sharded)('creates %s as a Replicated table under _local, with its engine arguments after the replication path', (table) => {
    const local = find(`CREATE TABLE IF NOT EXISTS qrm.${table}_local ON CLUSTER qrm_test (`);
    const original = plainCreate(table);
    const [, engine, args] = /ENGINE = (\w*MergeTree)(?:\(([^)]*)\))?/.exec(original)!;
    const path = `'/clickhouse/tables/{shard}/qrm/${table}_local', '{replica}'`;
    expect(local).toContain(`ENGINE = Replicated${engine}(${path}${args ? `, ${args}` : ''})`);
    // Nothing else differs from the single-server statement: columns, ORDER BY, PARTITION BY, TTL.
    const back = local
      .replace(' ON CLUSTER qrm_test', '')
      .replace(`qrm.${table}_local`, `qrm.${table}`)
      .replace(`Replicated${engine}(${path}${args ? ', ' : ''}`, `${engine}(`)
      .replace(`${engine}()`, engine!);
    expect(oneLine(back)).toBe(oneLine(original));
  });

  it.each(sharded)('puts a Distributed table named %s over the _local tables of the cluster', (table) => {
    const dist = find(`CREATE TABLE IF NOT EXISTS qrm.${table} ON CLUSTER`);
    expect(dist).toBe(`CREATE TABLE IF NOT EXISTS qrm.${table} ON CLUSTER qrm_test AS qrm.${table}_local ENGINE = Distributed(qrm_test, qrm, ${table}_local, ${shardingKeys[table]})`);
    // Created after the table it reads.
    expect(statements.indexOf(dist)).toBeGreaterThan(statements.findIndex((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS qrm.${table}_local `)));
  });

  // FINAL and merges collapse duplicates only within a shard, so a redelivered record must land on
  // the shard of its first copy: the key may only use columns of the deduplication key.
  it.each(sharded)('shards %s by columns of its ORDER BY key, so duplicates meet on one shard', (table) => {
    const key = shardingKeys[table];
    expect(key, `${table} has no deliberate sharding key`).toBeDefined();
    const original = plainCreate(table).replace(/\s+/g, ' ');
    const orderBy = /ORDER BY \(?([^)]*?)\)?(?: TTL .*)?$/.exec(original)![1]!.split(',').map((c) => c.trim());
    const columns = /^cityHash64\((.*)\)$/.exec(key!)![1]!.split(',').map((c) => c.trim());
    for (const c of columns) expect(orderBy, `${table}: ${c}`).toContain(c);
  });

  it('keeps a cell of complaints, spot checks and their aggregates on one shard', () => {
    for (const t of ['complaints', 'spot_checks', 'complaints_hourly', 'complaints_enterprise_daily', 'spot_checks_daily', 'spot_check_failures_enterprise', 'media_hourly', 'risk_scores']) {
      expect(shardingKeys[t], t).toBe('cityHash64(product_code, region_code)');
    }
  });

  it.each(everyNode)('keeps %s whole on every node: one replication path for the cluster, no Distributed table', (table) => {
    const s = find(`CREATE TABLE IF NOT EXISTS qrm.${table} ON CLUSTER qrm_test (`);
    expect(s).toContain(`('/clickhouse/tables/all/qrm/${table}', '{replica}')`);
    expect(statements.filter((x) => x.includes(`qrm.${table}_local`))).toEqual([]);
  });

  it('makes each materialized view read the local raw table and write the local aggregate', () => {
    const views = statements.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'));
    expect(views.length).toBeGreaterThanOrEqual(5);
    for (const v of views) {
      const [, name, target] = /^CREATE MATERIALIZED VIEW IF NOT EXISTS qrm\.(\w+) ON CLUSTER qrm_test TO qrm\.(\w+) AS /.exec(v)!;
      expect(target, name).toMatch(/_local$/);
      expect(createdTables).toContain(target!.replace(/_local$/, ''));
      const sources = [...v.matchAll(/\bFROM qrm\.(\w+)/g)].map((m) => m[1]!);
      expect(sources.length, name).toBeGreaterThan(0);
      for (const s of sources) expect(s, name).toMatch(/_local$/);
      // No table reference in the body is left pointing at a Distributed table.
      for (const ref of v.slice(v.indexOf(' AS ')).matchAll(/\bqrm\.(\w+)/g)) expect(ref[1], name).toMatch(/_local$/);
    }
    expect(find('CREATE MATERIALIZED VIEW IF NOT EXISTS qrm.complaints_hourly_mv ')).toMatch(/TO qrm\.complaints_hourly_local AS [\s\S]*FROM qrm\.complaints_local\b/);
    expect(find('CREATE MATERIALIZED VIEW IF NOT EXISTS qrm.media_hourly_counted_mv ')).toMatch(/TO qrm\.media_hourly_counted_local AS [\s\S]*FROM qrm\.media_items_local\b/);
  });

  it('renders exactly what migrate() runs on a single server when no cluster is set', () => {
    const expected = [
      'CREATE DATABASE IF NOT EXISTS qrm',
      "CREATE TABLE IF NOT EXISTS qrm.schema_migrations (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY version",
      ...loadMigrations().flatMap((m) => m.statements.map((s) => render(s, 'qrm'))),
    ];
    expect(plain).toEqual(expected);
  });

  it('falls back to a dedup-safe key for a table it does not know, and to rand() for a plain MergeTree', () => {
    const [, replacing] = renderForCluster('CREATE TABLE IF NOT EXISTS {{db}}.later (a String, b UInt8, v UInt32) ENGINE = ReplacingMergeTree(v) ORDER BY (a, b)', 'qrm', 'c');
    expect(replacing).toBe('CREATE TABLE IF NOT EXISTS qrm.later ON CLUSTER c AS qrm.later_local ENGINE = Distributed(c, qrm, later_local, cityHash64(a, b))');
    const [, log] = renderForCluster('CREATE TABLE IF NOT EXISTS {{db}}.events (at DateTime) ENGINE = MergeTree ORDER BY at', 'qrm', 'c');
    expect(log).toContain('Distributed(c, qrm, events_local, rand())');
    // A plain view is a stored query over the Distributed tables: only ON CLUSTER changes.
    expect(renderForCluster('CREATE VIEW IF NOT EXISTS {{db}}.open_warnings AS SELECT * FROM {{db}}.warnings', 'qrm', 'c')).toEqual([
      'CREATE VIEW IF NOT EXISTS qrm.open_warnings ON CLUSTER c AS SELECT * FROM qrm.warnings',
    ]);
  });

  it('drops a sharded table with its _local tables, and a view or a whole-node table by its one name', () => {
    expect(renderForCluster('DROP VIEW IF EXISTS {{db}}.media_hourly_mv', 'qrm', 'c')).toEqual(['DROP VIEW IF EXISTS qrm.media_hourly_mv ON CLUSTER c']);
    expect(renderForCluster('DROP TABLE IF EXISTS {{db}}.media_hourly', 'qrm', 'c')).toEqual([
      'DROP TABLE IF EXISTS qrm.media_hourly ON CLUSTER c',
      'DROP TABLE IF EXISTS qrm.media_hourly_local ON CLUSTER c',
    ]);
    expect(renderForCluster('DROP TABLE IF EXISTS {{db}}.regions', 'qrm', 'c')).toEqual(['DROP TABLE IF EXISTS qrm.regions ON CLUSTER c']);
    // Migration 0009: the view first, so no insert writes into a table being dropped.
    const at = (s: string) => statements.indexOf(s);
    expect(at('DROP VIEW IF EXISTS qrm.media_hourly_mv ON CLUSTER qrm_test')).toBeGreaterThan(at(find('CREATE MATERIALIZED VIEW IF NOT EXISTS qrm.media_hourly_mv ')));
    expect(at('DROP TABLE IF EXISTS qrm.media_hourly ON CLUSTER qrm_test')).toBeGreaterThan(at('DROP VIEW IF EXISTS qrm.media_hourly_mv ON CLUSTER qrm_test'));
    expect(sharded).not.toContain('media_hourly');
  });

  it("changes a sharded table's storage settings on its _local tables", () => {
    expect(renderForCluster('ALTER TABLE {{db}}.complaints_voices_daily MODIFY SETTING min_age_to_force_merge_seconds = 300', 'qrm', 'c')).toEqual([
      'ALTER TABLE qrm.complaints_voices_daily_local ON CLUSTER c MODIFY SETTING min_age_to_force_merge_seconds = 300',
    ]);
  });

  it("adds a sharded table's column to its _local tables and to the Distributed table over them", () => {
    expect(renderForCluster('ALTER TABLE {{db}}.spot_checks_daily ADD COLUMN IF NOT EXISTS inserts SimpleAggregateFunction(sum, UInt64)', 'qrm', 'c')).toEqual([
      'ALTER TABLE qrm.spot_checks_daily_local ON CLUSTER c ADD COLUMN IF NOT EXISTS inserts SimpleAggregateFunction(sum, UInt64)',
      'ALTER TABLE qrm.spot_checks_daily ON CLUSTER c ADD COLUMN IF NOT EXISTS inserts SimpleAggregateFunction(sum, UInt64)',
    ]);
  });

  it("gives a materialized view a new query that reads and writes the local tables", () => {
    expect(renderForCluster('ALTER TABLE {{db}}.spot_checks_daily_mv MODIFY QUERY\nSELECT product_code, count() AS inserts FROM {{db}}.spot_checks GROUP BY product_code', 'qrm', 'c')).toEqual([
      'ALTER TABLE qrm.spot_checks_daily_mv ON CLUSTER c MODIFY QUERY SELECT product_code, count() AS inserts FROM qrm.spot_checks_local GROUP BY product_code',
    ]);
    // Migration 0011: each view gets its new query only after its table has the column it writes.
    const at = (s: string) => statements.findIndex((x) => x.startsWith(s));
    for (const [table, view] of [['spot_checks_daily', 'spot_checks_daily_mv'], ['spot_check_failures_enterprise', 'spot_check_failures_enterprise_mv'], ['complaints_enterprise_callers_daily', 'complaints_enterprise_callers_daily_mv']]) {
      expect(at(`ALTER TABLE qrm.${view} ON CLUSTER qrm_test MODIFY QUERY `), view).toBeGreaterThan(at(`ALTER TABLE qrm.${table} ON CLUSTER qrm_test ADD COLUMN `));
      expect(at(`ALTER TABLE qrm.${table} ON CLUSTER qrm_test ADD COLUMN `), table).toBeGreaterThan(at(`ALTER TABLE qrm.${table}_local ON CLUSTER qrm_test ADD COLUMN `));
      expect(at(`ALTER TABLE qrm.${table}_local ON CLUSTER qrm_test ADD COLUMN `), table).toBeGreaterThanOrEqual(0);
    }
  });

  it('refuses what it cannot render rather than guessing', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as QrmError;
      }
      throw new Error('expected an error');
    };
    expect(err(() => renderForCluster('ALTER TABLE {{db}}.complaints DROP COLUMN x', 'qrm', 'c')).code).toBe('MIGRATION_FAILED');
    expect(err(() => renderForCluster('CREATE TABLE IF NOT EXISTS {{db}}.t (a UInt8) ENGINE = Log', 'qrm', 'c')).code).toBe('MIGRATION_FAILED');
    expect(err(() => renderForCluster('CREATE DATABASE IF NOT EXISTS {{db}}', 'qrm', 'my cluster')).code).toBe('CONFIG_INVALID');
  });

  it('refuses a cluster in embedded mode, where chDB has none', async () => {
    const fake = { database: 'qrm', mode: 'embedded', cluster: 'qrm_test' } as unknown as ClickHouse;
    await expect(migrate(fake, pino({ level: 'silent' }))).rejects.toThrow(/CLICKHOUSE_CLUSTER needs a ClickHouse server/);
  });
});

describe('the cluster DDL in ClickHouse (chDB)', () => {
  const dir = tempDir('qrm-cluster-');
  let session: Session;
  let clustered: ClickHouse;
  let single: ClickHouse;
  const T = Date.UTC(2026, 9, 1);
  const at = new Date(T);

  beforeAll(async () => {
    // A cluster of one local shard: Distributed tables route to this process's own _local tables.
    // The engine is shared per data directory, so the qrm clients opened below see this configuration.
    const config = join(dir, 'config.xml');
    writeFileSync(
      config,
      `<clickhouse>
        <tcp_port>9000</tcp_port>
        <macros><shard>01</shard><replica>r1</replica></macros>
        <remote_servers><${cluster}><shard><replica><host>localhost</host><port>9000</port></replica></shard></${cluster}></remote_servers>
      </clickhouse>`,
    );
    mkdirSync(join(dir, 'clickhouse'));
    session = new Session(join(dir, 'clickhouse'), { connectionArgs: [`--config-file=${config}`] });
    const env = (database: string) => loadConfig({ QRM_DATA_DIR: dir, CLICKHOUSE_DATABASE: database, QRM_KAFKA_DEV_FILE: '/nonexistent', LOG_LEVEL: 'silent' });
    single = await connectClickHouse(env('qrm_single').clickhouse);
    await migrate(single, pino({ level: 'silent' }));
    session.query(`CREATE DATABASE IF NOT EXISTS ${db}`);
    clustered = await connectClickHouse(env(db).clickhouse, { createDatabase: false });
  });

  afterAll(async () => {
    await clustered?.close();
    await single?.close();
    session?.close();
  });

  it('has the cluster it is configured with', () => {
    expect(session.query(`SELECT count() FROM system.clusters WHERE cluster = '${cluster}' AND is_local`, 'TSVRaw').trim()).toBe('1');
  });

  it('parses every statement exactly as migrate() sends it', () => {
    for (const s of statements) {
      expect(() => session.query(`EXPLAIN AST ${s}`, 'TSVRaw'), s.slice(0, 80)).not.toThrow();
      const formatted = session.queryBind('SELECT formatQuery({q:String})', { q: s }, 'TSVRaw');
      if (!s.startsWith('INSERT')) expect(formatted, s.slice(0, 80)).toContain(`ON CLUSTER ${cluster}`);
    }
    const complaints = session.queryBind('SELECT formatQuery({q:String})', { q: find('CREATE TABLE IF NOT EXISTS qrm.complaints_local ') }, 'TSVRaw');
    expect(complaints).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/qrm/complaints_local', '{replica}', ingested_at)");
  });

  it('runs the DDL on a one-shard cluster: Distributed tables over _local ones, views from local to local', async () => {
    // What chDB cannot run is taken out: the distributed DDL queue and replication through Keeper.
    const runnable = (s: string) => s.replace(` ON CLUSTER ${cluster}`, '').replace(/Replicated(\w*MergeTree)\('[^']*', '\{replica\}'(?:, )?/, '$1(');
    for (const s of statements) {
      if (s.startsWith('CREATE DATABASE')) continue;
      session.query(runnable(s));
    }
    const engines = Object.fromEntries(
      session
        .query(`SELECT name, engine FROM system.tables WHERE database = '${db}' FORMAT TSV`, 'TSVRaw')
        .trim()
        .split('\n')
        .map((l) => l.split('\t')),
    );
    for (const t of sharded) {
      expect(engines[t], t).toBe('Distributed');
      expect(engines[`${t}_local`], t).toMatch(/MergeTree$/);
    }
    await loadReferenceData(clustered);
    expect(Number(session.query(`SELECT count() FROM ${db}.products`, 'TSVRaw'))).toBeGreaterThan(10);
  });

  it('stores through Distributed tables, fills the local aggregates, and counts a redelivery once', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => complaint(`dist-${i}`, T - hours(30) + i * 60_000, { product: 'toy', region: '440515' }));
    await insertRows(clustered, 'complaints', rows);
    await insertRows(clustered, 'complaints', rows);
    const q = async (sql: string) => Number(((await (await clustered.client.query({ query: sql, format: 'JSONEachRow' })).json()) as Record<string, number>[])[0]!.n);
    expect(await q("SELECT count() AS n FROM complaints WHERE product_code = 'toy'")).toBe(30);
    expect(await q("SELECT uniqExactMerge(ids) AS n FROM complaints_hourly WHERE product_code = 'toy'")).toBe(30);
    expect(Number(session.query(`SELECT count() FROM ${db}.complaints_hourly_local FINAL WHERE product_code = 'toy'`, 'TSVRaw'))).toBeGreaterThan(0);
  });

  it("scores through the Distributed tables exactly as on a single server (qrm's real scoring queries)", async () => {
    const history = [
      ...background(120, T, (i, t) => complaint(`bg-${i}`, t)),
      ...Array.from({ length: 40 }, (_, i) => complaint(`surge-${i}`, T - hours(20) + i * 60_000, { issue: i % 4 ? 'quality_defect' : 'safety_hazard', enterprise: '91130184MA07L8XQ45' })),
      ...['130102', '130104', '130105', '130107', '130108'].flatMap((region, n) => [
        ...background(120, T, (i, t) => complaint(`w-${n}-bg-${i}`, t, { product: 'wire_cable', region })),
        ...Array.from({ length: 16 }, (_, i) => complaint(`w-${n}-rise-${i}`, T - hours(6 * 24) + i * hours(8.5), { product: 'wire_cable', region })),
      ]),
    ];
    const media = [
      ...background(60, T, (i, t) => mediaItem(`m-bg-${i}`, t, { product: 'toy', regions: ['440515'] })),
      mediaItem('expose-1', T - hours(3), { product: 'toy', regions: ['440515'], sentiment: -0.9, reach: 2_000_000, exposure: true }),
    ];
    const checks = [
      ...Array.from({ length: 20 }, (_, i) => spotCheck(`sc-pass-${i}`, T - hours(24 * (100 + 12 * i)), { product: 'wood_panel', region: '371721' })),
      ...Array.from({ length: 6 }, (_, i) => spotCheck(`sc-fail-${i}`, T - hours(24 * (5 + i)), { product: 'wood_panel', region: '371721', result: 'fail', enterprise: i < 3 ? '91371721MA3C0000X0' : '' })),
    ];
    const toys = Array.from({ length: 30 }, (_, i) => complaint(`dist-${i}`, T - hours(30) + i * 60_000, { product: 'toy', region: '440515' }));
    for (const ch of [single, clustered]) {
      await insertRows(ch, 'complaints', history);
      await insertRows(ch, 'media_items', media);
      await insertRows(ch, 'spot_checks', checks);
    }
    await insertRows(single, 'complaints', toys);

    const expected = await scorePass(single, at);
    const got = await scorePass(clustered, at);
    expect(expected.filter((c) => c.level).length).toBeGreaterThan(2);
    expect(expected.some((c) => c.regionLevel === 'prefecture' && c.productCode === 'wire_cable' && c.level)).toBe(true);
    expect(got).toEqual(expected);

    // A pass stores scores and warning events through the Distributed tables; a second replica
    // running the same pass writes the same rows, which collapse.
    const first = await runPass(clustered, at, DEFAULT_ALARM_Z);
    const again = await runPass(clustered, at, DEFAULT_ALARM_Z);
    expect(again.events).toEqual(first.events);
    expect((await runPass(single, at, DEFAULT_ALARM_Z)).events).toEqual(first.events);
    const count = async (table: string) =>
      Number(((await (await clustered.client.query({ query: `SELECT count() AS n FROM ${table} WHERE evaluated_at = {t:DateTime64(3, 'UTC')}`, query_params: { t: '2026-10-01 00:00:00.000' }, format: 'JSONEachRow' })).json()) as { n: number }[])[0]!.n);
    expect(await count('risk_scores')).toBe(first.cells.length);
    expect(await count('warnings')).toBe(first.events.length);
  });
});
