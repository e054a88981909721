import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ClickHouseConfig } from '../config/clickhouse.ts';

// The one place that builds a ClickHouse client. Embedded mode plugs chDB (the engine in this process)
// into the official client; server mode talks HTTP. Everything above sees the same ClickHouseClient.
// chDB's connection hook is experimental upstream, which is why it stays confined to this file.

export type ClickHouse = {
  client: ClickHouseClient;
  database: string;
  mode: ClickHouseConfig['mode'];
  cluster?: string;
  close(): Promise<void>;
};

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
  const create = `CREATE DATABASE IF NOT EXISTS ${config.database}`;
  if (config.mode === 'embedded') {
    const path = resolve(join(config.dataDir, 'clickhouse'));
    mkdirSync(path, { recursive: true });
    const { createChdbConnection } = await import('chdb/connection');
    // chdb types its connection against an older copy of the client's interfaces; the shapes match.
    const connection = createChdbConnection({ path }) as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'];
    client = createClient({ connection, clickhouse_settings: settings, log });
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
    client = createClient({ ...server, database: config.database });
  }
  let closed = false;
  return {
    client,
    database: config.database,
    mode: config.mode,
    cluster: config.cluster,
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}
