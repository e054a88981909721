import { z } from 'zod';
import { intWithDefault, optionalString, stringWithDefault } from './env.ts';

const dueHours = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? v : undefined),
  z
    .string()
    .regex(/^(I|II|III)=\d+(,(I|II|III)=\d+)*$/, 'expected e.g. I=24,II=72,III=168')
    .default('I=24,II=72,III=168')
    .transform((v) => Object.fromEntries(v.split(',').map((p) => p.split('=')).map(([k, n]) => [k, Number(n)])) as Record<'I' | 'II' | 'III', number>),
);

const apiTokens = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? v : undefined),
  z
    .string()
    .optional()
    .transform((v, c) => {
      if (!v) return {};
      try {
        const parsed = z.record(z.string().min(16), z.object({ bureau: z.string().min(1), regions: z.array(z.string().regex(/^\d{2}(\d{2}(\d{2})?)?$/)).min(1) })).parse(JSON.parse(v));
        return parsed;
      } catch (err) {
        c.addIssue({ code: 'custom', message: `expected JSON {"<token of 16+ chars>": {"bureau": "...", "regions": ["13", "1301", ...]}}: ${(err as Error).message.slice(0, 200)}` });
        return z.NEVER;
      }
    }),
);

export const alertEnv = {
  QRM_ALERT_GROUP: stringWithDefault('qrm-alert'),
  QRM_DASHBOARD_URL: stringWithDefault('http://localhost:3000'),
  QRM_API_TOKENS: apiTokens,
  QRM_INSPECTION_DUE_HOURS: dueHours,
  QRM_DIGEST_SCHEDULE: stringWithDefault('0 0 8 * * *'),
  QRM_WEEKLY_REPORT_SCHEDULE: stringWithDefault('0 0 8 * * 1'),
  QRM_MONTHLY_REPORT_SCHEDULE: stringWithDefault('0 0 8 1 * *'),
  QRM_REPORT_RECIPIENT: stringWithDefault('risk-centre'),
  QRM_DISPATCH_INTERVAL_MS: intWithDefault(2_000, 100, 600_000),
  QRM_ACK_INSTRUCTIONS: optionalString(),
};

type Env = z.output<z.ZodObject<typeof alertEnv>>;

export function alertConfig(env: Env) {
  return {
    group: env.QRM_ALERT_GROUP,
    dashboardUrl: env.QRM_DASHBOARD_URL.replace(/\/$/, ''),
    apiTokens: env.QRM_API_TOKENS,
    inspectionDueHours: env.QRM_INSPECTION_DUE_HOURS,
    digestSchedule: env.QRM_DIGEST_SCHEDULE,
    weeklyReportSchedule: env.QRM_WEEKLY_REPORT_SCHEDULE,
    monthlyReportSchedule: env.QRM_MONTHLY_REPORT_SCHEDULE,
    reportRecipient: env.QRM_REPORT_RECIPIENT,
    dispatchIntervalMs: env.QRM_DISPATCH_INTERVAL_MS,
    ackInstructions:
      env.QRM_ACK_INSTRUCTIONS ??
      '请在处置后确认：qrm warnings ack <预警编号> --by <单位> --comment <说明>，或调用 POST /api/warnings/<预警编号>/ack（Bearer 令牌）。',
  };
}

export type AlertConfig = ReturnType<typeof alertConfig>;
