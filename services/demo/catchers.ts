import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { maskPhone } from '../sinks/sms/mask.ts';

// The demo's stand-ins for the outside world: an SMTP catcher that saves every email as an .eml
// file, and an SMS gateway stub that accepts and prints every message. Real servers on loopback, so
// the demo exercises the same delivery code as production.

/** Decodes RFC 2047 encoded words (=?UTF-8?B?…?= / ?Q?) in a header, as mail clients do. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    );
}

export async function startMailCatcher(dir: string, onMail: (m: { to: string[]; subject: string; file: string }) => void) {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const file = join(dir, `${String(++n).padStart(3, '0')}.eml`);
        writeFileSync(file, raw);
        const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '';
        onMail({ to: session.envelope.rcptTo.map((r) => r.address), subject: decodeHeader(subject), file });
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function startSmsStub(onSms: (m: { to: string; text: string }) => void) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const msg = JSON.parse(body || '{}') as { to?: string; text?: string; id?: string };
      onSms({ to: maskPhone(msg.to ?? ''), text: msg.text ?? '' });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId: `stub-${msg.id ?? ''}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
