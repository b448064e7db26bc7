/** ns53 as a library: replay and live attach, the pipeline core, its output contract, and its errors. */
export { replayTrace } from './replay.js';
export { attachLive, type AttachOptions, type AttachResult, type AttachEnd, type TracerBackend } from './attach.js';
export { diagnoseContainer, type DiagnoseOptions } from './diagnose.js';
export type { Diagnosis } from './diagnose/diagnosis.js';
export { TracePipeline, type SessionListener, type InputFacts, type PipelineOptions } from './trace-pipeline.js';
// The bpftrace reader, to hand to TracePipeline for bpftrace input (loads zod).
export { BpftraceEventReader } from './events/bpftrace-event-reader.js';
export { OUTCOMES, type SessionRecord, type AttemptRecord, type SummaryRecord, type IssueRecord, type Outcome, type CorrelatorOptions } from './sessions/index.js';
// The output contract as zod schemas (loads zod: import it only to validate).
export * from './sessions/record-schemas.js';
export { Ns53Error, type Ns53ErrorCode } from './errors.js';
