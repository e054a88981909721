import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpGateway } from '../../services/sinks/sms/http-gateway.ts';
import { createLogger } from '../../services/telemetry/logger.ts';

// The SMS gateway stub of docker-compose.yml (infra/sms-gateway), run as the container runs it
// (plain node, PORT from the environment), sent to by qrm's real HTTP gateway client.

const script = fileURLToPath(new URL('../../infra/sms-gateway/sms-gateway-stub.mjs', import.meta.url));
let stub: ChildProcess;
let url: string;
const lines: Record<string, unknown>[] = [];
const nextLine = () =>
  new Promise<Record<string, unknown>>((resolve) => {
    const poll = () => (lines.length ? resolve(lines.shift()!) : setTimeout(poll, 10));
    poll();
  });

beforeAll(async () => {
  stub = spawn(process.execPath, [script], { env: { PORT: '0', PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'inherit'] });
  createInterface({ input: stub.stdout! }).on('line', (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  const started = await nextLine();
  expect(started.msg).toBe('sms gateway stub listening');
  url = `http://127.0.0.1:${started.port}/send`;
});

afterAll(async () => {
  if (stub && stub.exitCode === null) {
    stub.kill('SIGTERM');
    await once(stub, 'exit');
  }
});

describe('SMS gateway stub', () => {
  it("accepts qrm's messages and logs each request with the number masked", async () => {
    const gateway = buildHttpGateway({ url, secret: 'stub-secret-0123456789', retries: 0 }, { log: createLogger('silent') });
    const { providerMessageId } = await gateway.send({ to: '+8613800138000', text: '【市场监管】新乐市 防水卷材 II级预警', idempotencyKey: 'n-1' });
    expect(providerMessageId).toMatch(/^stub-/);
    const logged = await nextLine();
    expect(logged).toMatchObject({ path: '/send', id: 'n-1', messageId: providerMessageId, to: '138****8000', signed: true });
    expect(logged.text).toContain('防水卷材');
    expect(JSON.stringify(logged)).not.toContain('13800138000');
  });

  it('answers its health check and stops on SIGTERM', async () => {
    const res = await fetch(url.replace('/send', '/healthz'));
    expect(res.status).toBe(200);
    stub.kill('SIGTERM');
    const [code] = await once(stub, 'exit');
    expect(code).toBe(0);
  });
});
