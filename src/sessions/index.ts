export { SessionCorrelator, DEFAULT_CORRELATOR_OPTIONS, type CorrelatorOptions } from './correlator.js';
export type { Attempt, Session, ClientLeg, ClientReply, TrailEntry } from './model.js';
export { OUTCOMES, type Outcome } from './outcome.js';
export { buildSessionRecord, type RecordFormat } from './session-record.js';
export type { SessionRecord, AttemptRecord, NetnsRecord, QueryRecord, SummaryRecord, IssueRecord } from './record-schemas.js';
export { SessionTally } from './summary.js';
export { buildVerdict, type UpstreamWitness } from './verdict.js';
