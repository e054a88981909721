import { createTransport, type NodemailerError } from 'nodemailer';
import { QrmError } from '../../errors.ts';
import type { Logger } from '../../telemetry/logger.ts';

// Sends rendered alerts over SMTP. The URL carries everything the relay needs (smtp:// or smtps://,
// credentials, and options such as ?tls.rejectUnauthorized=false or ?pool=true), so deployments
// differ only in SMTP_URL. Failures come back as EMAIL_UNAVAILABLE (try again later) or
// EMAIL_REJECTED (this message will never go through), which is what the dispatcher decides on.

/** An inline part the HTML refers to as cid:… (report charts). */
export type EmailAttachment = { filename: string; content: string; contentType: string; cid: string; contentDisposition: 'inline' };

export type EmailMessage = { to: string[]; subject: string; text: string; html: string; headers?: Record<string, string>; attachments?: EmailAttachment[] };

export type EmailSender = {
  /** `rejected` lists recipients the server refused while accepting the message for the others. */
  send(msg: EmailMessage): Promise<{ messageId: string; rejected: string[] }>;
  close(): Promise<void>;
};

export type EmailSenderConfig = { smtpUrl: string; from: string };

// Errors without an SMTP reply: these mean the path to the server failed (refused, reset, timed out,
// DNS, TLS handshake), not the message, so the same message can go through later. Anything else
// without a reply (no recipients, an invalid address, missing credentials) fails the same way again.
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL']);

export function buildEmailSender(config: EmailSenderConfig, deps: { log: Logger }): EmailSender {
  // The URL is not echoed: it carries the password.
  if (!/^smtps?:\/\//i.test(config.smtpUrl)) throw new QrmError('CONFIG_INVALID', 'config', 'SMTP_URL: expected smtp://… or smtps://…');
  const transport = createTransport(config.smtpUrl);
  const log = deps.log.child({ component: 'email' });
  let closed = false;

  return {
    async send(msg) {
      if (closed) throw new QrmError('SHUTDOWN', 'notify', 'sending email after the sender was closed');
      try {
        const info = await transport.sendMail({ from: config.from, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html, headers: msg.headers, attachments: msg.attachments });
        // Addresses are personal data: the log says how many, not who.
        if (info.rejected.length > 0) log.warn({ messageId: info.messageId, recipients: msg.to.length, rejected: info.rejected.length }, 'some recipients were refused');
        else log.debug({ messageId: info.messageId, recipients: msg.to.length }, 'email sent');
        return { messageId: info.messageId, rejected: info.rejected };
      } catch (err) {
        throw classify(err);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      transport.close();
    },
  };
}

function classify(err: unknown): QrmError {
  const e = err as NodemailerError;
  const reply = e.response ? `${e.command ?? 'SMTP'}: ${maskAddresses(e.response)}` : `${e.code ?? 'error'}: ${maskAddresses(e.message)}`;
  // RFC 5321: a 4yz reply is transient, a 5yz reply permanent; nodemailer sets `permanent` from the
  // reply class (and counts 503, a session in the wrong state, as transient).
  const retryable = e.responseCode !== undefined ? e.permanent !== true : CONNECTION_CODES.has(e.code ?? '');
  return new QrmError(retryable ? 'EMAIL_UNAVAILABLE' : 'EMAIL_REJECTED', 'notify', `sending email: ${reply}`, { cause: err });
}

// Server replies quote the refused address ("550 5.1.1 <li@bureau.gov.cn>: unknown user"); the
// domain is enough to debug with.
function maskAddresses(text: string): string {
  return text.replace(/[^\s<>"'(),;:@]+@/g, '***@');
}
