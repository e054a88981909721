import { InvalidArgumentError } from 'commander';
import { parseSpan } from '../lib/span.ts';

// Option parsers shared by commands.

/** An ISO time option, e.g. --at or --from; the error names the flag. */
export const isoTime = (flag: string) => (v: string): Date => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(`${flag}: not an ISO time`);
  return d;
};

/** A time span option, e.g. --step 1d, of at least 1 ms and at most `maxMs`; commander reports the error instead of a stack trace. */
export const span = (flag: string, maxMs = Infinity) => (v: string): number => {
  let ms: number;
  try {
    ms = parseSpan(v);
  } catch (err) {
    throw new InvalidArgumentError(`${flag}: ${(err as Error).message}`);
  }
  // A step of 0 would loop for ever.
  if (ms < 1) throw new InvalidArgumentError(`${flag}: must be longer than 0`);
  if (ms > maxMs) throw new InvalidArgumentError(`${flag}: at most ${maxMs / 86_400_000} days`);
  return ms;
};
