import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, parseError, type ClickHouseClient } from '@clickhouse/client';
import type { ClickHouseConfig } from '../config/clickhouse.ts';

// The one place that builds a ClickHouse client. Embedded mode plugs chDB (the engine in this process)
// into the official client; server mode talks HTTP. Everything above sees the same ClickHouseClient.
// chDB's connection hook is experimental upstream, which is why it stays confined to this file.

export type ClickHouse = {
  client: ClickHouseClient;
  database: string;
  mode: ClickHouseConfig['mode'];
  cluster?: string;
  /**
   * Inserts rows already encoded as JSONCompactEachRow (one array per line, in the order of
   * `columns`). Embedded chDB takes the Buffer as it is (no copy into a JavaScript string, parsed
   * by the engine's own threads); a server receives it as the request body.
   */
  insertJsonCompact(table: string, columns: readonly string[], body: Buffer): Promise<void>;
  close(): Promise<void>;
};

type RawInsert = (params: { table: string; columns: readonly string[]; values: Buffer; format: 'JSONCompactEachRow' }) => Promise<unknown>;

// Common settings: 64-bit integers as JSON numbers on both engines (chDB and a server differ by
// default), and FINAL applied to every SELECT so a not-yet-merged duplicate never counts.
const settings = {
  output_format_json_quote_64bit_integers: 0,
  final: 1,
} as const;

// The client would print every failed request to the console itself; qrm reports failures through
// its own telemetry (with retry context), so the client stays quiet.
const log = { level: ClickHouseLogLevel.OFF };

// chDB quirk: the connection turns per-query settings into session-wide `SET` statements, so a
// setting passed with one query stays in force for every later query of the process. Only settings
// that are meant to hold for the whole process may be passed per query in embedded mode.

export async function connectClickHouse(config: ClickHouseConfig, opts: { createDatabase?: boolean } = {}): Promise<ClickHouse> {
  const createDatabase = opts.createDatabase ?? true;
  let client: ClickHouseClient;
  let insertJsonCompact: ClickHouse['insertJsonCompact'];
  let closeEngine = () => undefined as unknown;
  const create = `CREATE DATABASE IF NOT EXISTS ${config.database}`;
  if (config.mode === 'embedded') {
    const path = resolve(join(config.dataDir, 'clickhouse'));
    mkdirSync(path, { recursive: true });
    // chDB's own jemalloc reads its options from the environment once, when the engine's library
    // loads (the import below); a later connection in the same process cannot change them.
    process.env.JE_MALLOC_CONF = config.chdbMallocConf;
    const { createChdbConnection } = await import('chdb/connection');
    // The engine starts with the first connection to a data directory and takes its options from
    // it; createChdbConnection passes none, so a plain Session with them opens the directory first
    // and the connection below joins that engine (connections to one directory share it).
    if (config.chdbArgs.length > 0) {
      const { Session } = await import('chdb');
      const session = new Session(path, { connectionArgs: config.chdbArgs });
      closeEngine = () => session.close();
    }
    // chdb types its connection against an older copy of the client's interfaces; the shapes match.
    const chdb = createChdbConnection({ path });
    const connection = chdb as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'];
    client = createClient({ connection, clickhouse_settings: settings, log });
    // The connection's own insert would turn the body into a string and prepend the statement.
    const rawInsert: RawInsert = (params) => chdb.chdb.rawInsert(params);
    insertJsonCompact = async (table, columns, body) => {
      try {
        await rawInsert({ table, columns, values: body, format: 'JSONCompactEachRow' });
      } catch (err) {
        throw parseChdbError(err);
      }
    };
    // The chDB session keeps its current database, as a server does for `database` on each request.
    if (createDatabase) await client.command({ query: create });
    await client.command({ query: `USE ${config.database}` });
  } else {
    const server = {
      url: config.url,
      username: config.user,
      password: config.password,
      clickhouse_settings: settings,
      log,
      request_timeout: 60_000,
      compression: { request: false, response: true },
    };
    // Requests name the database, which must exist first: create it through the default database.
    if (createDatabase) {
      const bootstrap = createClient(server);
      try {
        await bootstrap.command({ query: create });
      } finally {
        await bootstrap.close();
      }
    }
    const http = createClient({ ...server, database: config.database });
    client = http;
    // insert() would re-encode a stream as JSON values; exec() sends the bytes as they are. Table
    // and column names are qrm's own (configuration and code), never message content.
    insertJsonCompact = async (table, columns, body) => {
      const list = columns.map((c) => `\`${c}\``).join(', ');
      const { stream } = await http.exec({ query: `INSERT INTO ${table} (${list}) FORMAT JSONCompactEachRow`, values: Readable.from([body]) });
      stream.resume();
    };
  }
  let closed = false;
  return {
    client,
    database: config.database,
    mode: config.mode,
    cluster: config.cluster,
    insertJsonCompact,
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
      closeEngine();
    },
  };
}

/**
 * chDB's raw insert rejects with the engine's text ("Code: 27. DB::Exception: ..."); read it as the
 * client does, so its error code decides between retrying and isolating the refused rows.
 */
function parseChdbError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const parsed = parseError(message);
  if (parsed !== err) (parsed as Error & { cause?: unknown }).cause = err;
  return parsed;
}
