/** ns53 as a library: the offline replay core, its output contract, and its errors. */
export { replayTrace } from './replay.js';
export { ReplayPipeline, type ReplayListener, type InputFacts } from './replay-pipeline.js';
export {
  SessionRecordSchema,
  AttemptRecordSchema,
  NetnsRecordSchema,
  QueryRecordSchema,
  SummaryRecordSchema,
  IssueRecordSchema,
  OUTCOMES,
  type SessionRecord,
  type AttemptRecord,
  type SummaryRecord,
  type IssueRecord,
  type Outcome,
  type CorrelatorOptions,
} from './sessions/index.js';
export { Ns53Error, type Ns53ErrorCode } from './errors.js';
