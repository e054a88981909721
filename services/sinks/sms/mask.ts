import { normalizePhone } from '../../transforms/normalize/pii.ts';

// Phone numbers are personal data (PIPL): logs and errors show 138****8000, enough for an operator
// to tell two recipients apart, never the number.

export function maskPhone(phone: string): string {
  const digits = normalizePhone(phone);
  return digits.length >= 8 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '****';
}
