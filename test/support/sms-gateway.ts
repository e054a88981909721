import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../services/sinks/sms/http-gateway.ts';

// A local HTTP SMS gateway that checks qrm's signature and records each accepted message once per
// idempotency key, as a real provider would.

export async function startSmsGateway(secret: string) {
  const accepted = new Map<string, { to: string; text: string }>();
  let requests = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests++;
      const ts = String(req.headers['x-qrm-timestamp'] ?? '');
      if (!verifySignature(secret, ts, body, req.headers['x-qrm-signature'] as string | undefined)) {
        res.writeHead(401).end('{"error":"bad signature"}');
        return;
      }
      const msg = JSON.parse(body) as { to: string; text: string; id: string };
      accepted.set(msg.id, { to: msg.to, text: msg.text });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId: `gw-${msg.id}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`,
    accepted,
    requests: () => requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
