import type { Level } from '../score/levels.ts';
import type { RegionLevel } from '../score/pass.ts';
import type { Period, ReportKind } from './period.ts';

// What a report says, as data: everything the renderer needs and nothing it must look up again.

export type ReportDataOptions = {
  kind: ReportKind;
  /** The report's cut-off; only what happened before it counts. */
  at: Date;
  /** A bureau's region code (2, 4 or 6 digits): only cells whose region code starts with it. */
  regionPrefix?: string;
  /** How many top cells to list (default 10). */
  top?: number;
};

/** A product × region cell with its display names. */
export type Cell = {
  productCode: string;
  productName: string;
  regionCode: string;
  regionName: string;
  regionLevel: RegionLevel;
};

export type WarningEventItem = Cell & {
  warningId: string;
  event: 'opened' | 'escalated' | 'resolved';
  evaluatedAt: Date;
  level: Level;
  previousLevel: Level | null;
  score: number;
  openedAt: Date;
};

export type OpenWarningItem = Cell & {
  warningId: string;
  level: Level;
  /** Score at the warning's latest state change. */
  score: number;
  openedAt: Date;
  lastChangeAt: Date;
  acknowledged: boolean;
};

export type TopCell = Cell & {
  maxScore: number;
  /** Level the maximum reached (null below IV). */
  level: Level | null;
  maxAt: Date;
  /** Scoring passes in the period at which the cell was at a warning level. */
  warningPasses: number;
};

/** New or raised warnings per level on one Beijing day. */
export type TrendDay = { day: string; start: Date; counts: Record<Level, number> };

export type Rate = { samples: number; passed: number; rate: number | null };

export type PassRateRow = { productCode: string; productName: string; current: Rate; previous: Rate };

export type FeedVolume = {
  feed: 'hotline' | 'media' | 'spotcheck';
  /** All records in the period, by event time (received, published, result known). */
  records: number;
  /** Hotline: complaints and reports (the risk signals); media: exposés; spot checks: failures. */
  flagged: number;
  previousRecords: number;
  previousFlagged: number;
};

export type DeadLetterCount = { feed: string; reasonCode: string; count: number };

export type PipelineHealth = {
  deadLetters: DeadLetterCount[];
  deadLetterTotal: number;
  /** Scoring passes in the period that stored at least one score. */
  scoringPasses: number;
  lastScoringAt: Date | null;
  /** Latest event time stored per feed within this and the previous period (null: none). */
  lastRecordAt: Record<FeedVolume['feed'], Date | null>;
};

export type ReportData = {
  kind: ReportKind;
  at: Date;
  timeZone: string;
  period: Period;
  previousPeriod: Period;
  /** The bureau's region, or null for the whole jurisdiction. */
  region: { code: string; name: string } | null;
  /** Spot-check pass-rate target of the regional campaign (85 %). */
  target: number;
  warnings: {
    opened: WarningEventItem[];
    escalated: WarningEventItem[];
    resolved: WarningEventItem[];
    /** Open at the end of the period, most severe first. */
    open: OpenWarningItem[];
  };
  topCells: TopCell[];
  trend: TrendDay[];
  passRates: { overall: { current: Rate; previous: Rate }; products: PassRateRow[] };
  volumes: FeedVolume[];
  /** Dead letters and scoring health; null for a bureau's report (the pipeline is not theirs). */
  pipeline: PipelineHealth | null;
};
