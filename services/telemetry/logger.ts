import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

// Personal data must never reach a log line, whatever a future log call passes in: pino removes these
// paths before serialising. Raw messages are never logged; this is the second line of defence.
export const redactPaths = [
  'complainant',
  '*.complainant',
  '*.*.complainant',
  'phone',
  '*.phone',
  '*.*.phone',
  'name',
  '*.name',
  'password',
  '*.password',
  'piiKey',
  '*.piiKey',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'qrm' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ fd: 2, sync: false }),
  );
}
