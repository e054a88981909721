import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { QrmError } from '../../../services/errors.ts';
import { renderEmail } from '../../../services/sinks/email/render.ts';
import { buildEmailSender, type EmailSender } from '../../../services/sinks/email/sender.ts';
import { createLogger } from '../../../services/telemetry/logger.ts';
import { warningEvent } from './events.ts';
import { parseMessage } from './mime.ts';

// The sender against a real SMTP server (smtp-server) on a local port: what arrives is read back from
// the raw bytes, and the server's refusals are checked to come back as the right error.

type Received = { from: string; to: string[]; raw: string; secure: boolean; user: string | undefined };

const log = createLogger('silent');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function smtpServer(options: Partial<SMTPServerOptions> = {}): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        done();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, received };
}

function sender(smtpUrl: string, from = '产品质量风险监测 <qrm@example.cn>'): EmailSender {
  const s = buildEmailSender({ smtpUrl, from }, { log });
  cleanups.push(() => s.close());
  return s;
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

async function failure(p: Promise<unknown>): Promise<QrmError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(QrmError);
  return err as QrmError;
}

const dashboardUrl = 'https://grafana.example.cn/d/qrm-cell/qrm-cell?var-product=waterproof_membrane&var-region=130184';

const content = renderEmail({
  kind: 'immediate',
  recipientName: '新乐市市场监督管理局',
  items: [{ event: warningEvent(), dashboardUrl }],
  ackInstructions: '请在处置后确认：qrm warnings ack <预警编号>',
});

describe('email sender', () => {
  it('delivers a UTF-8 message with Chinese headers and both a text and an HTML part', async () => {
    const { port, received } = await smtpServer();
    const result = await sender(`smtp://127.0.0.1:${port}`).send({
      to: ['xinle@bureau.example.cn', 'duty@bureau.example.cn'],
      ...content,
      headers: { 'X-QRM-Notifications': 'n1 n2' },
    });

    expect(result.messageId).toMatch(/^<.+@.+>$/);
    expect(result.rejected).toEqual([]);
    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(got.from).toBe('qrm@example.cn');
    expect(got.to).toEqual(['xinle@bureau.example.cn', 'duty@bureau.example.cn']);

    const message = parseMessage(got.raw);
    expect(message.headers.subject).toBe('【II级预警】新乐市 防水卷材 风险评分 82');
    expect(message.headers.from).toBe('产品质量风险监测 <qrm@example.cn>');
    expect(message.headers.to).toBe('xinle@bureau.example.cn, duty@bureau.example.cn');
    expect(message.headers['message-id']).toBe(result.messageId);
    expect(message.headers['x-qrm-notifications']).toBe('n1 n2');
    // Non-ASCII header text goes out as RFC 2047 encoded words, never as raw 8-bit bytes.
    expect(got.raw.split('\r\n\r\n')[0]).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);

    const text = message.parts.find((p) => p.headers['content-type']?.startsWith('text/plain'));
    const html = message.parts.find((p) => p.headers['content-type']?.startsWith('text/html'));
    expect(text?.headers['content-type']).toMatch(/charset=utf-8/i);
    expect(html?.headers['content-type']).toMatch(/charset=utf-8/i);
    expect(text?.body.replace(/\r\n/g, '\n')).toBe(content.text);
    for (const part of [text!.body, html!.body]) {
      expect(part).toContain('II级（橙色）');
      expect(part).toContain('防水卷材');
      expect(part).toContain('河北省 石家庄市 新乐市');
    }
    expect(text!.body).toContain(dashboardUrl);
    expect(html!.body).toContain(`href="${dashboardUrl.replace(/&/g, '&amp;')}"`);
  });

  it('authenticates with the credentials in the URL over STARTTLS, taking TLS options from the URL', async () => {
    const { port, received } = await smtpServer({
      disabledCommands: [],
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, done) {
        if (auth.username === 'qrm' && auth.password === 's3cret/pass') return done(null, { user: auth.username });
        done(smtpError(535, 'bad credentials'));
      },
    });
    // smtp-server's built-in certificate is self-signed, hence rejectUnauthorized=false in the URL.
    await sender(`smtp://qrm:${encodeURIComponent('s3cret/pass')}@127.0.0.1:${port}/?tls.rejectUnauthorized=false`).send({ to: ['a@example.cn'], ...content });
    expect(received[0]).toMatchObject({ secure: true, user: 'qrm' });
  });

  it('reports wrong credentials (535) as rejected: trying again cannot help', async () => {
    const { port } = await smtpServer({
      disabledCommands: [],
      onAuth: (_auth, _session, done) => done(smtpError(535, 'Authentication credentials invalid')),
    });
    const err = await failure(sender(`smtp://qrm:wrong@127.0.0.1:${port}/?tls.rejectUnauthorized=false`).send({ to: ['a@example.cn'], ...content }));
    expect(err).toMatchObject({ code: 'EMAIL_REJECTED', retryable: false });
  });

  it('reports a permanent refusal (550) as rejected, without the address in the message', async () => {
    const { port, received } = await smtpServer({ onRcptTo: (_address, _session, done) => done(smtpError(550, 'mailbox unavailable')) });
    const err = await failure(sender(`smtp://127.0.0.1:${port}`).send({ to: ['zhang.san@bureau.example.cn'], ...content }));
    expect(err).toMatchObject({ code: 'EMAIL_REJECTED', retryable: false });
    expect(err.message).toContain('550');
    expect(err.message).not.toContain('zhang.san');
    expect(received).toHaveLength(0);
  });

  it('reports a temporary refusal (451) as unavailable: the dispatcher retries later', async () => {
    const { port } = await smtpServer({
      onData(stream, _session, done) {
        stream.resume();
        stream.on('end', () => done(smtpError(451, 'local error in processing, try again later')));
      },
    });
    const err = await failure(sender(`smtp://127.0.0.1:${port}`).send({ to: ['a@example.cn'], ...content }));
    expect(err).toMatchObject({ code: 'EMAIL_UNAVAILABLE', retryable: true });
  });

  it('reports a server that is down as unavailable', async () => {
    const port = await closedPort();
    const err = await failure(sender(`smtp://127.0.0.1:${port}`).send({ to: ['a@example.cn'], ...content }));
    expect(err).toMatchObject({ code: 'EMAIL_UNAVAILABLE', retryable: true });
  });

  it('delivers to the accepted recipients and names the refused ones', async () => {
    const { port, received } = await smtpServer({
      onRcptTo: (address, _session, done) => (address.address.startsWith('gone') ? done(smtpError(550, 'no such user')) : done()),
    });
    const result = await sender(`smtp://127.0.0.1:${port}`).send({ to: ['ok@example.cn', 'gone@example.cn'], ...content });
    expect(result.rejected).toEqual(['gone@example.cn']);
    expect(received[0]!.to).toEqual(['ok@example.cn']);
  });

  it('closes idempotently and refuses to send afterwards', async () => {
    const { port } = await smtpServer();
    const s = sender(`smtp://127.0.0.1:${port}`);
    await s.close();
    await s.close();
    const err = await failure(s.send({ to: ['a@example.cn'], ...content }));
    expect(err).toMatchObject({ code: 'SHUTDOWN', retryable: false });
  });

  it('refuses a URL that is not smtp:// or smtps:// without echoing it', () => {
    expect(() => buildEmailSender({ smtpUrl: 'http://user:hunter2@mail.example.cn', from: 'a@example.cn' }, { log })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.not.stringContaining('hunter2') }),
    );
  });
});

/** A port nothing listens on: bound once to learn a free number, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
