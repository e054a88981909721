import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

// A real SMTP server on loopback that keeps what it receives, and can go down and come back on the
// same port (an outage of the relay).

export type Received = { from: string; to: string[]; raw: string };

export async function startSmtp(port = 0) {
  const received: Received[] = [];
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, done) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
          done();
        });
      },
    });
  let server = make();
  const listen = (p: number) => new Promise<number>((resolve) => server.listen(p, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)));
  const actual = await listen(port);
  let up = true;
  return {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    received,
    async down() {
      if (!up) return;
      up = false;
      await new Promise<void>((r) => server.close(() => r()));
    },
    async up() {
      if (up) return;
      server = make();
      await listen(actual);
      up = true;
    },
  };
}
