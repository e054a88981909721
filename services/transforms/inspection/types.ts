import type { WarningEventV1 } from '../../../schemas/outputs/warning-event.ts';

/** The fields of a warning event a request is built from: a WarningEventV1, or the score service's own event. */
export type InspectionSource = Pick<WarningEventV1, 'warningId' | 'event' | 'evaluatedAt' | 'productCode' | 'regionCode' | 'regionLevel' | 'level' | 'previousLevel' | 'score' | 'evidence'>;

/** One enterprise of the cell with its own evidence (a row of enterprises.sql). */
export type EnterpriseRow = {
  creditCode: string;
  /** Latest non-empty name from a spot check or complaint; '' when none was given. */
  name: string;
  /** Failed spot checks published in the 365 days before t. */
  failedSpotChecks: number;
  /** Of those, failures with at least one safety item. */
  safetyFailures: number;
  /** Complaints and reports naming it in the 90 days before t. */
  complaints: number;
  /** Distinct callers among them (one caller is one voice). */
  complaintCallers: number;
  /** Negative media items naming it in the 90 days before t. */
  mediaMentions: number;
  /** Failed spot checks 366 days to 3 years before t. */
  pastViolations: number;
  /** Up to three items it failed in the last year, most frequent first. */
  failedItems: string[];
  /** Publication time of its latest failed spot check in the last year, ISO; null when none. */
  lastFailedAt: string | null;
  /** Up to five record ids per kind, latest first. */
  sampleIds: { failedSpotChecks: string[]; complaints: string[]; mediaMentions: string[]; pastViolations: string[] };
  /** Ranking score (formula in enterprises.sql). */
  score: number;
};

/** A test item failed in the cell's spot checks of the last year, with the number of failed samples naming it. */
export type FailedItemRow = { item: string; hazard: 'safety' | 'performance' | 'labeling'; times: number };

export type InspectionData = { enterprises: EnterpriseRow[]; failedItems: FailedItemRow[] };
