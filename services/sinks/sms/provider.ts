// What the dispatcher needs from an SMS channel. A provider is given the same idempotency key on every
// attempt for one message, so a resend after a lost response does not reach the phone twice.

export type SmsMessage = { to: string; text: string; idempotencyKey: string };

export interface SmsProvider {
  /** Resolves once the provider has accepted the message; rejects with SMS_UNAVAILABLE or SMS_REJECTED. */
  send(msg: SmsMessage): Promise<{ providerMessageId: string }>;
}
