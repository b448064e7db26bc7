/** ns53 as a library: replay and live attach, the pipeline core, its output contract, and its errors. */
export { replayTrace } from './replay.js';
export { attachLive, type AttachOptions, type AttachResult, type AttachEnd } from './attach.js';
export { TracePipeline, type SessionListener, type InputFacts } from './trace-pipeline.js';
export { OUTCOMES, type SessionRecord, type AttemptRecord, type SummaryRecord, type IssueRecord, type Outcome, type CorrelatorOptions } from './sessions/index.js';
// The output contract as zod schemas (loads zod: import it only to validate).
export * from './sessions/record-schemas.js';
export { Ns53Error, type Ns53ErrorCode } from './errors.js';
