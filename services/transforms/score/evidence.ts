import { thresholds } from './levels.ts';

// The evidence every score carries: for each signal its observed and expected values, its z, its
// share of the score, and sample record ids; plus the thresholds the level was read against. A risk
// analyst can recompute the score from this object alone: score = 10 × (√(Σ z²) − 0.5), within 0–100.

// The strongest window of a source: its z, and the z its own alarm threshold asks for (score.sql, stats).
type Best = [windowDays: number, observed: number, expected: number, dispersion: number, z: number, zExpose: number, exposureReach: number, alarmZ: number];

export type ScoreRow = {
  product_code: string;
  region_code: string;
  score: number;
  complaint_z: number;
  spotcheck_z: number;
  media_z: number;
  complaint_best: Best;
  /** Every complaint window's z as [days, z], in no set order. */
  complaint_windows: [windowDays: number, z: number][];
  c_o1: number;
  c_o7: number;
  c_o28: number;
  c_n7: number;
  top_enterprise: string;
  top_enterprise_n: number;
  c_callers7: number;
  media_best: Best;
  s_n90: number;
  s_f90: number;
  s_n365: number;
  s_f365: number;
  s_p0: number;
  s_p90: number;
  s_p365: number;
  s_repeat: number;
  s_rebound: boolean | number;
  s_below_target: boolean | number;
  counties: number;
};

export type Signal = {
  source: 'complaints' | 'spotcheck' | 'media';
  z: number;
  contribution: number;
  observed: Record<string, number | string>;
  expected: Record<string, number>;
  findings: string[];
};

export type Evidence = {
  formula: string;
  thresholds: typeof thresholds;
  counties: number;
  signals: Signal[];
  samples: Record<string, string[]>;
};

const r2 = (x: number) => Math.round(x * 100) / 100;

/** { windowZ1d, windowZ7d, windowZ28d }, always in this order so that a re-run stores the same evidence. */
function windowsZ(windows: ScoreRow['complaint_windows']): Record<string, number> {
  const z = (days: number) => windows.find(([d]) => d === days)?.[1] ?? 0;
  return { windowZ1d: z(1), windowZ7d: z(7), windowZ28d: z(28) };
}

export function buildEvidence(r: ScoreRow, samples: Record<string, string[]>): Evidence {
  const z2 = r.complaint_z ** 2 + r.spotcheck_z ** 2 + r.media_z ** 2;
  const share = (z: number) => (z2 > 0 ? r2((r.score * z ** 2) / z2) : 0);
  const signals: Signal[] = [];
  if (r.complaint_z > 0) {
    const [windowDays, observed, expected, dispersion, windowZ, , , alarmZ] = r.complaint_best;
    const findings = [
      `${windowDays}-day window: ${observed} weighted voices against ${expected} expected (z ${windowZ}; this window's alarm threshold is z ${alarmZ}, so it counts as z ${windowZ} × 3.5 / ${alarmZ})`,
    ];
    // The same rule as score.sql's concentration factor.
    const concentrated = r.top_enterprise_n >= 3 && r.top_enterprise_n >= 0.6 * r.c_callers7;
    if (concentrated) findings.push(`concentrated: ${r.top_enterprise_n} of ${r.c_callers7} callers this week name enterprise ${r.top_enterprise} (signal ×1.25)`);
    signals.push({
      source: 'complaints',
      z: r2(r.complaint_z),
      contribution: share(r.complaint_z),
      observed: { windowDays, weightedVoices: observed, windowZ, ...windowsZ(r.complaint_windows), voices1d: r.c_o1, voices7d: r.c_o7, voices28d: r.c_o28, complaints7d: r.c_n7, callers7d: r.c_callers7, concentration: concentrated ? 1.25 : 1 },
      expected: { weightedVoices: expected, dispersion, windowAlarmZ: alarmZ },
      findings,
    });
  }
  if (r.spotcheck_z > 0) {
    const findings: string[] = [];
    if (r.s_repeat > 0) findings.push(`${r.s_repeat} enterprise(s) failed twice or more in a year`);
    if (r.s_rebound) findings.push('rebound: failures after a quiet period with passing samples');
    if (r.s_below_target) findings.push(`pass rate ${r2((100 * (r.s_n365 - r.s_f365)) / Math.max(1, r.s_n365))} % is below the 85 % target`);
    signals.push({
      source: 'spotcheck',
      z: r2(r.spotcheck_z),
      contribution: share(r.spotcheck_z),
      observed: { samples90d: r.s_n90, failed90d: r.s_f90, samples365d: r.s_n365, failed365d: r.s_f365, shrunkFailRate90d: r.s_p90, shrunkFailRate365d: r.s_p365 },
      expected: { productFailRate: r.s_p0 },
      findings,
    });
  }
  if (r.media_z > 0) {
    const [windowDays, observed, expected, dispersion, , zExpose, exposureReach] = r.media_best;
    const findings = zExpose > 0 ? [`investigative exposé with reach ${exposureReach} in the last 72 hours`] : [];
    signals.push({
      source: 'media',
      z: r2(r.media_z),
      contribution: share(r.media_z),
      observed: { windowDays, negativity: observed, exposureReach },
      expected: { negativity: expected, dispersion },
      findings,
    });
  }
  return { formula: 'score = 10 × (√(z_complaints² + z_spotcheck² + z_media²) − 0.5), within 0–100', thresholds, counties: r.counties, signals, samples };
}
