export { buildInspectionRequest, MAX_ENTERPRISES, MAX_TEST_ITEMS, needsInspection, rankEnterprises, requestId, testItems } from './build.ts';
export { defaultInspectionPolicy, inspectionPolicySchema, type InspectionPolicy } from './policy.ts';
export { inspectionData } from './query.ts';
export type { EnterpriseRow, FailedItemRow, InspectionData, InspectionSource } from './types.ts';
