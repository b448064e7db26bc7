export { SessionCorrelator, DEFAULT_CORRELATOR_OPTIONS, type CorrelatorOptions } from './correlator.js';
export type { Attempt, Session, ClientLeg, ClientReply, TrailEntry } from './model.js';
export { OUTCOMES, type Outcome } from './outcome.js';
export {
  SessionRecordSchema,
  AttemptRecordSchema,
  NetnsRecordSchema,
  QueryRecordSchema,
  buildSessionRecord,
  type SessionRecord,
  type AttemptRecord,
  type NetnsRecord,
  type RecordFormat,
} from './session-record.js';
export { SummaryRecordSchema, IssueRecordSchema, SessionTally, type SummaryRecord, type IssueRecord } from './summary.js';
export { buildVerdict, type UpstreamWitness } from './verdict.js';
