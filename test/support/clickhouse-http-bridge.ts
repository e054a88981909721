import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

// A stand-in for a ClickHouse server: ClickHouse's HTTP interface in front of chDB, in the test
// process. It lets tests drive qrm's server mode (CLICKHOUSE_URL) over real HTTP, and take
// "ClickHouse" down and bring it back on the same port, which no embedded engine can show.
// Debian's clickhouse-server (18.16) is far too old to use instead (see shared/infra.md).
// Implements what qrm's client sends: /ping, statements in the body or the `query` parameter with
// data in the body, and errors as ClickHouse formats them.

export type Bridge = { url: string; port: number; down(): Promise<void>; up(): Promise<void>; close(): Promise<void>; engine: ClickHouseClient };

export async function startBridge(path: string, port = 0): Promise<Bridge> {
  const connection = createChdbConnection({ path }) as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'];
  const engine = createClient({ connection });
  const sockets = new Set<Socket>();
  let server: Server;

  const listen = (p: number) =>
    new Promise<number>((resolve) => {
      server = createServer(async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://bridge');
        if (url.pathname === '/ping') return void res.end('Ok.\n');
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const body = Buffer.concat(chunks).toString('utf8');
        const query = url.searchParams.get('query');
        const sql = query ? `${query}\n${body}` : body;
        const database = url.searchParams.get('database');
        try {
          if (database) await engine.command({ query: `USE ${database.replace(/[^A-Za-z0-9_]/g, '')}` });
          const result = await engine.exec({ query: sql });
          res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8', 'x-clickhouse-summary': '{}' });
          result.stream.pipe(res);
        } catch (err) {
          const code = Number((err as { code?: string }).code) || 1000;
          res.writeHead(500, { 'x-clickhouse-exception-code': String(code) });
          res.end(`Code: ${code}. DB::Exception: ${(err as Error).message}. (BRIDGE)\n`);
        }
      });
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      server.listen(p, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });

  const actualPort = await listen(port);
  let isUp = true;
  const down = async () => {
    if (!isUp) return;
    isUp = false;
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    engine,
    down,
    async up() {
      if (isUp) return;
      await listen(actualPort);
      isUp = true;
    },
    async close() {
      await down();
      await engine.close();
    },
  };
}
