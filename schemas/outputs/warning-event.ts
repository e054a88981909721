import { z } from 'zod';

// qrm.risk.warnings, version 1: one message per warning state change, keyed by warning id (so one
// partition owns a warning and its events stay in order). Emitted by the score service; the same
// objects are what `qrm backtest` writes.

const signal = z.object({
  source: z.enum(['complaints', 'spotcheck', 'media']),
  z: z.number().describe('exceedance of this signal over its expected value, in standard deviations'),
  contribution: z.number().describe('points of the score this signal accounts for'),
  observed: z.record(z.string(), z.union([z.number(), z.string()])),
  expected: z.record(z.string(), z.number()),
  findings: z.array(z.string()),
});

export const evidenceV1 = z.object({
  formula: z.string(),
  thresholds: z.object({ I: z.number(), II: z.number(), III: z.number(), IV: z.number() }),
  counties: z.number().int().describe('counties with data in the cell (1 at county level)'),
  signals: z.array(signal),
  samples: z.record(z.string(), z.array(z.string())).describe('sample record ids per source'),
});

export const warningEventV1 = z.object({
  schema: z.literal('qrm.risk.warnings/v1'),
  warningId: z.string(),
  event: z.enum(['opened', 'escalated', 'deescalated', 'resolved', 'acknowledged']),
  evaluatedAt: z.iso.datetime().describe('evaluation time of the scoring pass the event came from'),
  productCode: z.string(),
  regionCode: z.string().describe('6-digit county, 4-digit prefecture or 2-digit province code'),
  regionLevel: z.enum(['county', 'prefecture', 'province']),
  level: z.enum(['I', 'II', 'III', 'IV']).describe('I most severe'),
  previousLevel: z.enum(['I', 'II', 'III', 'IV']).nullable(),
  score: z.number().min(0).max(100),
  openedAt: z.iso.datetime(),
  evidence: evidenceV1.nullable().describe('null when a warning resolves because its cell no longer scores'),
});

export type WarningEventV1 = z.infer<typeof warningEventV1>;
