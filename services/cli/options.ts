import { InvalidArgumentError } from 'commander';
import { parseSpan } from '../lib/span.ts';

// Option parsers shared by commands.

/** An ISO time option, e.g. --at or --from; the error names the flag. */
export const isoTime = (flag: string) => (v: string): Date => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(`${flag}: not an ISO time`);
  return d;
};

/** A time span option, e.g. --step 1d; commander reports the error instead of a stack trace. */
export const span = (flag: string) => (v: string): number => {
  try {
    return parseSpan(v);
  } catch (err) {
    throw new InvalidArgumentError(`${flag}: ${(err as Error).message}`);
  }
};
