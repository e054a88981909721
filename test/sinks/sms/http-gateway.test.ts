import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { QrmError } from '../../../services/errors.ts';
import { buildHttpGateway, verifySignature, type HttpGatewayConfig } from '../../../services/sinks/sms/http-gateway.ts';
import { maskPhone } from '../../../services/sinks/sms/mask.ts';
import { createLogger } from '../../../services/telemetry/logger.ts';

// The gateway client against a real HTTP server on a local port, which checks every signature the
// way a real gateway would.

const secret = 'gateway-secret-0123456789';
const phone = '13800138000';

type Request = { headers: IncomingMessage['headers']; body: string; signed: boolean };

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A gateway stub that records each request and answers with `respond(n)` for the n-th (from 0). */
async function gateway(respond: (n: number, res: ServerResponse) => void): Promise<{ url: string; requests: Request[] }> {
  const requests: Request[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signed = verifySignature(secret, String(req.headers['x-qrm-timestamp']), body, req.headers['x-qrm-signature'] as string | undefined);
      requests.push({ headers: req.headers, body, signed });
      if (!signed) return void res.writeHead(401).end('bad signature');
      respond(requests.length - 1, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    // A hanging test response would otherwise keep close() waiting.
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`, requests };
}

function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: createLogger('debug', stream), lines };
}

function client(url: string, patch: Partial<HttpGatewayConfig> = {}, log = createLogger('silent')) {
  return buildHttpGateway({ url, secret, timeoutMs: 1_000, retries: 3, backoffMs: 10, ...patch }, { log });
}

const accepted = (id: string) => (_n: number, res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId: id }));

async function failure(p: Promise<unknown>): Promise<QrmError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(QrmError);
  return err as QrmError;
}

const message = { to: phone, text: '[qrm] II级预警 新乐市 防水卷材 评分82 确认码 K7Q2AB', idempotencyKey: 'n-42-0' };

describe('HTTP SMS gateway', () => {
  it('posts signed JSON and returns the gateway message id', async () => {
    const { url, requests } = await gateway(accepted('gw-1'));
    await expect(client(url).send(message)).resolves.toEqual({ providerMessageId: 'gw-1' });
    expect(requests).toHaveLength(1);
    const r = requests[0]!;
    expect(r.signed).toBe(true);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-qrm-timestamp']).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(r.headers['x-qrm-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(r.headers['x-qrm-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const body = JSON.parse(r.body) as Record<string, string>;
    expect(body).toEqual({ to: phone, text: message.text, id: 'n-42-0', sentAt: expect.any(String) });
    expect(Date.parse(body.sentAt!)).not.toBeNaN();
  });

  it('retries 5xx with backoff and sends once it succeeds: exactly three requests, one id', async () => {
    const { url, requests } = await gateway((n, res) => (n < 2 ? res.writeHead(500).end('busy') : accepted('gw-3')(n, res)));
    await expect(client(url).send(message)).resolves.toEqual({ providerMessageId: 'gw-3' });
    expect(requests).toHaveLength(3);
    expect(requests.every((r) => r.signed)).toBe(true);
    // The same idempotency key on every attempt lets the gateway drop a duplicate.
    expect(new Set(requests.map((r) => (JSON.parse(r.body) as { id: string }).id))).toEqual(new Set(['n-42-0']));
  });

  it('does not retry a 4xx and reports it as rejected', async () => {
    const { url, requests } = await gateway((_n, res) => res.writeHead(400).end(`invalid number ${phone}`));
    const err = await failure(client(url).send(message));
    expect(err).toMatchObject({ code: 'SMS_REJECTED', retryable: false });
    expect(err.message).toContain('HTTP 400');
    expect(requests).toHaveLength(1);
  });

  it('gives up after the configured retries and reports the gateway as unavailable', async () => {
    const { url, requests } = await gateway((_n, res) => res.writeHead(503).end());
    const err = await failure(client(url, { retries: 2 }).send(message));
    expect(err).toMatchObject({ code: 'SMS_UNAVAILABLE', retryable: true });
    expect(err.message).toContain('3 attempts');
    expect(requests).toHaveLength(3);
  });

  it('retries 429: the gateway asks to come back later', async () => {
    const { url, requests } = await gateway((n, res) => (n === 0 ? res.writeHead(429).end() : accepted('gw-2')(n, res)));
    await expect(client(url).send(message)).resolves.toEqual({ providerMessageId: 'gw-2' });
    expect(requests).toHaveLength(2);
  });

  it('treats a gateway that does not answer in time as unavailable, retrying each timeout', async () => {
    const { url, requests } = await gateway(() => undefined);
    const started = Date.now();
    const err = await failure(client(url, { timeoutMs: 200, retries: 1 }).send(message));
    expect(err).toMatchObject({ code: 'SMS_UNAVAILABLE', retryable: true });
    expect(err.message).toContain('no answer within 200 ms');
    expect(requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('treats a gateway that is down as unavailable', async () => {
    const { url } = await gateway(accepted('never'));
    await cleanups.pop()!();
    const err = await failure(client(url, { retries: 1 }).send(message));
    expect(err).toMatchObject({ code: 'SMS_UNAVAILABLE', retryable: true });
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('falls back to the idempotency key when an accepting gateway names no message id', async () => {
    const { url } = await gateway((_n, res) => res.writeHead(202).end('queued'));
    await expect(client(url).send(message)).resolves.toEqual({ providerMessageId: 'n-42-0' });
  });

  it('never logs or reports the phone number in clear', async () => {
    const { url } = await gateway((n, res) => (n === 0 ? res.writeHead(500).end(`down for ${phone}`) : res.writeHead(400).end(`refused ${phone}`)));
    const { log, lines } = logCapture();
    const err = await failure(client(url, {}, log).send(message));
    expect(lines.length).toBeGreaterThan(0);
    const everything = [...lines, err.message].join('\n');
    expect(everything).not.toContain(phone);
    expect(everything).toContain('138****8000');
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => client('ftp://gateway.example.cn/sms')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('verifySignature', () => {
  const body = '{"to":"13800138000","text":"x","id":"1","sentAt":"2026-11-21T08:00:00.000Z"}';
  // Computed outside this code: printf '%s' "1764000000.$body" | openssl dgst -sha256 -hmac "$secret"
  const header = 'sha256=a106b5fe9ef5a410a75769671eca79e03ae9aecd5ce6fe5f3a9cc3912a9ce8a2';

  it('accepts the signature of the same secret, timestamp and body only', () => {
    expect(verifySignature(secret, '1764000000', body, header)).toBe(true);
    expect(verifySignature(secret, '1764000001', body, header)).toBe(false);
    expect(verifySignature(secret, '1764000000', body.replace('"x"', '"y"'), header)).toBe(false);
    expect(verifySignature('another-secret', '1764000000', body, header)).toBe(false);
    expect(verifySignature(secret, '1764000000', body, header.slice(0, 20))).toBe(false);
    expect(verifySignature(secret, '1764000000', body, header.replace('sha256=', ''))).toBe(false);
    expect(verifySignature(secret, '1764000000', body, undefined)).toBe(false);
  });
});

describe('maskPhone', () => {
  it.each([
    ['13800138000', '138****8000'],
    ['+86 138-0013-8000', '138****8000'],
    ['010-12345678', '010****5678'],
    ['12345', '****'],
  ])('masks %s as %s', (input, masked) => {
    expect(maskPhone(input)).toBe(masked);
  });
});
