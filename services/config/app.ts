import { z } from 'zod';
import { DEFAULT_ALARM_Z, formatAlarmZ, parseAlarmZ } from '../transforms/score/alarm.ts';
import { intWithDefault, optionalString, stringWithDefault } from './env.ts';

// Settings the later services (score, alert, api) read are parsed here too, so that a typo in any of
// them fails at start-up with the variable's name rather than hours later.
export const appEnv = {
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.toLowerCase() : undefined),
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  QRM_HTTP_PORT: intWithDefault(8080, 0, 65_535),
  QRM_PII_KEY: optionalString().refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters'),
  QRM_SCORE_SCHEDULE: stringWithDefault('0 */5 * * * *').refine(
    (v) => [5, 6].includes(v.trim().split(/\s+/).length),
    'expected a cron expression with 5 or 6 fields (seconds allowed)',
  ),
  // The county complaint windows' alarm thresholds (transforms/score/alarm.ts; `qrm calibrate`).
  QRM_COMPLAINT_ALARM_Z: stringWithDefault(formatAlarmZ(DEFAULT_ALARM_Z)).transform((v, c) => {
    const parsed = parseAlarmZ(v);
    if (parsed.ok) return parsed.value;
    c.addIssue({ code: 'custom', message: `${parsed.reason}; expected e.g. ${formatAlarmZ(DEFAULT_ALARM_Z)}` });
    return z.NEVER;
  }),
  QRM_ROUTES: optionalString(),
  SMTP_URL: optionalString(),
  SMTP_FROM: stringWithDefault('qrm <qrm@localhost>'),
  SMS_GATEWAY_URL: optionalString(),
  SMS_GATEWAY_SECRET: optionalString(),
  QRM_KAFKA_DEV_FILE: stringWithDefault('.qrm/kafka-dev.env'),
};

type Env = z.output<z.ZodObject<typeof appEnv>>;

export function appConfig(env: Env) {
  return {
    logLevel: env.LOG_LEVEL,
    httpPort: env.QRM_HTTP_PORT,
    piiKey: env.QRM_PII_KEY,
    scoreSchedule: env.QRM_SCORE_SCHEDULE,
    complaintAlarmZ: env.QRM_COMPLAINT_ALARM_Z,
    routesFile: env.QRM_ROUTES,
    smtp: { url: env.SMTP_URL, from: env.SMTP_FROM },
    sms: { url: env.SMS_GATEWAY_URL, secret: env.SMS_GATEWAY_SECRET },
    kafkaDevFile: env.QRM_KAFKA_DEV_FILE,
  };
}
