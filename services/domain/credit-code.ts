// GB 32100-2015 unified social credit code: 17 characters plus a check character, all from a
// 31-character alphabet (digits and upper-case letters without I, O, S, V, Z, which are too easy
// to confuse with digits when codes are copied by hand).
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const VALUE = new Map([...CREDIT_CODE_ALPHABET].map((ch, i) => [ch, i]));
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

function checkChar(prefix17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += VALUE.get(prefix17[i]!)! * WEIGHTS[i]!;
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** The canonical (trimmed, upper-case) code, or undefined if it is malformed or its check character is wrong. */
export function normalizeCreditCode(raw: string): string | undefined {
  const code = raw.trim().toUpperCase();
  if (!SHAPE.test(code)) return undefined;
  return checkChar(code) === code[17] ? code : undefined;
}

/** Appends the check character to 17 characters of the alphabet. */
export function makeCreditCode(prefix17: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(prefix17)) {
    throw new RangeError(`credit code prefix must be 17 characters of ${CREDIT_CODE_ALPHABET}, got ${JSON.stringify(prefix17)}`);
  }
  return prefix17 + checkChar(prefix17);
}
