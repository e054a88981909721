import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

// Metrics, liveness and readiness. /healthz answers as long as the process serves requests;
// /readyz only once every service has started and storage answers, so an orchestrator holds traffic
// (and a rolling deploy waits) until then. Later services mount their routes through `routes`.

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

export type HttpDeps = { registry: Registry; log: Logger; ready: () => Promise<{ ok: boolean; detail: Record<string, unknown> }>; routes?: Route[] };

export function buildHttpServer(port: number, deps: HttpDeps) {
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      deps.log.error({ err: err.message, url: req.url }, 'http handler failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': deps.registry.contentType });
      res.end(await deps.registry.metrics());
      return;
    }
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}\n');
      return;
    }
    if (req.method === 'GET' && path === '/readyz') {
      const r = await deps.ready();
      res.writeHead(r.ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ status: r.ok ? 'ready' : 'not ready', ...r.detail })}\n`);
      return;
    }
    for (const route of deps.routes ?? []) if (await route(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  }

  let closed: Promise<void> | undefined;
  return {
    listen(): Promise<number> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, () => resolve((server.address() as AddressInfo).port));
      });
    },
    close(): Promise<void> {
      closed ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
