import { z } from 'zod';

// How soon an inspection is due, by warning level. The score service's configuration supplies it;
// the defaults follow the issue (level I within 24 hours) and the weekly cadence of a campaign for
// level III.

export const inspectionPolicySchema = z
  .object({
    dueHours: z.object({
      I: z.number().int().positive().default(24),
      II: z.number().int().positive().default(72),
      III: z.number().int().positive().default(168),
    }),
  })
  .refine((p) => p.dueHours.I <= p.dueHours.II && p.dueHours.II <= p.dueHours.III, {
    message: 'a more severe level cannot be due later than a less severe one (I ≤ II ≤ III hours)',
    path: ['dueHours'],
  });

export type InspectionPolicy = z.infer<typeof inspectionPolicySchema>;

export const defaultInspectionPolicy: InspectionPolicy = Object.freeze({ dueHours: Object.freeze({ I: 24, II: 72, III: 168 }) });
