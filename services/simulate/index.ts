export { parseIncident } from './incidents.ts';
export { simulate } from './simulate.ts';
export type { Incident, IncidentKind, SimMessage, SimOptions, Topic } from './types.ts';
