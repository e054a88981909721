import { z } from 'zod';

// Helpers for environment variables: every value arrives as a string (or not at all), and an empty
// string means "unset" so that `FOO=` in a compose file behaves like leaving it out.

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const optionalString = () => z.preprocess(blankToUndefined, z.string().optional());

export const stringWithDefault = (value: string) => z.preprocess(blankToUndefined, z.string().default(value));

export const intWithDefault = (value: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).default(value));

export const booleanWithDefault = (value: boolean) =>
  z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .transform((v) => v === 'true' || v === '1' || v === 'yes')
      .default(value),
  );
