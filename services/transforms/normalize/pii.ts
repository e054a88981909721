import { createHmac } from 'node:crypto';

// PIPL: a complainant's phone may be kept only as a keyed hash, so repeated calls from one person
// can be recognised without anyone being able to recover the number from the database. HMAC-SHA256
// with a secret key (not a bare hash: 11-digit phone numbers are trivially brute-forced).

export type PhoneHasher = (phone: string) => string;

export function phoneHasher(key: string): PhoneHasher {
  return (phone) => {
    const digits = normalizePhone(phone);
    if (!digits) return '';
    return createHmac('sha256', key).update(digits).digest('hex').slice(0, 32);
  };
}

/** The same person calling as +86 138-0013-8000 and 13800138000 must hash alike. */
export function normalizePhone(phone: string): string {
  let digits = phone.replace(/\D/g, '');
  if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  if (digits.length === 15 && digits.startsWith('0086')) digits = digits.slice(4);
  return digits;
}

// Callers often leave their number in the free-text description; mobile and landline-looking runs of
// digits are masked before any text is stored.
const phoneLike = /(?<!\d)(?:\+?86[- ]?)?(?:1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)/g;

export function maskPhones(text: string): string {
  return text.replace(phoneLike, '[phone]');
}
