import type { WarningEventV1 } from '../../../schemas/outputs/warning-event.ts';

// Warning events as the score service emits them, for the email and SMS renderer tests.

export function warningEvent(patch: Partial<WarningEventV1> = {}): WarningEventV1 {
  return {
    schema: 'qrm.risk.warnings/v1',
    warningId: 'W-C-waterproof_membrane-130184-20261121T080000Z',
    event: 'opened',
    evaluatedAt: '2026-11-21T08:00:00.000Z',
    productCode: 'waterproof_membrane',
    regionCode: '130184',
    regionLevel: 'county',
    level: 'II',
    previousLevel: null,
    score: 82.4,
    openedAt: '2026-11-21T08:00:00.000Z',
    evidence: {
      formula: 'score = 10 × (√(z_complaints² + z_spotcheck² + z_media²) − 0.5), within 0–100',
      thresholds: { I: 85, II: 70, III: 50, IV: 30 },
      counties: 1,
      signals: [
        {
          source: 'complaints',
          z: 6.1,
          contribution: 45.2,
          observed: { windowDays: 7, weightedVoices: 31.5, voices1d: 4, voices7d: 29, voices28d: 41, complaints7d: 22 },
          expected: { weightedVoices: 6.2, dispersion: 1.4 },
          findings: ['7-day window: 31.5 weighted voices against 6.2 expected'],
        },
        {
          source: 'spotcheck',
          z: 4.3,
          contribution: 37.2,
          observed: { samples90d: 12, failed90d: 5, samples365d: 30, failed365d: 8, shrunkFailRate90d: 0.31234, shrunkFailRate365d: 0.2 },
          expected: { productFailRate: 0.08 },
          findings: ['rebound: failures after a quiet period with passing samples'],
        },
      ],
      samples: { complaints: ['12365-T-1', '12365-T-2'], spotcheck: ['SC-T-7'], media: [] },
    },
    ...patch,
  };
}
